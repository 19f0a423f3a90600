from django.urls import URLPattern

app_name = "dunning"
urlpatterns: list[URLPattern] = []
