"""The receivables pack (dossier poste clients) for a bank or a factor: KPIs, aged balance, top
debtors and trends, rendered to PDF with WeasyPrint."""

from __future__ import annotations

from typing import Any

from encaisse.analytics import kpi, reports, selectors
from encaisse.core.models import Company

TOP_DEBTORS = 15
TREND_MONTHS = 24


def pack_context(company: Company, params: reports.Params) -> dict[str, Any]:
    aged = selectors.aged_balance(company, on=params.on)
    names = selectors.customer_names(company, [r.customer_id for r in aged[:TOP_DEBTORS]])
    sheet = selectors.kpis(company, params.period)
    concentration = kpi.concentration({r.customer_id: r.total for r in aged})
    return {
        "company": company,
        "params": params,
        "kpis": sheet,
        "labels": kpi.bucket_labels(),
        "aging": kpi.aging_totals(aged),
        "debtors": [(names.get(r.customer_id, ("?", "")), r) for r in aged[:TOP_DEBTORS]],
        "concentration": concentration,
        "guidelines": kpi.HHI_GUIDELINES,
        "trends": selectors.trends(company, on=params.on, months=TREND_MONTHS),
    }


def render_pdf(html: str, *, base_url: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf()
    assert pdf is not None
    return bytes(pdf)
