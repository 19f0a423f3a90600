"""Collection (recouvrement): promises to pay, for now; disputes are a flag on the invoice."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
