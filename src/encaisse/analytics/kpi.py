"""Receivables KPIs (indicateurs du poste clients) on plain values: DOMAIN-FR §11, exactly.

Pure module: dates, Decimals and frozen dataclasses in and out, no ORM. The SQL-backed
selectors (`analytics.selectors`) compute the same figures on the database for big ledgers;
tests hold both to the same results.

Conventions (all amounts TTC):

- an invoice's *receipts* are what settled part of it: each allocation (on the payment's
  received date) and each credit note linked to it (on the credit note's issue date);
- open amount at D = total − receipts dated ≤ D; AR at D = Σ open amounts of invoices issued
  ≤ D (unapplied cash and unlinked credit notes are shown apart, never netted);
- settlement date = the date of the receipt that completed the invoice (the latest receipt
  once receipts reach the total); an invoice closed by credit notes alone, with no cash, is
  a cancellation and stays out of the payment-behaviour averages;
- days to pay = settlement − issue date, days late = max(0, settlement − due date); a
  settlement before the issue date (a deposit, or an entry error) counts 0 days to pay and is
  counted in `paid_before_issue`;
- credit sales of a period = invoices issued in it − credit notes issued in it;
- days are Decimals rounded half up to 0.01; rates are percentages (0–100) to 0.01; a figure
  that cannot be computed (nothing sold, nothing settled) is None, never 0.

>>> dso_countback(
...     Decimal("150000"),
...     [MonthSales(30, Decimal("80000")), MonthSales(31, Decimal("60000")),
...      MonthSales(30, Decimal("50000"))],
... )
Decimal('67.00')
>>> cei(Decimal("6200"), Decimal("10890"), Decimal("6340"), Decimal("3590"))
Decimal('79.63')
"""

from __future__ import annotations

import calendar
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
TWO_PLACES = Decimal("0.01")
DEFAULT_BOUNDS: tuple[int, ...] = (30, 60, 90)
COUNTBACK_MONTHS = 24  # how far back the countback walks (whatever the period)
UNPAID_AFTER_DAYS = 90  # "unpaid" = more than 90 days past due (issue 6)
# HHI reading: US Horizontal Merger Guidelines 2010 §5.3 (<1 500 / 1 500-2 500 / >2 500).
HHI_GUIDELINES = "US Horizontal Merger Guidelines 2010"
HHI_MODERATE = Decimal(1500)
HHI_HIGH = Decimal(2500)


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _ratio(numerator: Decimal, denominator: Decimal, scale: Decimal = HUNDRED) -> Decimal | None:
    if denominator <= 0:
        return None
    return _round(numerator * scale / denominator)


# ---- facts -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Receipt:
    """Part of an invoice settled on a date: an allocation of a payment, or a credit note."""

    on: date
    amount: Decimal
    cash: bool = True  # False for a credit note


@dataclass(frozen=True, slots=True)
class InvoiceFact:
    """An issued invoice (TTC) and everything that settled it."""

    id: int
    customer_id: int
    issue_date: date
    due_date: date
    amount: Decimal
    receipts: tuple[Receipt, ...] = ()
    disputed: bool = False

    def __post_init__(self) -> None:
        if self.due_date < self.issue_date:
            raise ValueError(f"invoice {self.id}: due date before issue date")
        if self.amount < 0:
            raise ValueError(f"invoice {self.id}: negative amount")

    def open_on(self, on: date) -> Decimal:
        if self.issue_date > on:
            return ZERO
        return self.amount - sum((r.amount for r in self.receipts if r.on <= on), ZERO)

    def settled_on(self) -> date | None:
        """The date the receipts reached the total; None while something is left to pay."""
        if not self.receipts or sum(r.amount for r in self.receipts) < self.amount:
            return None
        return max(r.on for r in self.receipts)

    @property
    def paid_in_cash(self) -> bool:
        return any(r.cash for r in self.receipts)


@dataclass(frozen=True, slots=True)
class CreditNoteFact:
    """A credit note issued on a date (lowers credit sales of its period)."""

    customer_id: int
    issue_date: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def month_periods(end: date, months: int) -> list[Period]:
    """The `months` calendar months ending with the month of `end`, oldest first, the last
    one cut at `end`."""
    periods = []
    year, month = end.year, end.month
    for _ in range(months):
        last = calendar.monthrange(year, month)[1]
        start = date(year, month, 1)
        periods.append(Period(start, min(date(year, month, last), end)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods[::-1]


# ---- aged balance (balance âgée) ------------------------------------------------------------


def bucket_labels(bounds: Sequence[int] = DEFAULT_BOUNDS) -> list[str]:
    """'not_due', '1-30', '31-60', '61-90', '90+' for the default bounds."""
    labels = ["not_due"]
    low = 1
    for high in bounds:
        labels.append(f"{low}-{high}")
        low = high + 1
    labels.append(f"{bounds[-1]}+")
    return labels


def bucket_of(days_past_due: int, bounds: Sequence[int] = DEFAULT_BOUNDS) -> str:
    """The aging bucket of an item `days_past_due` (= D − due date) days past due."""
    labels = bucket_labels(bounds)
    if days_past_due <= 0:
        return labels[0]
    for label, high in zip(labels[1:], bounds, strict=False):
        if days_past_due <= high:
            return label
    return labels[-1]


def bucket_due_range(
    label: str, on: date, bounds: Sequence[int] = DEFAULT_BOUNDS
) -> tuple[date | None, date | None]:
    """The due dates (first, last; None when open-ended) of a bucket at `on`.

    >>> bucket_due_range("31-60", date(2025, 6, 30))
    (datetime.date(2025, 5, 1), datetime.date(2025, 5, 30))
    """
    labels = bucket_labels(bounds)
    if label not in labels:
        raise ValueError(f"unknown aging bucket {label!r}")
    index = labels.index(label)
    if index == 0:
        return on, None
    low = 1 if index == 1 else bounds[index - 2] + 1
    first = None if index == len(labels) - 1 else on - timedelta(days=bounds[index - 1])
    return first, on - timedelta(days=low)


@dataclass(frozen=True, slots=True)
class AgingRow:
    customer_id: int
    buckets: dict[str, Decimal]
    total: Decimal


def aged_balance(
    invoices: Iterable[InvoiceFact], *, on: date, bounds: Sequence[int] = DEFAULT_BOUNDS
) -> list[AgingRow]:
    """Open amount at `on` per customer and bucket, customers with something open only,
    largest total first (then customer id)."""
    items = (OpenItem(i.customer_id, i.due_date, i.open_on(on)) for i in invoices)
    return aged_items(items, on=on, bounds=bounds)


def aged_items(
    items: Iterable[OpenItem], *, on: date, bounds: Sequence[int] = DEFAULT_BOUNDS
) -> list[AgingRow]:
    """The aged balance of open items at `on` (what the dashboard has already read)."""
    labels = bucket_labels(bounds)
    per_customer: dict[int, dict[str, Decimal]] = {}
    for item in items:
        if item.open_amount <= 0:
            continue
        row = per_customer.setdefault(item.customer_id, dict.fromkeys(labels, ZERO))
        row[bucket_of((on - item.due_date).days, bounds)] += item.open_amount
    rows = [
        AgingRow(cid, buckets, sum(buckets.values(), ZERO)) for cid, buckets in per_customer.items()
    ]
    return sorted(rows, key=lambda r: (-r.total, r.customer_id))


def aging_totals(rows: Iterable[AgingRow], bounds: Sequence[int] = DEFAULT_BOUNDS) -> AgingRow:
    """The total line of an aged balance (customer_id 0)."""
    totals = dict.fromkeys(bucket_labels(bounds), ZERO)
    for row in rows:
        for label, value in row.buckets.items():
            totals[label] += value
    return AgingRow(0, totals, sum(totals.values(), ZERO))


# ---- DSO ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MonthSales:
    days: int
    sales: Decimal


def dso_simple(ar_end: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    """Standard DSO: AR_end / credit sales × days of the period; None without sales."""
    if credit_sales <= 0:
        return None
    return _round(ar_end / credit_sales * days)


def dso_countback(ar_end: Decimal, months: Sequence[MonthSales]) -> Decimal | None:
    """Countback DSO: `months` from the current one backwards. Each month's sales are taken
    off the receivables in full (adding its days) until what is left is smaller than the
    month's sales, which adds its share of the month. When history runs out before the
    receivables do, the days walked are returned (a floor). None without receivables history.
    """
    if not months:
        return None
    remaining, dso = ar_end, Decimal(0)
    if remaining <= 0:
        return ZERO
    for month in months:
        if remaining >= month.sales:
            dso += month.days
            remaining -= month.sales
        else:
            dso += remaining / month.sales * month.days
            break
    return _round(dso)


def best_possible_dso(ar_not_due: Decimal, credit_sales: Decimal, days: int) -> Decimal | None:
    if credit_sales <= 0:
        return None
    return _round(ar_not_due / credit_sales * days)


def cei(
    ar_begin: Decimal, credit_sales: Decimal, ar_end: Decimal, ar_end_current: Decimal
) -> Decimal | None:
    """Collection effectiveness index in %: (begin + sales − end) / (begin + sales − current)."""
    return _ratio(ar_begin + credit_sales - ar_end, ar_begin + credit_sales - ar_end_current)


# ---- payment behaviour ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Settled:
    """An invoice as the payment-behaviour averages see it."""

    customer_id: int
    issue_date: date
    due_date: date
    settled_on: date
    amount: Decimal

    @property
    def days_to_pay(self) -> int:
        return max(0, (self.settled_on - self.issue_date).days)

    @property
    def days_late(self) -> int:
        return max(0, (self.settled_on - self.due_date).days)

    @property
    def delay(self) -> int:
        """Signed days from due date to settlement (negative: paid early)."""
        return (self.settled_on - self.due_date).days


def settled_in(invoices: Iterable[InvoiceFact], period: Period | None) -> list[Settled]:
    """Invoices settled (with some cash) in the period, or ever when `period` is None."""
    rows = []
    for invoice in invoices:
        settled_on = invoice.settled_on()
        if settled_on is None or not invoice.paid_in_cash:
            continue
        if period is not None and settled_on not in period:
            continue
        rows.append(
            Settled(
                invoice.customer_id,
                invoice.issue_date,
                invoice.due_date,
                settled_on,
                invoice.amount,
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class Behaviour:
    count: int
    amount: Decimal
    average_days_to_pay: Decimal | None
    average_days_to_pay_weighted: Decimal | None
    average_days_late: Decimal | None
    average_days_late_weighted: Decimal | None
    on_time_rate: Decimal | None
    paid_before_issue: int


def behaviour(rows: Sequence[Settled]) -> Behaviour:
    """ADP and days late, plain mean and weighted by amount, and the on-time share (%)."""
    count = len(rows)
    amount = sum((r.amount for r in rows), ZERO)
    if not count:
        return Behaviour(0, ZERO, None, None, None, None, None, 0)
    n = Decimal(count)
    return Behaviour(
        count=count,
        amount=amount,
        average_days_to_pay=_round(sum(Decimal(r.days_to_pay) for r in rows) / n),
        average_days_to_pay_weighted=_weighted(rows, "days_to_pay"),
        average_days_late=_round(sum(Decimal(r.days_late) for r in rows) / n),
        average_days_late_weighted=_weighted(rows, "days_late"),
        on_time_rate=_round(Decimal(sum(1 for r in rows if r.days_late == 0)) * HUNDRED / n),
        paid_before_issue=sum(1 for r in rows if r.settled_on < r.issue_date),
    )


def _weighted(rows: Sequence[Settled], attribute: str) -> Decimal | None:
    weight = sum((r.amount for r in rows), ZERO)
    if weight <= 0:
        return None
    return _round(sum(r.amount * getattr(r, attribute) for r in rows) / weight)


def behaviour_by_customer(rows: Sequence[Settled]) -> dict[int, Behaviour]:
    groups: dict[int, list[Settled]] = defaultdict(list)
    for row in rows:
        groups[row.customer_id].append(row)
    return {cid: behaviour(group) for cid, group in groups.items()}


def average_days_past_due(items: Iterable[tuple[date, Decimal]], *, on: date) -> Decimal | None:
    """Open items (due date, open amount): Σ open × max(0, D − due) / Σ open."""
    total, weighted = ZERO, Decimal(0)
    for due, open_amount in items:
        total += open_amount
        weighted += open_amount * max(0, (on - due).days)
    return _round(weighted / total) if total > 0 else None


# ---- the KPI sheet -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Kpis:
    period: Period
    invoices_issued: int
    credit_sales: Decimal
    ar_begin: Decimal
    ar_end: Decimal
    ar_not_due: Decimal
    ar_overdue: Decimal
    ar_unpaid: Decimal  # > 90 days past due, of invoices issued in the period
    billed: Decimal  # invoices issued in the period
    dso_simple: Decimal | None
    dso_countback: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None
    unpaid_rate: Decimal | None
    overdue_rate: Decimal | None
    dispute_rate: Decimal | None
    behaviour: Behaviour
    written_off: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class LedgerTotals:
    """What the KPI sheet needs, whichever way it was computed (Python or SQL)."""

    period: Period
    billed: Decimal
    credited: Decimal
    invoices_issued: int
    disputed_issued: int
    ar_begin: Decimal
    ar_end: Decimal
    ar_not_due: Decimal
    ar_overdue: Decimal
    ar_unpaid: Decimal
    months: list[MonthSales] = field(default_factory=list)  # newest first, cut at the end
    written_off: Decimal = ZERO


def ledger_totals(
    invoices: Sequence[InvoiceFact], credit_notes: Sequence[CreditNoteFact], period: Period
) -> LedgerTotals:
    end = period.end
    issued = [i for i in invoices if i.issue_date in period]
    billed = sum((i.amount for i in issued), ZERO)
    credited = sum((c.amount for c in credit_notes if c.issue_date in period), ZERO)
    ar_end = ar_not_due = ar_overdue = ar_unpaid = ZERO
    for invoice in invoices:
        open_amount = invoice.open_on(end)
        if open_amount <= 0:
            continue
        ar_end += open_amount
        if invoice.due_date >= end:
            ar_not_due += open_amount
        else:
            ar_overdue += open_amount
        if invoice.issue_date in period and (end - invoice.due_date).days > UNPAID_AFTER_DAYS:
            ar_unpaid += open_amount
    before = period.start - timedelta(days=1)
    ar_begin = sum((i.open_on(before) for i in invoices), ZERO)
    months = [
        MonthSales(
            month.days,
            sum((i.amount for i in invoices if i.issue_date in month), ZERO)
            - sum((c.amount for c in credit_notes if c.issue_date in month), ZERO),
        )
        for month in reversed(month_periods(end, COUNTBACK_MONTHS))
    ]
    return LedgerTotals(
        period=period,
        billed=billed,
        credited=credited,
        invoices_issued=len(issued),
        disputed_issued=sum(1 for i in issued if i.disputed),
        ar_begin=ar_begin,
        ar_end=ar_end,
        ar_not_due=ar_not_due,
        ar_overdue=ar_overdue,
        ar_unpaid=ar_unpaid,
        months=months,
    )


def kpis_from_totals(totals: LedgerTotals, settled: Sequence[Settled]) -> Kpis:
    period = totals.period
    credit_sales = totals.billed - totals.credited
    simple = dso_simple(totals.ar_end, credit_sales, period.days)
    best = best_possible_dso(totals.ar_not_due, credit_sales, period.days)
    return Kpis(
        period=period,
        invoices_issued=totals.invoices_issued,
        credit_sales=credit_sales,
        ar_begin=totals.ar_begin,
        ar_end=totals.ar_end,
        ar_not_due=totals.ar_not_due,
        ar_overdue=totals.ar_overdue,
        ar_unpaid=totals.ar_unpaid,
        billed=totals.billed,
        dso_simple=simple,
        dso_countback=dso_countback(totals.ar_end, totals.months),
        best_possible_dso=best,
        average_days_delinquent=_round(simple - best)
        if simple is not None and best is not None
        else None,
        cei=cei(totals.ar_begin, credit_sales, totals.ar_end, totals.ar_not_due),
        unpaid_rate=_ratio(totals.ar_unpaid + totals.written_off, totals.billed),
        overdue_rate=_ratio(totals.ar_overdue, totals.ar_end),
        dispute_rate=_ratio(Decimal(totals.disputed_issued), Decimal(totals.invoices_issued)),
        behaviour=behaviour(settled),
        written_off=totals.written_off,
    )


def kpis(
    invoices: Sequence[InvoiceFact], credit_notes: Sequence[CreditNoteFact], period: Period
) -> Kpis:
    """Every KPI of DOMAIN-FR §11 over `period` (AR figures at its end)."""
    return kpis_from_totals(
        ledger_totals(invoices, credit_notes, period), settled_in(invoices, period)
    )


# ---- concentration -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Concentration:
    total: Decimal
    customers: int
    top1: Decimal | None  # shares in %
    top5: Decimal | None
    top10: Decimal | None
    hhi: Decimal | None  # 0-10 000
    hhi_normalised: Decimal | None  # 0-1
    level: str  # "unconcentrated" | "moderate" | "high" | ""
    alert: bool
    top: list[tuple[int, Decimal]]  # (customer id, amount), largest first, up to 10


def concentration(
    amounts: Mapping[int, Decimal], *, alert_hhi: Decimal = HHI_HIGH
) -> Concentration:
    """Top-N shares and Herfindahl-Hirschman index of per-customer amounts (balances or
    sales); customers with nothing (or a credit) are left out."""
    positive = sorted(
        ((cid, value) for cid, value in amounts.items() if value > 0),
        key=lambda item: (-item[1], item[0]),
    )
    total = sum((value for _cid, value in positive), ZERO)
    n = len(positive)
    if total <= 0:
        return Concentration(ZERO, 0, None, None, None, None, None, "", False, [])

    def top(k: int) -> Decimal | None:
        return _ratio(sum((v for _c, v in positive[:k]), ZERO), total)

    shares = [value / total for _cid, value in positive]
    hhi_raw = sum((share * 100) ** 2 for share in shares)
    hhi = _round(Decimal(hhi_raw))
    normalised = (
        _round((Decimal(sum(s * s for s in shares)) - Decimal(1) / n) / (1 - Decimal(1) / n))
        if n > 1
        else Decimal("1.00")
    )
    level = "high" if hhi > HHI_HIGH else "moderate" if hhi >= HHI_MODERATE else "unconcentrated"
    return Concentration(
        total=total,
        customers=n,
        top1=top(1),
        top5=top(5),
        top10=top(10),
        hhi=hhi,
        hhi_normalised=normalised,
        level=level,
        alert=hhi > alert_hhi,
        top=positive[:10],
    )


# ---- drift -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Drift:
    customer_id: int
    recent_days_late: Decimal  # plain mean over the recent window
    baseline_days_late: Decimal
    change: Decimal
    recent_count: int
    baseline_count: int
    alert: bool


def drift(
    rows: Sequence[Settled],
    *,
    on: date,
    recent_days: int = 90,
    baseline_days: int = 365,
    threshold: Decimal = Decimal(10),
    min_count: int = 2,
) -> list[Drift]:
    """Per customer, the mean days late of invoices settled in the last `recent_days` against
    the `baseline_days` before them; alert when it worsened by `threshold` days or more.
    Customers with fewer than `min_count` invoices in either window are left out. Worst first.
    """
    recent_start = on - timedelta(days=recent_days - 1)
    baseline_start = recent_start - timedelta(days=baseline_days)
    recent: dict[int, list[int]] = defaultdict(list)
    baseline: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if recent_start <= row.settled_on <= on:
            recent[row.customer_id].append(row.days_late)
        elif baseline_start <= row.settled_on < recent_start:
            baseline[row.customer_id].append(row.days_late)
    result = []
    for cid, values in recent.items():
        base = baseline.get(cid, [])
        if len(values) < min_count or len(base) < min_count:
            continue
        now = _round(Decimal(sum(values)) / len(values))
        before = _round(Decimal(sum(base)) / len(base))
        change = now - before
        result.append(Drift(cid, now, before, change, len(values), len(base), change >= threshold))
    return sorted(result, key=lambda d: (-d.change, d.customer_id))


# ---- cash-in forecast --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delay:
    """A customer's observed delay (settlement − due date, days): median and quartiles."""

    median: int
    low: int
    high: int
    count: int


def observed_delays(
    rows: Sequence[Settled], *, min_count: int = 3
) -> tuple[dict[int, Delay], Delay]:
    """Per customer (with at least `min_count` settled invoices) and company-wide delays."""
    groups: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        groups[row.customer_id].append(row.delay)
    overall = _delay([row.delay for row in rows])
    return {cid: _delay(v) for cid, v in groups.items() if len(v) >= min_count}, overall


def _delay(values: list[int]) -> Delay:
    if not values:
        return Delay(0, 0, 0, 0)
    ordered = sorted(values)
    if len(ordered) == 1:
        return Delay(ordered[0], ordered[0], ordered[0], 1)
    q1, _q2, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    median = statistics.median(ordered)
    return Delay(_int(median), _int(q1), _int(q3), len(ordered))


def _int(value: float | int | Decimal) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class OpenItem:
    customer_id: int
    due_date: date
    open_amount: Decimal


@dataclass(frozen=True, slots=True)
class ForecastWeek:
    start: date
    end: date
    expected: Decimal  # at the median delay
    early: Decimal  # at the low quartile
    late: Decimal  # at the high quartile


@dataclass(frozen=True, slots=True)
class Forecast:
    on: date
    weeks: list[ForecastWeek]
    backlog: Decimal  # open items whose expected date is already past
    backlog_count: int
    later: Decimal  # expected after the last week
    total: Decimal


def forecast(
    items: Iterable[OpenItem],
    delays: Mapping[int, Delay],
    default: Delay,
    *,
    on: date,
    weeks: int = 13,
) -> Forecast:
    """Expected receipts per week from `on`: each open item at due date + its customer's
    median delay (company-wide when the customer has too little history); the quartiles give
    the early/late spread. Items expected before `on` are the overdue backlog, shown apart."""
    starts = [on + timedelta(days=7 * i) for i in range(weeks)]
    horizon = on + timedelta(days=7 * weeks)
    expected = [ZERO] * weeks
    early = [ZERO] * weeks
    late = [ZERO] * weeks
    backlog = later = total = ZERO
    backlog_count = 0
    for item in items:
        if item.open_amount <= 0:
            continue
        total += item.open_amount
        delay = delays.get(item.customer_id, default)
        when = item.due_date + timedelta(days=delay.median)
        if when < on:
            backlog += item.open_amount
            backlog_count += 1
            continue
        if when >= horizon:
            later += item.open_amount
        else:
            expected[(when - on).days // 7] += item.open_amount
        for bucket, shift in ((early, delay.low), (late, delay.high)):
            day = max(on, item.due_date + timedelta(days=shift))
            if day < horizon:
                bucket[(day - on).days // 7] += item.open_amount
    return Forecast(
        on=on,
        weeks=[
            ForecastWeek(start, start + timedelta(days=6), expected[i], early[i], late[i])
            for i, start in enumerate(starts)
        ],
        backlog=backlog,
        backlog_count=backlog_count,
        later=later,
        total=total,
    )
