from django.urls import path

from encaisse.web.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.accounting, name="accounting"),
    path("import/", views.fec_upload, name="accounting_upload"),
    path("export/", views.fec_download, name="accounting_download"),
    path("settings/", views.settings_edit, name="accounting_settings"),
    path("reconciliation/", views.reconciliation, name="accounting_reconciliation"),
]
