"""Quotes (devis) and their lines; an accepted quote becomes an invoice or a deposit invoice."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import CompanyScoped
from encaisse.customers.models import Customer, PaymentTerms


class Quote(CompanyScoped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        INVOICED = "invoiced", _("Invoiced")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="quotes"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    series = models.CharField(_("series"), max_length=10, blank=True)
    number = models.CharField(_("number"), max_length=35, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    nature = models.CharField(
        _("nature of the operation"),
        max_length=10,
        choices=[
            ("goods", _("Goods")),
            ("services", _("Services")),
            ("both", _("Goods and services")),
        ],
        default="services",
    )
    po_number = models.CharField(_("purchase order"), max_length=50, blank=True)
    payment_terms = models.ForeignKey(
        PaymentTerms,
        verbose_name=_("payment terms"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    net_amount = models.DecimalField(_("total excl. VAT"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    total_amount = models.DecimalField(_("total incl. VAT"), max_digits=14, decimal_places=2)
    notes = models.TextField(_("notes"), blank=True)
    decided_on = models.DateField(_("accepted or refused on"), null=True, blank=True)
    refusal_reason = models.CharField(_("refusal reason"), max_length=500, blank=True)
    deposit_invoice = models.ForeignKey(
        "invoicing.Invoice",
        verbose_name=_("deposit invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit_for_quotes",
    )
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="from_quotes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=~models.Q(number=""),
                name="quote_unique_number",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (~models.Q(number="") & models.Q(issue_date__isnull=False)),
                name="quote_issued_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"{_('Quote')} ({_('draft')} #{self.pk})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def is_expired(self, on: date) -> bool:
        return (
            self.status == self.Status.ISSUED
            and self.valid_until is not None
            and self.valid_until < on
        )


class QuoteLine(CompanyScoped):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price excl. VAT"), max_digits=14, decimal_places=4)
    discount_rate = models.DecimalField(_("discount"), max_digits=5, decimal_places=4, default=0)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4)
    net_amount = models.DecimalField(_("amount excl. VAT"), max_digits=14, decimal_places=2)

    class Meta:
        ordering: ClassVar = ["position", "id"]

    def __str__(self) -> str:
        return self.description
