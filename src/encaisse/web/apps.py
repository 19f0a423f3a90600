from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "encaisse.web"
    label = "web"
    verbose_name = "Web"
