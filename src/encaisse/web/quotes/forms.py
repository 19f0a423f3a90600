"""Quote forms (devis)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.web.invoices.forms import InvoiceForm
from encaisse.web.shell.forms import HUNDRED, StyledForm


class QuoteForm(InvoiceForm):
    """A quote asks what an invoice asks, but nothing is delivered yet."""

    supply_date = None  # type: ignore[assignment]  # Django removes a field declared None


class DepositForm(StyledForm):
    deposit_pct = forms.DecimalField(
        label=_("Deposit %"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99.99"),
    )

    def rate(self) -> Decimal:
        value: Decimal = self.cleaned_data["deposit_pct"]
        return value / HUNDRED


class RefuseForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
