"""Import of existing invoices by upload (CSV or XLSX): the form, then the result or the errors.

The page is open to every member; importing changes what customers owe, so only the roles
that manage money may post a file. Nothing is kept when the file is refused.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from encaisse.collection.services import invoices_import
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError, FileProblem
from encaisse.core.locks import WEB_IMPORT_WAIT, import_lock
from encaisse.invoicing.importer.mapping import FIELDS, mapping_text, parse_mapping_items
from encaisse.ledger import invoice_import as importer
from encaisse.web.shell.access import StaffRequest, member_required, require_money
from encaisse.web.shell.forms import StyledForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class InvoiceImportForm(StyledForm):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    mapping = forms.CharField(
        label=_("Column mapping"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=format_lazy(
            "{text} {fields}.",
            text=_(
                "One field=Column per line, for the columns whose header is not recognised. Fields:"
            ),
            fields=", ".join(FIELDS),
        ),
    )
    date_format = forms.ChoiceField(
        label=_("Dates"),
        required=False,
        choices=[
            ("", _("Detect from the file")),
            ("dmy", _("dd/mm/yyyy (day first)")),
            ("mdy", _("mm/dd/yyyy (month first)")),
            ("iso", _("yyyy-mm-dd")),
        ],
    )
    dry_run = forms.BooleanField(label=_("Only check the file, write nothing"), required=False)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@member_required
def invoice_import(request: StaffRequest) -> HttpResponse:
    company = request.company
    saved = company.import_mapping or {}
    result: importer.ImportResult | None = None
    errors: list[FileProblem] = []
    if request.method == "POST":
        require_money(request)
        form = InvoiceImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            mapping, errors = parse_mapping_items(
                form.cleaned_data["mapping"].splitlines(), file=upload.name
            )
            if not errors:
                try:
                    with import_lock(company, wait=WEB_IMPORT_WAIT):
                        result = invoices_import(
                            company=company,
                            content=upload.read(),
                            filename=upload.name,
                            actor=request.user,
                            on=today(),
                            # The saved mapping shown in the form is applied as saved (leniently).
                            mapping=mapping if mapping and mapping != saved else None,
                            date_format=form.cleaned_data["date_format"] or None,
                            dry_run=form.cleaned_data["dry_run"],
                        )
                except DomainError as exc:  # another import of the company is still running
                    errors = [FileProblem(upload.name, None, "", exc.message)]
                else:
                    errors = result.errors
                    if result.ok and not result.dry_run:
                        form = InvoiceImportForm(
                            initial={"mapping": mapping_text(company.import_mapping or {})}
                        )
    else:
        form = InvoiceImportForm(initial={"mapping": mapping_text(saved)})
    return render(
        request,
        "web/import_invoices.html",
        {
            "form": form,
            "result": result if result is not None and result.ok else None,
            "errors": errors,
            "can_import": request.membership.can_manage_money,
        },
    )
