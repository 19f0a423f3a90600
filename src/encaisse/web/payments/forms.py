"""Forms of the payments pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from encaisse.core.dates import today
from encaisse.core.models import Company
from encaisse.core.money import format_eur
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_open_list
from encaisse.payments.models import Payment
from encaisse.web.shell.forms import (
    CustomerChoiceField,
    DateInput,
    DecimalInput,
    StyledForm,
    company_customers,
    customer_filter,
)


class PaymentForm(StyledForm):
    """Money received; allocated oldest first, to chosen invoices, or left unallocated."""

    ALLOCATIONS = [
        ("oldest", _("Oldest invoices first")),
        ("chosen", _("To the invoices below")),
        ("none", _("Leave unallocated")),
    ]
    customer = CustomerChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    amount = DecimalInput(label=_("Amount"), min_value=Decimal("0.01"), fixed=True)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Method"), choices=Payment.Method.choices, initial=Payment.Method.TRANSFER
    )
    reference = forms.CharField(label=_("Reference"), max_length=140, required=False)
    allocation = forms.ChoiceField(
        label=_("Allocation"), choices=ALLOCATIONS, initial="oldest", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = today()
        customer = self.fields["customer"]
        assert isinstance(customer, forms.ModelChoiceField)
        customer.queryset = company_customers(company)
        self.open_invoices: list[Invoice] = []
        customer_id = self._customer_id()
        if customer_id is not None:
            self.open_invoices = list(invoice_open_list(company, customer_id=customer_id))
        for invoice in self.open_invoices:
            self.fields[self.allocation_field(invoice)] = DecimalInput(
                label=f"{invoice.number} ({format_eur(invoice.open_amount)})",
                required=False,
                min_value=Decimal("0.01"),
                fixed=True,
            )
        self.style_fields()

    @staticmethod
    def allocation_field(invoice: Invoice) -> str:
        return f"alloc_{invoice.pk}"

    def _customer_id(self) -> int | None:
        raw = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        if isinstance(raw, Customer):
            return raw.pk
        try:
            return int(str(raw))
        except (TypeError, ValueError):
            return None

    def allocation_rows(self) -> list[tuple[Invoice, forms.BoundField]]:
        return [(inv, self[self.allocation_field(inv)]) for inv in self.open_invoices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: dict[int, Decimal] = {}
        for invoice in self.open_invoices:
            value = data.get(self.allocation_field(invoice))
            if value:
                chosen[invoice.pk] = value
        if data.get("allocation") == "chosen":
            if not chosen:
                raise ValidationError(_("Enter the amount to allocate to at least one invoice."))
            if data.get("amount") is not None and sum(chosen.values()) > data["amount"]:
                raise ValidationError(_("The allocations exceed the amount of the payment."))
        data["chosen"] = chosen
        return data


class OpenInvoiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number} — {format_eur(obj.open_amount)}"


class AllocateForm(StyledForm):
    invoice = OpenInvoiceChoiceField(label=_("Invoice"), queryset=Invoice.objects.none())
    amount = DecimalInput(label=_("Amount"), min_value=Decimal("0.01"), fixed=True)

    def __init__(self, *args: Any, company: Company, payment: Payment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invoice = self.fields["invoice"]
        assert isinstance(invoice, forms.ModelChoiceField)
        invoice.queryset = invoice_open_list(company, customer_id=payment.customer_id)


class PaymentFilterForm(StyledForm):
    customer = CustomerChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput())
    unallocated = forms.BooleanField(label=_("Not fully allocated"), required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer_filter(self.fields["customer"], company)
