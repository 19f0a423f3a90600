"""Accounting pages: FEC import and export, statement reconciliation, account settings.

Every member may read (the accountant's role is made for exports); importing changes what
customers owe, so only the roles that manage money may post a file; the account numbers are
changed by the same roles.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.locks import WEB_IMPORT_WAIT, import_lock
from encaisse.core.scoping import get_for_company_or_404
from encaisse.core.spreadsheet import safe_row, safe_values
from encaisse.customers.models import Customer
from encaisse.ledger.fec import fec_filename, write_fec
from encaisse.ledger.selectors import (
    RECONCILIATION_COLUMNS,
    ReconciliationRow,
    fec_export_lines,
    fec_import_list,
    ledger_settings_get,
    reconciliation_table,
    statement_reconciliation,
)
from encaisse.ledger.services import FecImportResult, fec_import, ledger_settings
from encaisse.web.ledger.forms import FecUploadForm, LedgerSettingsForm, PeriodForm, StatementForm
from encaisse.web.shell.access import StaffRequest, member_required, require_money


def _page(
    request: StaffRequest,
    *,
    upload: FecUploadForm | None = None,
    result: FecImportResult | None = None,
    settings_form: LedgerSettingsForm | None = None,
) -> HttpResponse:
    company = request.company
    return render(
        request,
        "ledger/home.html",
        {
            "upload_form": upload or FecUploadForm(),
            "export_form": PeriodForm(),
            "settings_form": settings_form
            or LedgerSettingsForm(instance=ledger_settings_get(company)),
            "result": result if result is not None and result.ok else None,
            "errors": result.errors if result is not None else [],
            "imports": fec_import_list(company)[:20],
            "can_import": request.membership.can_manage_money,
        },
    )


@member_required
def accounting(request: StaffRequest) -> HttpResponse:
    return _page(request)


@member_required
def fec_upload(request: StaffRequest) -> HttpResponse:
    """GET: the page; POST: import the uploaded FEC and show the result or the errors."""
    if request.method != "POST":
        return _page(request)
    require_money(request)
    form = FecUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload=form)
    upload = form.cleaned_data["file"]
    try:
        with import_lock(request.company, wait=WEB_IMPORT_WAIT):
            result = fec_import(
                company=request.company,
                source=upload.read(),
                filename=upload.name or "upload",
                actor=request.user,
                on=today(),
            )
    except DomainError as exc:  # another import of the company is still running
        messages.error(request, exc.message)
        return _page(request, upload=form)
    return _page(request, result=result)


@member_required
def fec_download(request: StaffRequest) -> HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "ledger/home.html", {"export_form": form}, status=400)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    company = request.company
    lines = fec_export_lines(company, date_from=date_from, date_to=date_to)
    response = StreamingHttpResponse(
        (text.encode("utf-8") for text in write_fec(lines)),
        content_type="text/plain; charset=utf-8",
    )
    name = fec_filename(company.siren, date_to or today())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Streamed so that a large ledger is never held in memory; the guard only passes it on.
    return cast(HttpResponse, response)


@member_required
def settings_edit(request: StaffRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("ledger:accounting")
    require_money(request)
    form = LedgerSettingsForm(request.POST, instance=ledger_settings(request.company))
    if not form.is_valid():
        return _page(request, settings_form=form)
    form.save()
    messages.success(request, _("Accounting settings saved."))
    return redirect("ledger:accounting")


def _period(request: HttpRequest) -> tuple[date, date, PeriodForm]:
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    date_to = data.get("date_to") or today()
    date_from = data.get("date_from") or date(date_to.year, 1, 1)
    return date_from, min(date_to, max(date_to, date_from)), form


@member_required
def reconciliation(request: StaffRequest) -> HttpResponse:
    """Statements of account reconciled per customer; ?format=csv or xlsx downloads them."""
    company = request.company
    date_from, date_to, form = _period(request)
    customer_id = None
    if request.GET.get("customer"):
        customer_id = get_for_company_or_404(
            Customer, company=company, pk=request.GET["customer"]
        ).pk
    rows = statement_reconciliation(
        company, date_from=date_from, date_to=date_to, customer_id=customer_id
    )
    kind = request.GET.get("format", "")
    name = f"reconciliation-{company.slug}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=RECONCILIATION_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(safe_row(row) for row in reconciliation_table(rows))
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if kind == "xlsx":
        return _xlsx(rows, name)
    return render(
        request,
        "ledger/reconciliation.html",
        {
            "rows": rows,
            "form": form,
            "date_from": date_from,
            "date_to": date_to,
            "all_reconcile": all(row.reconciles for row in rows),
            "query": f"date_from={date_from.isoformat()}&date_to={date_to.isoformat()}"
            + (f"&customer={customer_id}" if customer_id else ""),
        },
    )


def _xlsx(rows: list[ReconciliationRow], name: str) -> HttpResponse:
    from openpyxl import Workbook  # heavy: imported where used

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Reconciliation"
    sheet.append(list(RECONCILIATION_COLUMNS))
    for row in rows:
        sheet.append(
            safe_values(
                [
                    row.reference,
                    row.customer,
                    row.opening,
                    row.invoiced,
                    row.credited,
                    row.paid,
                    row.closing,
                    row.reconciles,
                ]
            )
        )
    for column in "CDEFG":
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def customer_panel(request: HttpRequest, customer: Customer) -> str:
    """Customer page: the statement's period reconciled (opening + movements = closing)."""
    period = StatementForm(request.GET or None)
    dates = period.cleaned_data if period.is_bound and period.is_valid() else {}
    date_to = dates.get("as_of") or today()
    date_from = dates.get("date_from") or date(date_to.year, 1, 1)
    if date_from > date_to:
        date_from = date(date_to.year, 1, 1)
    rows = statement_reconciliation(
        customer.company,
        date_from=date_from,
        date_to=date_to,
        customer_id=customer.pk,
    )
    return render_to_string(
        "ledger/_customer_panel.html",
        {
            "row": rows[0] if rows else None,
            "date_from": date_from,
            "date_to": date_to,
            "customer": customer,
        },
        request=request,
    )
