"""Admin for platform staff: invoices and credit notes are shown, never edited here
(issued documents are frozen; drafts change through the app's services)."""

from django.contrib import admin

from encaisse.customers.admin import ReadOnlyAdmin, ReadOnlyInline
from encaisse.invoicing.models import CreditNote, Invoice, InvoiceLine, VatTotal


class InvoiceLineInline(ReadOnlyInline):
    model = InvoiceLine
    fields = (
        "position",
        "description",
        "quantity",
        "unit_price",
        "discount_rate",
        "vat_rate",
        "net_amount",
    )


class VatTotalInline(ReadOnlyInline):
    model = VatTotal
    fields = ("rate", "base_amount", "vat_amount")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "kind",
        "status",
        "customer",
        "company",
        "issue_date",
        "due_date",
        "total_amount",
        "disputed",
    )
    list_filter = ("company", "kind", "status", "disputed", "source")
    search_fields = ("number", "customer__name", "customer__reference")
    date_hierarchy = "issue_date"
    list_select_related = ("customer", "company")
    inlines = (InvoiceLineInline, VatTotalInline)


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "status",
        "customer",
        "credited_invoice",
        "company",
        "issue_date",
        "total_amount",
    )
    list_filter = ("company", "status")
    search_fields = ("number", "customer__name", "credited_invoice__number")
    list_select_related = ("customer", "company", "credited_invoice")
    inlines = (InvoiceLineInline, VatTotalInline)
