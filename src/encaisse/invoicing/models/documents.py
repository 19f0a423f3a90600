"""Stored documents and e-invoicing lifecycle statuses (cycle de vie).

The PDF bytes live in the database (BinaryField), not in MEDIA_ROOT: an issued document is
a legal record kept 6 to 10 years with the invoice it belongs to; in the database it is
written in the same transaction, backed up with the rest, shared by every web and worker
machine without a shared disk, and never orphaned. A document weighs about 30-60 kB.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import CompanyScoped


class IssuedDocument(CompanyScoped):
    """The frozen PDF of an issued invoice, credit note or quote; never rewritten."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")
        QUOTE = "quote", _("Quote")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    invoice = models.ForeignKey(
        "invoicing.Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    quote = models.ForeignKey(
        "invoicing.Quote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    number = models.CharField(_("number"), max_length=35)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50, default="application/pdf")
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    facturx = models.BooleanField(_("Factur-X"), default=False)
    imported = models.BooleanField(_("received from another tool"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["company", "invoice"],
                condition=models.Q(invoice__isnull=False),
                name="document_unique_invoice",
            ),
            models.UniqueConstraint(
                fields=["company", "quote"],
                condition=models.Q(quote__isnull=False),
                name="document_unique_quote",
            ),
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=True) ^ models.Q(quote__isnull=True),
                name="document_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class LifecycleStatus(models.TextChoices):
    """AFNOR XP Z12-012 statuses of an e-invoice (DOMAIN-FR 7.5); the code is the value."""

    DEPOSITED = "200", _("Deposited")
    ISSUED = "201", _("Issued by the platform")
    RECEIVED = "202", _("Received by the platform")
    MADE_AVAILABLE = "203", _("Made available")
    IN_PROCESS = "204", _("Taken into processing")
    APPROVED = "205", _("Approved")
    PARTIALLY_APPROVED = "206", _("Partially approved")
    DISPUTED = "207", _("Disputed")
    SUSPENDED = "208", _("Suspended")
    COMPLETED = "209", _("Completed")
    REFUSED = "210", _("Refused")
    PAYMENT_SENT = "211", _("Payment transmitted")
    PAID = "212", _("Paid (encaissée)")
    REJECTED = "213", _("Rejected")
    CANCELLED = "220", _("Cancelled")
    FACTORED = "225", _("Factored")


class LifecycleEvent(CompanyScoped):
    """One status of an issued e-invoice, with its date and where it came from."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        API = "api", _("API / platform")
        SYSTEM = "system", _("encaisse")

    invoice = models.ForeignKey(
        "invoicing.Invoice", on_delete=models.PROTECT, related_name="lifecycle_events"
    )
    status = models.CharField(_("status"), max_length=3, choices=LifecycleStatus.choices)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.STAFF
    )
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-invoicing status")
        verbose_name_plural = _("e-invoicing statuses")
        ordering: ClassVar = ["occurred_on", "id"]
        indexes: ClassVar = [
            models.Index(fields=["company", "invoice"], name="lifecycle_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.status} {self.occurred_on}"
