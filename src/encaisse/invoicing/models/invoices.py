"""Invoices and credit notes (avoirs), their lines and VAT totals per rate.

One table holds both kinds: they share numbering rules, lines, VAT and documents; a credit
note points at the invoice it corrects and reduces what is owed on it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Func
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from encaisse.core.db import money_expr
from encaisse.core.models import CompanyScoped
from encaisse.customers.models import Customer, PaymentTerms


def stored_open_amount() -> Func:
    """Today's open amount from the settlement stored on the invoice (ADR 4): what the lists
    filter on, and what the partial index `invoice_open` is defined by."""
    return money_expr(F("total_amount") - F("paid_total") - F("credited_total"))


class Invoice(CompanyScoped):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled draft")

    class Nature(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICES = "services", _("Services")
        BOTH = "both", _("Goods and services")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered")
        IMPORT = "import", _("Imported")
        API = "api", _("API")
        DEMO = "demo", _("Demo")
        FEC = "fec", _("Accounting file (FEC)")
        EINVOICE = "einvoice", _("E-invoice")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    series = models.CharField(_("series"), max_length=10, blank=True)
    number = models.CharField(_("number"), max_length=35, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    supply_date = models.DateField(_("delivery date"), null=True, blank=True)
    payment_terms = models.ForeignKey(
        PaymentTerms,
        verbose_name=_("payment terms"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    nature = models.CharField(
        _("nature of the operation"), max_length=10, choices=Nature.choices, default=Nature.SERVICES
    )
    po_number = models.CharField(_("purchase order"), max_length=50, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    net_amount = models.DecimalField(_("total excl. VAT"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    total_amount = models.DecimalField(_("total incl. VAT"), max_digits=14, decimal_places=2)
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credited invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    # True while the invoice has an open dispute: kept by collection's dispute services only
    # (collection.models.Dispute holds the amount, reason and resolution).
    disputed = models.BooleanField(_("disputed"), default=False)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What settled the invoice so far: kept by `payments.settlement.settlement_refresh`, which
    # every writer of allocations and linked credit notes calls (ADR 0004). Lists filter and
    # sort on them without a subquery per row; amounts at a past date are still derived.
    paid_total = models.DecimalField(max_digits=14, decimal_places=2, default=0, db_default=0)
    credited_total = models.DecimalField(max_digits=14, decimal_places=2, default=0, db_default=0)

    # Set on rows read through invoicing.selectors.with_open_amount.
    paid_amount: Decimal
    credited_amount: Decimal
    open_amount: Decimal

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering: ClassVar = ["-issue_date", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=~models.Q(number=""),
                name="invoice_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(issue_date__isnull=True)
                | models.Q(due_date__gte=models.F("issue_date")),
                name="invoice_due_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(total_amount__gte=0) & models.Q(net_amount__gte=0),
                name="invoice_amounts_positive",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="issued")
                | (
                    ~models.Q(number="")
                    & models.Q(issue_date__isnull=False)
                    & models.Q(due_date__isnull=False)
                ),
                name="invoice_issued_is_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(credited_invoice__isnull=True) | models.Q(kind="credit_note"),
                name="invoice_only_credit_notes_credit",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["company", "status", "due_date"], name="invoice_status_due"),
            models.Index(fields=["company", "customer", "issue_date"], name="invoice_customer"),
            # the invoice lists' order: a page of the newest without sorting the whole ledger
            models.Index(fields=["company", "kind", "-issue_date", "-id"], name="invoice_newest"),
            # the open invoices, a tenth of a ledger: counted, aged and listed without a scan
            models.Index(
                fields=["company", "due_date"],
                name="invoice_open",
                condition=models.Q(kind="invoice", status="issued")
                & models.Q(GreaterThan(stored_open_amount(), 0)),
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} ({_('draft')} #{self.pk})"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def is_overdue(self, on: date) -> bool:
        return (
            self.status == self.Status.ISSUED and self.due_date is not None and self.due_date < on
        )


class CreditNoteManager(models.Manager["Invoice"]):
    def get_queryset(self) -> models.QuerySet[Invoice]:
        return super().get_queryset().filter(kind=Invoice.Kind.CREDIT_NOTE)


class CreditNote(Invoice):
    """Credit notes seen on their own (admin, API); same table as invoices."""

    objects = CreditNoteManager()  # type: ignore[misc,assignment]  # proxy narrows the manager

    class Meta:
        proxy = True
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")


class InvoiceLine(CompanyScoped):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=14, decimal_places=4)
    discount_rate = models.DecimalField(_("discount"), max_digits=5, decimal_places=4, default=0)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    net_amount = models.DecimalField(_("amount excl. VAT"), max_digits=14, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(discount_rate__gte=0) & models.Q(discount_rate__lte=1),
                name="line_discount_range",
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0) & models.Q(vat_rate__lt=1),
                name="line_vat_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class VatTotal(CompanyScoped):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="vat_totals")
    rate = models.DecimalField(max_digits=5, decimal_places=4)
    base_amount = models.DecimalField(max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["-rate"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "invoice", "rate"], name="vat_total_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.rate}: {self.vat_amount}"
