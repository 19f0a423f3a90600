from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "encaisse.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # the figures' computations register themselves (web, workers and commands alike)
        from encaisse.analytics import dashboard, reports  # noqa: F401
        from encaisse.web import extensions

        extensions.register_nav("analytics:reports", _("Reports"), order=80, section="reports")
