"""Payments received and their allocation (lettrage) to invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import CompanyScoped
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice


class Payment(CompanyScoped):
    class Method(models.TextChoices):
        TRANSFER = "transfer", _("Bank transfer")
        DIRECT_DEBIT = "direct_debit", _("Direct debit")
        CHECK = "check", _("Cheque")
        CARD = "card", _("Card")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    received_on = models.DateField(_("received on"))
    method = models.CharField(
        _("method"), max_length=20, choices=Method.choices, default=Method.TRANSFER
    )
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(max_length=10, default="manual")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering: ClassVar = ["-received_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["company", "customer", "received_on"], name="payment_customer"),
            # the payment list's order: a page of the latest without sorting them all
            models.Index(fields=["company", "-received_on", "-id"], name="payment_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.received_on})"


class Allocation(CompanyScoped):
    """Part of a payment settling part of an invoice (lettrage)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation")
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="allocation_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.invoice_id}"


# -- bank reconciliation (rapprochement bancaire) ------------------------------------------


class ReconciliationSettings(CompanyScoped):
    """How far the matching engine may go alone, and the CSV column mapping last used."""

    auto_threshold = models.DecimalField(
        _("automatic match threshold"), max_digits=4, decimal_places=3, default=Decimal("0.900")
    )
    csv_mapping = models.JSONField(_("CSV column mapping"), default=dict, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company"], name="reconciliation_settings_company"),
        ]


class BankAccount(CompanyScoped):
    """One of the company's bank accounts, known by its IBAN or the bank's account number."""

    account = models.CharField(_("account"), max_length=50)
    name = models.CharField(_("name"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "account"], name="bank_account_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.account


class BankStatement(CompanyScoped):
    """One imported file (its hash tells the same file imported again)."""

    filename = models.CharField(_("file"), max_length=255)
    format = models.CharField(_("format"), max_length=10)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class BankLine(CompanyScoped):
    """One movement read from a statement. Credits are matched to invoices; debits are kept."""

    class State(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        PROPOSED = "proposed", _("Proposed")
        MATCHED = "matched", _("Matched")
        IGNORED = "ignored", _("Not a customer payment")
        SPLIT = "split", _("Split")
        DEBIT = "debit", _("Debit")

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="lines")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="parts"
    )
    booking_date = models.DateField(_("date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    label = models.CharField(_("label"), max_length=500, blank=True)
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    payer_name = models.CharField(_("payer"), max_length=140, blank=True)
    payer_iban = models.CharField(_("payer IBAN"), max_length=34, blank=True)
    bank_transaction_id = models.CharField(max_length=100, blank=True)
    fingerprint = models.CharField(max_length=64)
    dedup_key = models.CharField(max_length=200)  # "tx:<account>:<id>" else "fp:<fingerprint>"
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UNMATCHED
    )
    payment = models.OneToOneField(
        Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="bank_line"
    )

    class Meta:
        ordering: ClassVar = ["booking_date", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "dedup_key"], name="bank_line_once"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["company", "state", "booking_date"], name="bank_line_state"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.amount} {self.label[:40]}"


class MatchProposal(CompanyScoped):
    """What the engine proposes for a line: invoices and amounts, confidence and reasons."""

    line = models.ForeignKey(BankLine, on_delete=models.CASCADE, related_name="proposals")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    invoices = models.ManyToManyField(Invoice, related_name="+", blank=True)
    amounts = models.JSONField(default=dict)  # {invoice id: "amount"}
    credit_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    confidence = models.DecimalField(max_digits=4, decimal_places=3)
    reasons = models.JSONField(default=list)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["line", "rank"]


class CustomerBankAccount(CompanyScoped):
    """A payer IBAN confirmed as a customer's: later credits from it are known at once."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="bank_accounts")
    iban = models.CharField(_("IBAN"), max_length=34)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "iban"], name="customer_iban_once"),
        ]


class CustomerPayerName(CompanyScoped):
    """A payer name (as banks write it, normalised) confirmed as a customer's."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="payer_names")
    name_key = models.CharField(max_length=140)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "name_key"], name="payer_name_once"),
        ]
