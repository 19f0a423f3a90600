from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "encaisse.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        """Menu entries and page panels of every area, in one place: the shared templates
        name no area, and the domain apps know nothing of the screens."""
        from encaisse.web.dunning import panels as dunning_panels
        from encaisse.web.invoices import panels as invoice_panels
        from encaisse.web.ledger import views as ledger_views
        from encaisse.web.shell import extensions

        extensions.register_nav("dunning:worklist", _("Worklist"), order=15)
        extensions.register_nav("invoicing:quote_list", _("Quotes"), order=25)
        extensions.register_nav("payments:bank", _("Bank"), order=35)
        extensions.register_nav("ledger:accounting", _("Accounting"), order=60)
        extensions.register_nav("analytics:reports", _("Reports"), order=80, section="reports")
        extensions.register_panel("invoice", order=10)(invoice_panels.invoice_panel)
        extensions.register_panel("customer", order=10)(invoice_panels.customer_panel)
        extensions.register_panel("invoice", order=20)(dunning_panels.invoice_panel)
        extensions.register_panel("customer", order=20)(dunning_panels.customer_panel)
        extensions.register_panel("customer", order=30)(ledger_views.customer_panel)
