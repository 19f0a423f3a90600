from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "encaisse.ledger"
    label = "ledger"
    verbose_name = "Ledger"
