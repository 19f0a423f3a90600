from django.urls import path

from encaisse.web.reports import views

app_name = "analytics"
urlpatterns = [
    path("", views.report_index, name="reports"),
    path("pack.pdf", views.report_pack, name="pack"),
    path("<str:name>.<str:fmt>", views.report_download, name="download"),
]
