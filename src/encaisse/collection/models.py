"""Collection (recouvrement): disputes (litiges) and promises to pay, what pauses dunning.

Collection owns pauses: a dispute or a promise is recorded here by a service, and
`collection.selectors.dunning_pauses` is the one read that tells dunning what is paused and why.
`Invoice.disputed` is a stored copy kept by the dispute services (invoicing sits below
collection, so it cannot ask): true while the invoice has an open dispute.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from encaisse.core.models import CompanyScoped
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice


class Promise(CompanyScoped):
    """A customer's promise to pay an amount by a date: dunning waits until date + grace."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promises")
    invoices = models.ManyToManyField(
        Invoice,
        blank=True,
        related_name="promises",
        help_text=_("None: every open invoice of the customer."),
    )
    promised_on = models.DateField(_("payment promised for"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    contact_name = models.CharField(_("promised by"), max_length=200, blank=True)
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=3)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    followed_up_on = models.DateField(
        _("followed up on"),
        null=True,
        blank=True,
        help_text=_("A broken promise stays on the worklist until someone follows it up."),
    )

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        ordering: ClassVar = ["-promised_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="promise_amount_positive"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["company", "state", "promised_on"], name="promise_state"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} by {self.promised_on}"

    @property
    def pauses_until(self) -> date:
        return self.promised_on + timedelta(days=self.grace_days)


class Dispute(CompanyScoped):
    """A customer contests all or part of an invoice (litige): its dunning waits until the
    dispute is resolved (the claim stands, possibly after a credit note) or rejected."""

    class Reason(models.TextChoices):
        PRICE = "price", _("Price")
        QUANTITY = "quantity", _("Quantity")
        QUALITY = "quality", _("Quality")
        NOT_DELIVERED = "not_delivered", _("Not delivered")
        ALREADY_PAID = "already_paid", _("Already paid")
        DUPLICATE = "duplicate", _("Duplicate")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("dispute", "Open")
        RESOLVED = "resolved", pgettext_lazy("dispute", "Resolved")
        REJECTED = "rejected", pgettext_lazy("dispute", "Rejected")

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="disputes"
    )
    amount = models.DecimalField(_("disputed amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reason_text = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"))
    due_on = models.DateField(_("to resolve by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering: ClassVar = ["-opened_on", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="dispute_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_on__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_on__isnull=False)),
                name="dispute_resolved_on_iff_closed",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("opened_on")),
                name="dispute_resolved_after_opened",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["company", "status", "invoice"], name="dispute_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.amount} ({self.get_status_display()})"
