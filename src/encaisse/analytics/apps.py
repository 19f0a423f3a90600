from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "encaisse.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # the figures' computations register themselves (web, workers and commands alike)
        from encaisse.analytics import dashboard, reports  # noqa: F401
