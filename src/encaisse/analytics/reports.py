"""Report tables of the analytics selectors, shared by `encaisse report`, the web downloads and
the PDF pack, with CSV and XLSX writers.

Values are ready for JSON: money as decimal strings ("1234.50"), day figures and rates
(percentages) as numbers rounded to two places, counts as integers, dates as ISO strings, and
null for a figure that cannot be computed (no sales, nothing settled).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from encaisse.analytics import kpi, selectors, snapshots
from encaisse.core.models import Company
from encaisse.core.spreadsheet import safe_cell, safe_row

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    rows: list[Row]
    summary: Row | None = None  # a report that is one object (kpis)
    meta: Row = field(default_factory=dict)


def number(value: Decimal | None) -> float | None:
    """A day figure or a rate for JSON: a number with two decimals, or null."""
    return None if value is None else float(value)


def money(value: Decimal) -> str:
    return str(value)


def _names(company: Company, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    return selectors.customer_names(company, ids)


def aging_report(
    company: Company, *, on: date, bounds: Sequence[int] = kpi.DEFAULT_BOUNDS
) -> Report:
    rows = selectors.aged_balance(company, on=on, bounds=bounds)
    names = _names(company, [r.customer_id for r in rows])
    labels = kpi.bucket_labels(bounds)

    def line(name: str, reference: str, row: kpi.AgingRow) -> Row:
        return {
            "customer": name,
            "reference": reference,
            **{label: money(row.buckets[label]) for label in labels},
            "total": money(row.total),
        }

    table = [line(*names.get(r.customer_id, ("?", "")), r) for r in rows]
    table.append(line("TOTAL", "", kpi.aging_totals(rows, bounds)))
    return Report("aging", table, meta={"date": on.isoformat()})


def kpis_summary(k: kpi.Kpis) -> Row:
    b = k.behaviour
    return {
        "period_from": k.period.start.isoformat(),
        "period_to": k.period.end.isoformat(),
        "invoice_count": b.count,
        "dso_countback": number(k.dso_countback),
        "dso_simple": number(k.dso_simple),
        "best_possible_dso": number(k.best_possible_dso),
        "average_days_delinquent": number(k.average_days_delinquent),
        "average_days_to_pay": number(b.average_days_to_pay),
        "average_days_to_pay_weighted": number(b.average_days_to_pay_weighted),
        "average_days_late": number(b.average_days_late),
        "average_days_late_weighted": number(b.average_days_late_weighted),
        "cei": number(k.cei),
        "unpaid_rate": number(k.unpaid_rate),
        "overdue_rate": number(k.overdue_rate),
        "on_time_rate": number(b.on_time_rate),
        "dispute_rate": number(k.dispute_rate),
        "paid_before_issue": b.paid_before_issue,
        "invoices_issued": k.invoices_issued,
        "billed": money(k.billed),
        "credit_sales": money(k.credit_sales),
        "ar_begin": money(k.ar_begin),
        "ar_end": money(k.ar_end),
        "ar_not_due": money(k.ar_not_due),
        "ar_overdue": money(k.ar_overdue),
        "ar_unpaid": money(k.ar_unpaid),
    }


def kpis_report(company: Company, *, period: kpi.Period) -> Report:
    summary = kpis_summary(selectors.kpis(company, period))
    return Report("kpis", [{"kpi": k, "value": v} for k, v in summary.items()], summary)


def dso_report(company: Company, *, period: kpi.Period) -> Report:
    d = selectors.dso(company, period)
    row = {
        "period_from": period.start.isoformat(),
        "period_to": period.end.isoformat(),
        "days": period.days,
        "ar_end": money(d.ar_end),
        "credit_sales": money(d.credit_sales),
        "dso_simple": number(d.dso_simple),
        "dso_countback": number(d.dso_countback),
    }
    return Report("dso", [row])


def _behaviour_row(name: str, reference: str, b: kpi.Behaviour) -> Row:
    return {
        "customer": name,
        "reference": reference,
        "invoice_count": b.count,
        "amount": money(b.amount),
        "average_days_to_pay": number(b.average_days_to_pay),
        "average_days_to_pay_weighted": number(b.average_days_to_pay_weighted),
        "average_days_late": number(b.average_days_late),
        "average_days_late_weighted": number(b.average_days_late_weighted),
        "on_time_rate": number(b.on_time_rate),
    }


def behaviour_report(company: Company, *, period: kpi.Period) -> Report:
    rows = selectors.settled(company, period)
    per_customer = kpi.behaviour_by_customer(rows)
    names = _names(company, list(per_customer))
    ordered = sorted(
        per_customer.items(),
        key=lambda item: (-(item[1].average_days_late_weighted or 0), item[0]),
    )
    table = [_behaviour_row(*names.get(cid, ("?", "")), b) for cid, b in ordered]
    table.append(_behaviour_row("TOTAL", "", kpi.behaviour(rows)))
    return Report("behaviour", table)


def _concentration_row(basis: str, c: kpi.Concentration) -> Row:
    return {
        "basis": basis,
        "total": money(c.total),
        "customers": c.customers,
        "top1_share": number(c.top1),
        "top5_share": number(c.top5),
        "top10_share": number(c.top10),
        "hhi": number(c.hhi),
        "hhi_normalised": number(c.hhi_normalised),
        "level": c.level,
        "alert": c.alert,
        "guidelines": kpi.HHI_GUIDELINES,
    }


def concentration_report(company: Company, *, on: date, period: kpi.Period) -> Report:
    balances = kpi.concentration(selectors.balances_by_customer(company, on=on))
    sales = kpi.concentration(selectors.sales_by_customer(company, period))
    return Report(
        "concentration",
        [_concentration_row("receivables", balances), _concentration_row("sales", sales)],
    )


def forecast_report(company: Company, *, on: date) -> Report:
    f = selectors.forecast(company, on=on)
    rows: list[Row] = [
        {
            "week": "backlog",
            "start": "",
            "end": "",
            "expected": money(f.backlog),
            "early": "",
            "late": "",
        }
    ]
    rows += [
        {
            "week": str(i + 1),
            "start": w.start.isoformat(),
            "end": w.end.isoformat(),
            "expected": money(w.expected),
            "early": money(w.early),
            "late": money(w.late),
        }
        for i, w in enumerate(f.weeks)
    ]
    rows.append(
        {
            "week": "later",
            "start": "",
            "end": "",
            "expected": money(f.later),
            "early": "",
            "late": "",
        }
    )
    return Report("forecast", rows, meta={"total": money(f.total)})


def trends_report(company: Company, *, on: date, months: int = 24) -> Report:
    rows = [
        {
            "month": m.period.start.strftime("%Y-%m"),
            "sales": money(m.sales),
            "ar_end": money(m.ar_end),
            "dso_countback": number(m.dso_countback),
            "dso_simple": number(m.dso_simple),
            "invoice_count": m.behaviour.count,
            "average_days_to_pay": number(m.behaviour.average_days_to_pay),
            "average_days_late": number(m.behaviour.average_days_late),
            "average_days_late_weighted": number(m.behaviour.average_days_late_weighted),
            "on_time_rate": number(m.behaviour.on_time_rate),
        }
        for m in selectors.trends(company, on=on, months=months)
    ]
    return Report("trends", rows)


def drift_report(company: Company, *, on: date) -> Report:
    history = selectors.settled(company, None)
    drifts = kpi.drift(history, on=on)
    names = _names(company, [d.customer_id for d in drifts])
    rows = [
        {
            "customer": names.get(d.customer_id, ("?", ""))[0],
            "reference": names.get(d.customer_id, ("?", ""))[1],
            "recent_days_late": number(d.recent_days_late),
            "baseline_days_late": number(d.baseline_days_late),
            "change": number(d.change),
            "recent_count": d.recent_count,
            "baseline_count": d.baseline_count,
            "alert": d.alert,
        }
        for d in drifts
    ]
    return Report("drift", rows)


@dataclass(frozen=True, slots=True)
class Params:
    on: date
    period: kpi.Period


ReportFunction = Callable[[Company, Params], Report]

REPORTS: dict[str, ReportFunction] = {
    "aging": lambda c, p: aging_report(c, on=p.on),
    "dso": lambda c, p: dso_report(c, period=p.period),
    "kpis": lambda c, p: kpis_report(c, period=p.period),
    "behaviour": lambda c, p: behaviour_report(c, period=p.period),
    "concentration": lambda c, p: concentration_report(c, on=p.on, period=p.period),
    "forecast": lambda c, p: forecast_report(c, on=p.on),
    "trends": lambda c, p: trends_report(c, on=p.on),
    "drift": lambda c, p: drift_report(c, on=p.on),
}


def params(company: Company, *, on: date, start: date | None, end: date | None) -> Params:
    """As-of date and period; without bounds the period is all of the company's history."""
    end = end or on
    if start is None:
        start = selectors.history_period(company, on=end).start
    if end < start:
        raise ValueError(f"--from {start} is after --to {end}")
    return Params(on, kpi.Period(start, end))


@dataclass(frozen=True, slots=True)
class Sheet:
    """The reports page: the KPI sheet over the period and the aged balance at `params.on`."""

    params: Params
    kpis: kpi.Kpis
    aging: kpi.AgingRow


def sheet(company: Company, p: Params) -> Sheet:
    aging = kpi.aging_totals(selectors.aged_balance(company, on=p.on))
    return Sheet(p, selectors.kpis(company, p.period), aging)


@snapshots.register("reports")
def default_sheet(company: Company, on: date) -> Sheet:
    """The reports page as it opens (as of today, over all of the history): a snapshot."""
    return sheet(company, params(company, on=on, start=None, end=None))


# ---- writers ------------------------------------------------------------------------------------


def to_csv(rows: Sequence[Row]) -> str:
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(safe_row({k: "" if v is None else v for k, v in row.items()}) for row in rows)
    return out.getvalue()


def to_xlsx(rows: Sequence[Row], *, title: str) -> bytes:
    """One sheet, a header line, numbers stored as numbers, text never read as a formula."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    if rows:
        headers = list(rows[0])
        sheet.append(headers)
        for row in rows:
            sheet.append([safe_cell(_cell(row[h])) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value) if value and value[0] in "-0123456789" else value
        except ArithmeticError:
            return value
    return value
