"""Forms of the customers pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from encaisse.core.identifiers import compact
from encaisse.core.models import Company
from encaisse.customers.models import Contact, Customer, PaymentTerms
from encaisse.web.shell.forms import (
    BootstrapMixin,
    DecimalInput,
    StyledForm,
    company_members,
)


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
