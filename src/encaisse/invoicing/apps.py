from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "encaisse.invoicing"
    label = "invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from encaisse.invoicing import panels
        from encaisse.web import extensions

        extensions.register_nav("invoicing:quote_list", _("Quotes"), order=25)
        extensions.register_panel("invoice", order=10)(panels.invoice_panel)
        extensions.register_panel("customer", order=10)(panels.customer_panel)
