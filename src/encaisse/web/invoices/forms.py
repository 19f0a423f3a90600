"""Forms of the invoices pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import Company
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.invoicing.models import Invoice, InvoiceLine
from encaisse.invoicing.services import LineData
from encaisse.web.shell.forms import (
    HUNDRED,
    VAT_CHOICES,
    CustomerChoiceField,
    DateInput,
    DecimalInput,
    StyledForm,
    company_customers,
    customer_filter,
)


class InvoiceForm(StyledForm):
    customer = CustomerChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    nature = forms.ChoiceField(
        label=_("Nature of the operation"),
        choices=Invoice.Nature.choices,
        initial=Invoice.Nature.SERVICES,
    )
    po_number = forms.CharField(label=_("Purchase order"), max_length=50, required=False)
    supply_date = forms.DateField(label=_("Delivery date"), required=False, widget=DateInput())
    payment_terms = forms.ModelChoiceField(
        label=_("Payment terms"),
        queryset=PaymentTerms.objects.none(),
        required=False,
        empty_label=_("The customer's terms"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer = self.fields["customer"]
        assert isinstance(customer, forms.ModelChoiceField)
        customer.queryset = company_customers(company)
        terms = self.fields["payment_terms"]
        assert isinstance(terms, forms.ModelChoiceField)
        terms.queryset = PaymentTerms.objects.filter(company=company)


class LineForm(StyledForm):
    description = forms.CharField(label=_("Description"), max_length=500)
    quantity = DecimalInput(label=_("Quantity"), places=3, initial=Decimal(1))
    unit_price = DecimalInput(label=_("Unit price excl. VAT"), places=4, min_value=Decimal(0))
    discount_pct = DecimalInput(
        label=_("Discount %"),
        places=2,
        required=False,
        initial=Decimal(0),
        min_value=Decimal(0),
    )
    vat_pct = forms.ChoiceField(label=_("VAT %"), choices=VAT_CHOICES, initial="20")

    def clean_quantity(self) -> Decimal:
        quantity: Decimal = self.cleaned_data["quantity"]
        if quantity <= 0:
            raise ValidationError(_("Quantities must be positive."), code="quantity")
        return quantity

    def clean_discount_pct(self) -> Decimal:
        discount: Decimal = self.cleaned_data.get("discount_pct") or Decimal(0)
        if discount > HUNDRED:
            raise ValidationError(_("A discount is between 0 and 100 %."), code="discount")
        return discount

    def line_data(self) -> LineData:
        data = self.cleaned_data
        return LineData(
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            vat_rate=Decimal(data["vat_pct"]) / HUNDRED,
            discount_rate=data["discount_pct"] / HUNDRED,
        )

    @staticmethod
    def initial_from(line: InvoiceLine) -> dict[str, Any]:
        """Form values for an existing line (fractions back to percentages)."""
        return {
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount_pct": line.discount_rate * HUNDRED,
            "vat_pct": f"{(line.vat_rate * HUNDRED).normalize():f}",
        }


class BaseLineFormSet(forms.BaseFormSet):
    def line_data(self) -> list[LineData]:
        deleted = {id(form) for form in self.deleted_forms} if self.can_delete else set()
        return [
            form.line_data()
            for form in self.forms
            if form.has_changed() and id(form) not in deleted
        ]


LineFormSet = cast(
    type[BaseLineFormSet],
    forms.formset_factory(
        LineForm, formset=BaseLineFormSet, extra=2, can_delete=True, min_num=1, validate_min=True
    ),
)


class CreditNoteForm(StyledForm):
    MODES = [
        ("full", _("Credit everything left on the invoice")),
        ("partial", _("Credit an amount incl. VAT")),
    ]
    mode = forms.ChoiceField(
        label=_("What to credit"), choices=MODES, initial="full", widget=forms.RadioSelect
    )
    amount = DecimalInput(
        label=_("Amount incl. VAT"), required=False, min_value=Decimal("0.01"), fixed=True
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "partial" and not data.get("amount"):
            self.add_error("amount", _("Enter the amount to credit."))
        return data


class InvoiceFilterForm(StyledForm):
    STATUSES = [
        ("", _("Any status")),
        ("draft", _("Draft")),
        ("issued", _("Issued")),
        ("open", _("Open")),
        ("paid", _("Paid")),
        ("cancelled", _("Cancelled")),
    ]
    KINDS = [("invoice", _("Invoices")), ("credit_note", _("Credit notes")), ("all", _("All"))]
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    customer = CustomerChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False
    )
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DateInput())
    issued_to = forms.DateField(label=_("Issued to"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customer_filter(self.fields["customer"], company)


# ---- payments --------------------------------------------------------------------------------
