from django.contrib import admin

from encaisse.customers.admin import ReadOnlyAdmin
from encaisse.ledger.models import FecImport, LedgerSettings


@admin.register(LedgerSettings)
class LedgerSettingsAdmin(admin.ModelAdmin):
    list_display = ("company", "customer_account", "sales_account", "bank_account")


@admin.register(FecImport)
class FecImportAdmin(ReadOnlyAdmin):
    list_display = ("company", "filename", "created_at", "entries", "invoices_created")
    list_filter = ("company",)
