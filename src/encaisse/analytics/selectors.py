"""The KPIs of `analytics.kpi` computed on the database, set-based, for ledgers of any size.

What customers owe (open items, open amounts summed by customer and bucket, AR at month ends)
is read from `ledger.positions`, the one read model of it; this module groups it into KPIs.
No query per invoice or per customer.
Money summed in SQL goes through `money_expr` (SQLite sums decimals as floats).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from encaisse.analytics import kpi
from encaisse.core.db import money_expr, quantized
from encaisse.core.models import AuditEvent, Company
from encaisse.core.money import ZERO, quantize
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.ledger import positions

EPOCH = date(1, 1, 1)


def _bucket(due: str, on: date, bounds: Sequence[int]) -> Case:
    """SQL for `kpi.bucket_of(on − due)`: due ≥ on is not due, due ≥ on − 30 is 1-30, ..."""
    labels = kpi.bucket_labels(bounds)
    whens = [When(**{f"{due}__gte": on}, then=Value(labels[0]))]
    whens += [
        When(**{f"{due}__gte": on - timedelta(days=high)}, then=Value(label))
        for label, high in zip(labels[1:], bounds, strict=False)
    ]
    return Case(*whens, default=Value(labels[-1]), output_field=CharField())


def aged_balance(
    company: Company, *, on: date, bounds: Sequence[int] = kpi.DEFAULT_BOUNDS
) -> list[kpi.AgingRow]:
    """Aged balance (balance âgée) at `on`, per customer: same rows as `kpi.aged_balance`."""
    labels = kpi.bucket_labels(bounds)
    sums = positions.open_sums(company, on=on, group=lambda p: _bucket(f"{p}due_date", on, bounds))
    per_customer: dict[int, dict[str, Decimal]] = {}
    for (customer_id, label), value in sums.items():
        if value:
            row = per_customer.setdefault(customer_id, dict.fromkeys(labels, ZERO))
            row[label] += value
    rows = [
        kpi.AgingRow(cid, buckets, sum(buckets.values(), ZERO))
        for cid, buckets in per_customer.items()
        if sum(buckets.values(), ZERO) > 0
    ]
    return sorted(rows, key=lambda r: (-r.total, r.customer_id))


def _ar_split(company: Company, *, on: date, period: kpi.Period) -> dict[str, Decimal]:
    """AR at `on` split in not_due / overdue / unpaid (> 90 days past due and issued in the
    period; also overdue)."""
    unpaid_due = on - timedelta(days=kpi.UNPAID_AFTER_DAYS)

    def group(prefix: str) -> Case:
        return Case(
            When(**{f"{prefix}due_date__gte": on}, then=Value("not_due")),
            When(
                Q(**{f"{prefix}due_date__lt": unpaid_due})
                & Q(**{f"{prefix}issue_date__gte": period.start}),
                then=Value("unpaid"),
            ),
            default=Value("overdue"),
            output_field=CharField(),
        )

    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (_cid, key), value in positions.open_sums(company, on=on, group=group).items():
        totals[key] += value
    return totals


def _ar_total(company: Company, *, on: date) -> Decimal:
    return sum(balances_by_customer(company, on=on).values(), ZERO)


def _monthly_sales(company: Company, *, end: date, months: int) -> list[kpi.MonthSales]:
    """Credit sales per calendar month, newest first, the current month cut at `end`."""
    periods = kpi.month_periods(end, months)
    start = periods[0].start
    sales: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for kind, sign in ((Invoice.Kind.INVOICE, 1), (Invoice.Kind.CREDIT_NOTE, -1)):
        rows = (
            Invoice.objects.filter(
                company=company,
                kind=kind,
                status=Invoice.Status.ISSUED,
                issue_date__gte=start,
                issue_date__lte=end,
            )
            .annotate(month=TruncMonth("issue_date", output_field=DateField()))
            .values_list("month")
            .annotate(s=money_expr(Sum("total_amount")))
            .order_by()
        )
        for month, total in rows:
            month_start = month.date() if hasattr(month, "date") else month
            sales[month_start.replace(day=1)] += sign * quantized(total)
    return [kpi.MonthSales(p.days, sales[p.start]) for p in reversed(periods)]


def ledger_totals(company: Company, period: kpi.Period) -> kpi.LedgerTotals:
    """`kpi.ledger_totals` on the database."""
    issued = positions.issued_invoices(company).filter(
        issue_date__gte=period.start, issue_date__lte=period.end
    )
    billed = issued.aggregate(
        s=money_expr(Sum("total_amount")), n=Count("pk"), d=Count("pk", filter=Q(disputed=True))
    )
    credited = Invoice.objects.filter(
        company=company,
        kind=Invoice.Kind.CREDIT_NOTE,
        status=Invoice.Status.ISSUED,
        issue_date__gte=period.start,
        issue_date__lte=period.end,
    ).aggregate(s=money_expr(Sum("total_amount")))["s"]
    split = _ar_split(company, on=period.end, period=period)
    return kpi.LedgerTotals(
        period=period,
        billed=quantized(billed["s"]),
        credited=quantized(credited),
        invoices_issued=billed["n"],
        disputed_issued=billed["d"],
        ar_begin=_ar_total(company, on=period.start - timedelta(days=1)),
        ar_end=split["not_due"] + split["overdue"] + split["unpaid"],
        ar_not_due=split["not_due"],
        ar_overdue=split["overdue"] + split["unpaid"],
        ar_unpaid=split["unpaid"],
        months=_monthly_sales(company, end=period.end, months=kpi.COUNTBACK_MONTHS),
    )


@dataclass(frozen=True, slots=True)
class Dso:
    period: kpi.Period
    ar_end: Decimal
    credit_sales: Decimal
    dso_simple: Decimal | None
    dso_countback: Decimal | None


def dso(company: Company, period: kpi.Period) -> Dso:
    """DSO by the simple and countback methods: AR at the period end, sales of the period
    (simple) and of the months before its end (countback)."""
    invoiced = (
        positions.issued_invoices(company)
        .filter(issue_date__gte=period.start, issue_date__lte=period.end)
        .aggregate(s=money_expr(Sum("total_amount")))["s"]
    )
    credited = Invoice.objects.filter(
        company=company,
        kind=Invoice.Kind.CREDIT_NOTE,
        status=Invoice.Status.ISSUED,
        issue_date__gte=period.start,
        issue_date__lte=period.end,
    ).aggregate(s=money_expr(Sum("total_amount")))["s"]
    ar_end = _ar_total(company, on=period.end)
    credit_sales = quantized(invoiced) - quantized(credited)
    months = _monthly_sales(company, end=period.end, months=kpi.COUNTBACK_MONTHS)
    return Dso(
        period,
        ar_end,
        credit_sales,
        kpi.dso_simple(ar_end, credit_sales, period.days),
        kpi.dso_countback(ar_end, months),
    )


def settled(company: Company, period: kpi.Period | None) -> list[kpi.Settled]:
    """Invoices settled (with some cash) in the period, with their settlement date: the
    latest allocation's payment date or linked credit note date, once they cover the total.

    Two grouped queries: allocations per invoice (sum, latest payment date, with the invoice's
    own fields), and linked credit notes per invoice; merged here."""
    credits: dict[int, tuple[Decimal, date]] = {
        invoice_id: (quantized(total), _as_date(last))
        for invoice_id, total, last in positions.linked_credit_notes(company)
        .values_list("credited_invoice_id")
        .annotate(s=money_expr(Sum("total_amount")), last=Max("issue_date"))
        .order_by()
    }
    groups = (
        positions.invoice_allocations(company)
        .values_list("invoice_id")
        .annotate(
            # one invoice per group: Max() reads its fields without grouping by them
            cid=Max("invoice__customer_id"),
            issue=Max("invoice__issue_date"),
            due=Max("invoice__due_date"),
            total=Max("invoice__total_amount"),
            paid=money_expr(Sum("amount")),
            last=Max("payment__received_on"),
        )
        .order_by()
    )
    if period is not None:
        late_credits = positions.linked_credit_notes(company).filter(issue_date__gte=period.start)
        groups = groups.filter(
            Q(last__lte=period.end),
            Q(last__gte=period.start)
            | Q(invoice_id__in=late_credits.values("credited_invoice_id")),
        )
    rows = []
    for invoice_id, cid, issue, due, total, paid, last in groups:
        credited, last_credit = credits.get(invoice_id, (ZERO, EPOCH))
        total = quantize(total)
        if paid + credited < total:
            continue
        settled_on = max(_as_date(last), last_credit)
        if period is not None and settled_on not in period:
            continue
        rows.append(kpi.Settled(cid, _as_date(issue), _as_date(due), settled_on, quantized(total)))
    return rows


def _as_date(value: Any) -> date:
    if isinstance(value, str):  # SQLite returns MAX() of two dates as text
        return date.fromisoformat(value)
    return value if isinstance(value, date) else value.date()


def kpis(
    company: Company, period: kpi.Period, *, settled_rows: Sequence[kpi.Settled] | None = None
) -> kpi.Kpis:
    """Every KPI over `period`; `settled_rows` (a superset, e.g. two years) saves a query."""
    rows = (
        settled(company, period)
        if settled_rows is None
        else [r for r in settled_rows if r.settled_on in period]
    )
    return kpi.kpis_from_totals(ledger_totals(company, period), rows)


def history_period(company: Company, *, on: date) -> kpi.Period:
    """All of the company's history up to `on`: from its first issued invoice or credit note."""
    first = (
        Invoice.objects.filter(company=company, status=Invoice.Status.ISSUED)
        .order_by("issue_date")
        .values_list("issue_date", flat=True)
        .first()
    )
    start = min(first, on) if first else on
    return kpi.Period(start, on)


def open_items(company: Company, *, on: date) -> list[kpi.OpenItem]:
    """Each invoice open at `on` (customer, due date, open amount), from the positions."""
    return [
        kpi.OpenItem(item.customer_id, _as_date(item.due_date), item.open_amount)
        for item in positions.open_items(company, on=on)
    ]


def forecast(company: Company, *, on: date, weeks: int = 13) -> kpi.Forecast:
    """Cash-in forecast from `on`: delays observed over the last two years of settlements."""
    history = settled(company, kpi.Period(on - timedelta(days=730), on))
    delays, overall = kpi.observed_delays(history)
    return kpi.forecast(open_items(company, on=on), delays, overall, on=on, weeks=weeks)


def balances_by_customer(company: Company, *, on: date) -> dict[int, Decimal]:
    """Σ open amount at `on` per customer, from the positions."""
    return positions.open_by_customer(company, on=on)


def sales_by_customer(company: Company, period: kpi.Period) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for kind, sign in ((Invoice.Kind.INVOICE, 1), (Invoice.Kind.CREDIT_NOTE, -1)):
        rows = (
            Invoice.objects.filter(
                company=company,
                kind=kind,
                status=Invoice.Status.ISSUED,
                issue_date__gte=period.start,
                issue_date__lte=period.end,
            )
            .values_list("customer_id")
            .annotate(s=money_expr(Sum("total_amount")))
            .order_by()
        )
        for cid, total in rows:
            totals[cid] += sign * quantized(total)
    return dict(totals)


def customer_names(company: Company, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """(name, reference) of the company's customers among `ids`."""
    return {
        pk: (name, ref)
        for pk, name, ref in Customer.objects.filter(company=company, pk__in=list(ids))
        .values_list("pk", "name", "reference")
        .order_by()
    }


@dataclass(frozen=True, slots=True)
class TrendMonth:
    period: kpi.Period
    sales: Decimal
    ar_end: Decimal
    dso_countback: Decimal | None
    dso_simple: Decimal | None
    behaviour: kpi.Behaviour


def trends(
    company: Company,
    *,
    on: date,
    months: int = 24,
    settled_rows: Sequence[kpi.Settled] | None = None,
) -> list[TrendMonth]:
    """Month by month over `months` months ending with `on`'s month: sales, AR at month end,
    DSO (countback and simple on the month) and payment behaviour of invoices settled in it."""
    periods = kpi.month_periods(on, months)
    sales = list(
        reversed(_monthly_sales(company, end=on, months=months + kpi.COUNTBACK_MONTHS))
    )  # oldest first
    ar_ends = positions.open_totals_at(company, [p.end for p in periods])
    if settled_rows is None:
        settled_rows = settled(company, kpi.Period(periods[0].start, on))
    by_month: dict[date, list[kpi.Settled]] = defaultdict(list)
    for row in settled_rows:
        if periods[0].start <= row.settled_on <= on:
            by_month[row.settled_on.replace(day=1)].append(row)
    result = []
    for index, period in enumerate(periods):
        position = kpi.COUNTBACK_MONTHS + index  # in `sales`, oldest first
        history = list(reversed(sales[position - kpi.COUNTBACK_MONTHS + 1 : position + 1]))
        ar_end = ar_ends[index]
        month_sales = sales[position].sales
        result.append(
            TrendMonth(
                period,
                month_sales,
                ar_end,
                kpi.dso_countback(ar_end, history),
                kpi.dso_simple(ar_end, month_sales, period.days),
                kpi.behaviour(by_month[period.start]),
            )
        )
    return result


def ledger_stamp(company: Company) -> str:
    """Changes whenever the company's ledger does: every service writes an audit event."""
    last = (
        AuditEvent.objects.filter(company=company)
        .order_by("-pk")
        .values_list("pk", "created_at")
        .first()
    )
    return f"{last[0]}-{last[1].timestamp()}" if last else "0"
