from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DunningConfig(AppConfig):
    name = "encaisse.dunning"
    label = "dunning"
    verbose_name = "Dunning"

    def ready(self) -> None:
        from encaisse.dunning import panels
        from encaisse.web import extensions

        extensions.register_nav("dunning:worklist", _("Worklist"), order=15)
        extensions.register_panel("customer", order=20)(panels.customer_panel)
        extensions.register_panel("invoice", order=20)(panels.invoice_panel)
