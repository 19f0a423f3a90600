"""Reports pages: the KPI sheet with its formulas, downloads (CSV, XLSX) and the PDF pack."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from encaisse.analytics import kpi, pack, reports, snapshots
from encaisse.core.dates import parse_date, today
from encaisse.web.shell.access import StaffRequest, member_required
from encaisse.web.shell.figures import figures_page, figures_pending

DOWNLOADS = ("aging", "kpis", "dso", "behaviour", "concentration", "forecast", "trends", "drift")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _date(value: str | None) -> date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def aging_bucket_filter(query: QueryDict, *, on: date) -> dict[str, Any]:
    """`?bucket=90+&as_of=D` -> invoice_list filters for the open invoices of that bucket
    (ignored when the bucket is unknown). The bucket is computed at `as_of` (default `on`)."""
    label = query.get("bucket", "")
    if label not in kpi.bucket_labels():
        return {}
    first, last = kpi.bucket_due_range(label, _date(query.get("as_of")) or on)
    return {"due_from": first, "due_to": last, "open_only": True}


def _params(request: StaffRequest) -> tuple[reports.Params, list[str]]:
    errors = []
    values = {}
    for name in ("date", "from", "to"):
        raw = request.GET.get(name, "").strip()
        values[name] = _date(raw)
        if raw and values[name] is None:
            errors.append(_("Bad date in “%(field)s”: %(value)s") % {"field": name, "value": raw})
    on = values["date"] or today()
    try:
        params = reports.params(request.company, on=on, start=values["from"], end=values["to"])
    except ValueError:
        errors.append(_("The period ends before it starts."))
        params = reports.params(request.company, on=on, start=None, end=None)
    return params, errors


@member_required
def report_index(request: StaffRequest) -> HttpResponse:
    """The KPI sheet; as it opens (no date or period asked) from the figures' snapshot."""
    snapshot = None
    if any(request.GET.get(name, "").strip() for name in ("date", "from", "to")):
        params, errors = _params(request)
        sheet = reports.sheet(request.company, params)
    else:
        try:
            snapshot = snapshots.figures(request.company, "reports", on=today())
        except snapshots.FiguresPendingError:
            return figures_pending(request, "reports", _("Receivables reports"))
        sheet, errors = snapshot.value, []
    context = {
        "params": sheet.params,
        "errors": errors,
        "kpis": sheet.kpis,
        "summary": reports.kpis_summary(sheet.kpis),
        "aging": sheet.aging,
        "snapshot": snapshot,
        **figures_page("reports"),
        "labels": kpi.bucket_labels(),
        "downloads": DOWNLOADS,
        "query": request.GET.urlencode(),
        "guidelines": kpi.HHI_GUIDELINES,
    }
    return render(request, "analytics/index.html", context)


@member_required
def report_download(request: StaffRequest, name: str, fmt: str) -> HttpResponse:
    if name not in reports.REPORTS or fmt not in CONTENT_TYPES:
        raise Http404
    params, _errors = _params(request)
    report = reports.REPORTS[name](request.company, params)
    filename = f"{request.company.slug}-{name}-{params.on.isoformat()}.{fmt}"
    body: str | bytes = (
        reports.to_csv(report.rows) if fmt == "csv" else reports.to_xlsx(report.rows, title=name)
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
def report_pack(request: StaffRequest) -> HttpResponse:
    """The receivables pack for a bank or a factor, as a PDF."""
    params, _errors = _params(request)
    context = pack.pack_context(request.company, params)
    html = render_to_string("analytics/pack.html", context, request=request)
    pdf = pack.render_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{request.company.slug}-receivables-{params.on.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
