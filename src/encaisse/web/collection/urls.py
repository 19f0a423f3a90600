from django.urls import path

from encaisse.web.collection import views

app_name = "collection"
urlpatterns = [
    path("customers/<int:pk>/promise/", views.promise_create_view, name="promise_create"),
]
