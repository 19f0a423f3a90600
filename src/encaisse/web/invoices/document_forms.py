"""Forms of the document and quote pages (the lines reuse the invoice line formset)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from encaisse.invoicing.models import LifecycleEvent, LifecycleStatus
from encaisse.web.shell.forms import DateInput, StyledForm

HUNDRED = Decimal(100)


class LifecycleForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=LifecycleStatus.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, required=False)
    message = forms.CharField(label=_("Message"), max_length=500, required=False)

    source = LifecycleEvent.Source.STAFF


class SendForm(StyledForm):
    recipients = forms.CharField(
        label=_("Recipients"),
        required=False,
        help_text=_("Comma separated; empty: the customer's billing contact."),
    )

    def clean_recipients(self) -> list[str]:
        raw = self.cleaned_data.get("recipients") or ""
        emails = [e.strip() for e in raw.replace(";", ",").split(",") if e.strip()]
        field = forms.EmailField()
        for email in emails:
            try:
                field.clean(email)
            except ValidationError as exc:
                raise ValidationError(_("%(e)s is not an email address.") % {"e": email}) from exc
        return emails


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class EInvoiceUploadForm(StyledForm):
    documents = MultipleFileField(label=_("Factur-X PDF, CII or UBL XML files"))


class StatementForm(StyledForm):
    as_of = forms.DateField(label=_("As of"), widget=DateInput(), required=False)
