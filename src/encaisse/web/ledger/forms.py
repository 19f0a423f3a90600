"""Forms of the accounting pages: FEC upload and export period, reconciliation, settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from encaisse.ledger.models import LedgerSettings
from encaisse.web.shell.forms import BootstrapMixin, DateInput, StyledForm

MAX_UPLOAD_BYTES = 100 * 1024 * 1024


class FecUploadForm(StyledForm):
    file = forms.FileField(label=_("FEC file (.txt)"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 100 MB."))
        return upload


class PeriodForm(StyledForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The first day must not be after the last day."))
        return data


class LedgerSettingsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = LedgerSettings
        fields = (
            "customer_account",
            "sales_account",
            "vat_account_prefix",
            "bank_account",
            "sales_journal",
            "sales_journal_label",
            "bank_journal",
            "bank_journal_label",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("customer_account", "sales_account", "vat_account_prefix", "bank_account"):
            value = data.get(name, "")
            if value and not value.isalnum():
                self.add_error(name, _("An account number has only letters and digits."))
        if data.get("sales_journal") and data.get("sales_journal") == data.get("bank_journal"):
            self.add_error(
                "bank_journal", _("The bank journal must differ from the sales journal.")
            )
        return data


class StatementForm(StyledForm):
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())


# ---- invoices --------------------------------------------------------------------------------
