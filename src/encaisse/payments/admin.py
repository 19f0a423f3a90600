"""Admin for platform staff: payments and allocations are shown, never edited here (the
services keep the allocation invariants and the audit trail)."""

from django.contrib import admin

from encaisse.customers.admin import ReadOnlyAdmin, ReadOnlyInline
from encaisse.payments.models import Allocation, BankLine, BankStatement, Payment


class AllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ("invoice", "amount", "created_by", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("received_on", "customer", "company", "amount", "method", "reference")
    list_filter = ("company", "method")
    search_fields = ("reference", "customer__name", "customer__reference")
    date_hierarchy = "received_on"
    list_select_related = ("customer", "company")
    inlines = (AllocationInline,)


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ("payment", "invoice", "amount", "company", "created_at")
    list_filter = ("company",)
    list_select_related = ("payment", "invoice", "company")


@admin.register(BankLine)
class BankLineAdmin(ReadOnlyAdmin):
    list_display = ("booking_date", "company", "amount", "label", "payer_name", "state")
    list_filter = ("company", "state")
    search_fields = ("label", "payer_name", "reference", "bank_transaction_id")
    list_select_related = ("company",)


@admin.register(BankStatement)
class BankStatementAdmin(ReadOnlyAdmin):
    list_display = ("filename", "company", "format", "imported_at")
    list_filter = ("company", "format")
