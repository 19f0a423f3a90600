"""Forms of the reconciliation screen: upload, manual match, split, settings."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from encaisse.core.money import parse_amount
from encaisse.payments.io import FORMATS
from encaisse.payments.io.csv import FIELDS as CSV_FIELDS
from encaisse.web.shell.forms import StyledForm


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class BankUploadForm(StyledForm):
    statements = MultipleFileField(label=_("Statement files"))
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect")), *[(f, f.upper()) for f in FORMATS]],
    )
    csv_mapping = forms.CharField(
        label=_("CSV columns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only for CSV files whose headers are not recognised, one field=Column a line; "
            "fields: date, value_date, amount, debit, credit, currency, label, reference, "
            "payer_name, payer_iban, transaction_id, account. Saved for next time."
        ),
    )

    def clean_csv_mapping(self) -> dict[str, str] | None:
        text = self.cleaned_data.get("csv_mapping", "")
        mapping: dict[str, str] = {}
        for raw in re.split(r"[\n;]", text):
            item = raw.strip()
            if not item:
                continue
            field, sep, column = item.partition("=")
            if not sep or field.strip() not in CSV_FIELDS:
                raise ValidationError(
                    _("Expected field=Column with a field among %(fields)s, got %(item)r.")
                    % {"fields": ", ".join(CSV_FIELDS), "item": item}
                )
            mapping[field.strip()] = column.strip()
        return mapping or None


def parse_amount_field(text: str, field: str) -> Decimal:
    try:
        value = parse_amount(text)
    except ValueError as exc:
        raise ValidationError(_("Not an amount: %(v)r.") % {"v": text}, code=field) from exc
    return value


class SplitForm(StyledForm):
    amounts = forms.CharField(
        label=_("Parts"),
        help_text=_("Amounts separated by spaces or semicolons, e.g. 60,00; 30,00"),
    )

    def clean_amounts(self) -> list[Decimal]:
        parts = [p for p in re.split(r"[;\s]+", self.cleaned_data["amounts"]) if p]
        return [parse_amount_field(p, "amounts") for p in parts]


class ReconciliationSettingsForm(StyledForm):
    auto_threshold = forms.DecimalField(
        label=_("Automatic match threshold"),
        min_value=Decimal("0.5"),
        max_value=Decimal("1.0"),
        decimal_places=3,
        help_text=_("Proposals at least this sure (0.5 to 1) are applied without asking."),
    )
