from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "encaisse.analytics"
    label = "analytics"
    verbose_name = "Analytics"
