"""The staff home page's figures: headline KPIs against the previous period, aged balance,
trends, forecast, late and drifting customers, concentration.

They scan the whole ledger, so the dashboard reads them through `analytics.snapshots`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from encaisse.analytics import kpi, selectors, snapshots
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer

TOP_CUSTOMERS = 10
HEADLINE_DAYS = 90  # headline KPIs over the last 90 days, compared with the 90 before
TREND_MONTHS = 24


@dataclass(frozen=True, slots=True)
class Headline:
    key: str
    current: Decimal | None
    previous: Decimal | None
    unit: str  # "days" | "percent"
    better: str  # "lower" | "higher"

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def improved(self) -> bool | None:
        change = self.change
        if change is None or change == 0:
            return None
        return (change < 0) == (self.better == "lower")


@dataclass(frozen=True, slots=True)
class LateCustomer:
    customer_id: int
    name: str
    overdue: Decimal
    over_90: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class HomeFigures:
    open_amount: Decimal
    open_count: int
    overdue_amount: Decimal
    overdue_count: int
    top_customers: list[Customer]
    aging: kpi.AgingRow
    headlines: list[Headline]
    period: kpi.Period
    previous: kpi.Period
    trends: list[selectors.TrendMonth]
    forecast: kpi.Forecast
    late_customers: list[LateCustomer]
    concentration: kpi.Concentration
    concentration_names: dict[int, str]
    drifting: list[tuple[str, kpi.Drift]]


@snapshots.register("home")
def home_figures(company: Company, on: date) -> HomeFigures:
    """Everything the dashboard shows as of `on` (read through `snapshots.figures`)."""
    items = selectors.open_items(company, on=on)
    aged = kpi.aged_items(items, on=on)  # one scan of the ledger less than aged_balance
    totals = kpi.aging_totals(aged)
    overdue_items = [i for i in items if i.due_date < on]

    period = kpi.Period(on - timedelta(days=HEADLINE_DAYS - 1), on)
    previous = kpi.Period(
        period.start - timedelta(days=HEADLINE_DAYS), period.start - timedelta(days=1)
    )
    trend_start = kpi.month_periods(on, TREND_MONTHS)[0].start
    # one read of two years of settlements serves the KPIs, trends, drift and forecast
    history = selectors.settled(company, kpi.Period(min(trend_start, on - timedelta(days=730)), on))
    now = selectors.kpis(company, period, settled_rows=history)
    before = selectors.kpis(company, previous, settled_rows=history)
    headlines = [
        Headline("dso_countback", now.dso_countback, before.dso_countback, "days", "lower"),
        Headline(
            "average_days_late_weighted",
            now.behaviour.average_days_late_weighted,
            before.behaviour.average_days_late_weighted,
            "days",
            "lower",
        ),
        Headline("cei", now.cei, before.cei, "percent", "higher"),
        Headline(
            "on_time_rate",
            now.behaviour.on_time_rate,
            before.behaviour.on_time_rate,
            "percent",
            "higher",
        ),
        Headline("overdue_rate", now.overdue_rate, before.overdue_rate, "percent", "lower"),
    ]

    late = sorted(
        (r for r in aged if r.total - r.buckets["not_due"] > 0),
        key=lambda r: (-(r.total - r.buckets["not_due"]), r.customer_id),
    )[:TOP_CUSTOMERS]
    balances = {r.customer_id: r.total for r in aged}
    concentration = kpi.concentration(balances)
    recent = [r for r in history if r.settled_on >= on - timedelta(days=730)]
    drifting = [d for d in kpi.drift(recent, on=on) if d.alert][:TOP_CUSTOMERS]
    names = selectors.customer_names(
        company,
        [r.customer_id for r in late]
        + [cid for cid, _v in concentration.top]
        + [d.customer_id for d in drifting],
    )
    delays, overall = kpi.observed_delays(recent)
    top = _top_customers(company, aged[:TOP_CUSTOMERS])
    return HomeFigures(
        open_amount=totals.total,
        open_count=len(items),
        overdue_amount=sum((i.open_amount for i in overdue_items), ZERO),
        overdue_count=len(overdue_items),
        top_customers=top,
        aging=totals,
        headlines=headlines,
        period=period,
        previous=previous,
        trends=selectors.trends(company, on=on, months=TREND_MONTHS, settled_rows=history),
        forecast=kpi.forecast(items, delays, overall, on=on),
        late_customers=[
            LateCustomer(
                r.customer_id,
                names.get(r.customer_id, ("?", ""))[0],
                r.total - r.buckets["not_due"],
                r.buckets["90+"],
                r.total,
            )
            for r in late
        ],
        concentration=concentration,
        concentration_names={cid: names.get(cid, ("?", ""))[0] for cid, _v in concentration.top},
        drifting=[(names.get(d.customer_id, ("?", ""))[0], d) for d in drifting],
    )


def _top_customers(company: Company, rows: list[kpi.AgingRow]) -> list[Customer]:
    """The customers of the largest aged-balance rows, `balance` set to what they owe."""
    customers = Customer.objects.filter(company=company).in_bulk([r.customer_id for r in rows])
    top = []
    for row in rows:
        customer = customers[row.customer_id]
        customer.balance = row.total
        top.append(customer)
    return top
