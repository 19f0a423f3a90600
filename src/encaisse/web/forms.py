"""Staff forms: parse and check what people type; the services decide and write.

Amounts are typed the French way (`1 234,56`) or the English way (`1234.56`); percentages
are typed as percentages (20) and handed to the services as fractions (0.2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.identifiers import compact
from encaisse.core.models import Company
from encaisse.core.money import format_eur
from encaisse.customers.models import Contact, Customer, PaymentTerms
from encaisse.invoicing.models import Invoice, InvoiceLine
from encaisse.invoicing.selectors import invoice_open_list
from encaisse.invoicing.services import LineData
from encaisse.payments.models import Payment

HUNDRED = Decimal(100)
VAT_CHOICES = [("20", "20 %"), ("10", "10 %"), ("5.5", "5,5 %"), ("2.1", "2,1 %"), ("0", "0 %")]
_SPACES = re.compile(r"[\s\u00a0\u202f€]")


def parse_decimal(text: str, *, places: int) -> Decimal:
    """'1 234,56' or '1234.56' -> Decimal; refuses more than `places` decimals.

    >>> parse_decimal("1 234,5", places=2)
    Decimal('1234.5')
    """
    raw = _SPACES.sub("", text)
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        raw = raw.replace("." if decimal_sep == "," else ",", "")
    raw = raw.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
        raise ValidationError(_("Enter a number."), code="invalid")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
        raise ValidationError(_("Enter a number."), code="invalid") from exc
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(
            _("Use at most %(places)s decimals."), code="decimals", params={"places": places}
        )
    return value


def display_decimal(value: Decimal, places: int | None = None) -> str:
    """A Decimal as people type it, with the locale's separator: trailing zeros dropped, or
    exactly `places` decimals when given (amounts: 1536,40)."""
    if places is None:
        text = f"{value.normalize():f}"
    else:
        text = f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


class DecimalInput(forms.CharField):
    """A decimal typed with a comma or a dot, with a bounded number of decimals."""

    def __init__(
        self,
        *,
        places: int = 2,
        min_value: Decimal | None = None,
        fixed: bool = False,
        **kwargs: Any,
    ) -> None:
        self.places = places
        self.min_value = min_value
        self.fixed = fixed  # show all `places` decimals (money), else drop trailing zeros
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return display_decimal(value, self.places if self.fixed else None)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # Decimal, not str
        text = super().to_python(value)
        if not text:
            return None
        number = parse_decimal(text, places=self.places).quantize(Decimal(1).scaleb(-self.places))
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(
                _("Enter a value of at least %(min)s."),
                code="min_value",
                params={"min": display_decimal(self.min_value)},
            )
        return number


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BootstrapMixin:
    """Give each widget the Bootstrap class it needs, once, at construction."""

    fields: dict[str, forms.Field]

    def style_fields(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            if isinstance(field, DecimalInput):
                css += " text-end"
            classes = widget.attrs.get("class", "").split()
            widget.attrs["class"] = " ".join(
                dict.fromkeys([*classes, *css.split()])  # idempotent: forms style twice
            )


class StyledForm(BootstrapMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


def add_domain_error(form: forms.BaseForm, error: DomainError, field: str | None = None) -> None:
    """Show a service's refusal on the form: on the fields it names, else on `field` or on top."""
    field_errors: Mapping[str, list[str]] = error.extra.get("errors") or {}
    placed = False
    for name, messages in field_errors.items():
        if name in form.fields:
            form.add_error(name, messages)
            placed = True
    if not placed:
        form.add_error(field if field in form.fields else None, error.message)


def company_members(company: Company) -> QuerySet[User]:
    return User.objects.filter(memberships__company=company).order_by("username")


def company_customers(company: Company) -> QuerySet[Customer]:
    return Customer.objects.filter(company=company).order_by("name")


PICKER_LIMIT = 300  # above, a select of every customer costs more than the list it filters


def customer_filter(field: forms.Field, company: Company) -> None:
    """A list filter's customer: a select while the company has few customers, a hidden field
    above PICKER_LIMIT (links from a customer's page still filter; the page names the customer
    and the search box finds customers by name)."""
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = company_customers(company)
    if Customer.objects.filter(company=company)[: PICKER_LIMIT + 1].count() > PICKER_LIMIT:
        field.widget = forms.HiddenInput()


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.reference})"


# ---- customers -------------------------------------------------------------------------------


class CustomerForm(BootstrapMixin, forms.ModelForm):
    """Identity, addresses, terms and owner of a customer; saved through the services."""

    siren = forms.CharField(label=_("SIREN"), max_length=20, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=30, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=30, required=False)
    credit_limit = DecimalInput(
        label=_("credit limit"), required=False, min_value=Decimal(0), fixed=True
    )

    class Meta:
        model = Customer
        fields = (
            "reference",
            "name",
            "kind",
            "legal_form",
            "siren",
            "siret",
            "vat_number",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "delivery_address_line1",
            "delivery_address_line2",
            "delivery_postal_code",
            "delivery_city",
            "delivery_country",
            "language",
            "payment_terms",
            "credit_limit",
            "owner",
            "notes",
            "external_ref",
        )
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["reference"].required = False
        self.fields["reference"].help_text = _("Left empty, the next free code is given.")
        terms = self.fields["payment_terms"]
        assert isinstance(terms, forms.ModelChoiceField)
        terms.queryset = PaymentTerms.objects.filter(company=company)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = company_members(company)
        self.style_fields()

    def _compact(self, name: str) -> str:
        value: str = self.cleaned_data.get(name) or ""
        return compact(value)

    def clean_siren(self) -> str:
        return self._compact("siren")

    def clean_siret(self) -> str:
        return self._compact("siret")

    def clean_vat_number(self) -> str:
        return self._compact("vat_number")

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of customer_create / customer_update."""
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class PaymentTermsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = PaymentTerms
        fields = ("name", "method", "days")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class ContactForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("name", "role", "email", "phone")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class CustomerFilterForm(StyledForm):
    SORTS = [
        ("name", _("Name")),
        ("reference", _("Code")),
        ("-balance", _("Balance (highest first)")),
        ("balance", _("Balance (lowest first)")),
        ("city", _("City")),
    ]
    q = forms.CharField(label=_("Search"), required=False)
    with_balance = forms.BooleanField(label=_("With a balance"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Account owner"), queryset=User.objects.none(), required=False
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORTS, required=False)

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = company_members(company)


class StatementForm(StyledForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())


# ---- invoices --------------------------------------------------------------------------------


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
