"""Staff forms: parse and check what people type; the services decide and write.

Amounts are typed the French way (`1 234,56`) or the English way (`1234.56`); percentages
are typed as percentages (20) and handed to the services as fractions (0.2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.models import Customer

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
