from django.urls import path

from encaisse.web.bank import views

app_name = "payments"
urlpatterns = [
    path("", views.reconciliation, name="bank"),
    path("import/", views.bank_upload, name="bank_upload"),
    path("settings/", views.bank_settings, name="bank_settings"),
    path("lines/<int:pk>/", views.bank_line, name="bank_line"),
    path("lines/<int:pk>/accept/<int:proposal_id>/", views.bank_accept, name="bank_accept"),
    path("lines/<int:pk>/match/", views.bank_match, name="bank_match"),
    path("lines/<int:pk>/ignore/", views.bank_ignore, name="bank_ignore"),
    path("lines/<int:pk>/split/", views.bank_split, name="bank_split"),
    path("lines/<int:pk>/undo/", views.bank_undo, name="bank_undo"),
]
