from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "encaisse.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from encaisse.ledger import views
        from encaisse.web import extensions

        extensions.register_nav("ledger:accounting", _("Accounting"), order=60)
        extensions.register_panel("customer", order=30)(views.customer_panel)
