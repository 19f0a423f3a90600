"""Accounting side of the receivables: account numbers per company and what FEC files brought in.

`LedgerSettings` holds the accounts and journals used when encaisse writes its entries for
the accountant (FEC export). `FecImport` is one imported file; `FecItem` is one line of a
customer account (411...) that became an invoice, a credit note or part of a payment. Its
`key` is a fingerprint of the line without its lettering, so importing the same file again
(or a later export of the same year, now lettered) adds no line twice.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import Company, CompanyScoped
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Payment


class LedgerSettings(models.Model):
    """Account numbers and journal codes of one company's chart of accounts (PCG defaults)."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="ledger_settings"
    )
    customer_account = models.CharField(
        _("customer control account"),
        max_length=20,
        default="411000",
        help_text=_("Collective customer account; each customer is an auxiliary account of it."),
    )
    sales_account = models.CharField(_("sales account"), max_length=20, default="706000")
    vat_account_prefix = models.CharField(
        _("VAT collected account prefix"),
        max_length=20,
        default="44571",
        help_text=_("The rate is appended: 4457120 for 20 %, 4457155 for 5.5 %."),
    )
    bank_account = models.CharField(_("bank account"), max_length=20, default="512000")
    sales_journal = models.CharField(_("sales journal code"), max_length=10, default="VE")
    sales_journal_label = models.CharField(
        _("sales journal name"), max_length=100, default="Ventes"
    )
    bank_journal = models.CharField(_("bank journal code"), max_length=10, default="BQ")
    bank_journal_label = models.CharField(_("bank journal name"), max_length=100, default="Banque")

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")

    def __str__(self) -> str:
        return f"{self.company}: {self.customer_account}"


class FecImport(CompanyScoped):
    """One FEC file imported: what it held and what it created."""

    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    entries = models.PositiveIntegerField(default=0)
    lines = models.PositiveIntegerField(default=0)
    customers_created = models.PositiveIntegerField(default=0)
    invoices_created = models.PositiveIntegerField(default=0)
    credit_notes_created = models.PositiveIntegerField(default=0)
    payments_created = models.PositiveIntegerField(default=0)
    allocations_created = models.PositiveIntegerField(default=0)
    open_items = models.PositiveIntegerField(default=0)
    open_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    reconstituted = models.BooleanField(
        _("lettering reconstituted"),
        default=False,
        help_text=_("The file had no lettering; payments were matched to invoices on import."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("FEC import")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class FecItem(CompanyScoped):
    """One customer-account line of an imported FEC and the row it became."""

    fec_import = models.ForeignKey(FecImport, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=40)
    account = models.CharField(max_length=40)
    customer_key = models.CharField(max_length=40)
    letter = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)  # debit - credit
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "key"], name="fec_item_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"
