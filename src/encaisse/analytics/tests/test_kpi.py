"""The KPI formulas of DOMAIN-FR §11 on small ledgers computed by hand (the sums are written
out beside each expected value)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.analytics import kpi
from encaisse.analytics.kpi import (
    CreditNoteFact,
    Delay,
    InvoiceFact,
    MonthSales,
    OpenItem,
    Period,
    Receipt,
    Settled,
)

D = Decimal


def cash(on: date, amount: str) -> Receipt:
    return Receipt(on, D(amount))


def credit(on: date, amount: str) -> Receipt:
    return Receipt(on, D(amount), cash=False)


# ---- aged balance ------------------------------------------------------------------------------

ON = date(2025, 6, 30)
AGING_LEDGER = [
    # customer 1: not due (15 days ahead), not due (due today), 1-30 after a partial payment
    InvoiceFact(1, 1, date(2025, 6, 15), date(2025, 7, 15), D("1200.00")),
    InvoiceFact(2, 1, date(2025, 5, 31), date(2025, 6, 30), D("100.00")),
    InvoiceFact(
        3, 1, date(2025, 5, 30), date(2025, 6, 29), D("300.00"), (cash(date(2025, 6, 1), "100"),)
    ),
    # customer 2: 30 days (1-30), 31 days after a credit note of 150 (31-60), 91 days with a
    # payment received after the cutoff (still 90+)
    InvoiceFact(4, 2, date(2025, 5, 1), date(2025, 5, 31), D("500.00")),
    InvoiceFact(
        5, 2, date(2025, 4, 30), date(2025, 5, 30), D("400.00"), (credit(date(2025, 6, 10), "150"),)
    ),
    InvoiceFact(
        6, 2, date(2025, 3, 1), date(2025, 3, 31), D("1000.00"), (cash(date(2025, 7, 5), "200"),)
    ),
    # customer 3: 90 days past due but paid before the cutoff; one issued after it
    InvoiceFact(
        7, 3, date(2025, 3, 2), date(2025, 4, 1), D("60.00"), (cash(date(2025, 6, 15), "60"),)
    ),
    InvoiceFact(8, 3, date(2025, 7, 1), date(2025, 7, 31), D("999.00")),
]


def test_bucket_of_uses_days_past_due_with_inclusive_upper_bounds() -> None:
    assert [kpi.bucket_of(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91)] == [
        "not_due",
        "not_due",
        "1-30",
        "1-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "90+",
    ]
    assert kpi.bucket_labels((15, 45)) == ["not_due", "1-15", "16-45", "45+"]
    assert kpi.bucket_of(46, (15, 45)) == "45+"


def test_aged_balance_per_customer_with_partial_payment_credit_note_and_cutoff() -> None:
    rows = kpi.aged_balance(AGING_LEDGER, on=ON)

    # customer 2: 500 (1-30) + 400 - 150 (31-60) + 1000 (90+, the 200 came after) = 1 750
    # customer 1: 1 200 + 100 (not due) + 300 - 100 (1-30) = 1 500; customer 3 owes nothing
    assert [(r.customer_id, r.total) for r in rows] == [(2, D("1750.00")), (1, D("1500.00"))]
    assert rows[0].buckets == {
        "not_due": D("0.00"),
        "1-30": D("500.00"),
        "31-60": D("250.00"),
        "61-90": D("0.00"),
        "90+": D("1000.00"),
    }
    assert rows[1].buckets["not_due"] == D("1300.00")
    assert rows[1].buckets["1-30"] == D("200.00")
    total = kpi.aging_totals(rows)
    assert total.buckets == {
        "not_due": D("1300.00"),
        "1-30": D("700.00"),
        "31-60": D("250.00"),
        "61-90": D("0.00"),
        "90+": D("1000.00"),
    }
    assert total.total == D("3250.00")


def test_aged_balance_with_configured_buckets() -> None:
    rows = kpi.aged_balance(AGING_LEDGER, on=ON, bounds=(15, 45))

    # customer 2: 30 days -> 16-45; 31 days -> 16-45; 91 days -> 45+
    assert rows[0].buckets == {
        "not_due": D("0.00"),
        "1-15": D("0.00"),
        "16-45": D("750.00"),
        "45+": D("1000.00"),
    }


def test_aged_balance_of_an_empty_ledger_is_empty() -> None:
    assert kpi.aged_balance([], on=ON) == []
    assert kpi.aging_totals([]).total == D("0.00")


@given(
    st.lists(
        st.tuples(
            st.integers(1, 4),
            st.integers(0, 200),
            st.integers(0, 90),
            st.integers(1, 100_000),
            st.integers(0, 100),
        ),
        max_size=30,
    )
)
def test_aged_balance_buckets_add_up_to_what_is_open(rows: list) -> None:
    invoices = []
    for i, (customer, issued_ago, term, cents, paid_pct) in enumerate(rows):
        issue = date.fromordinal(ON.toordinal() - issued_ago)
        amount = D(cents) / 100
        paid = (amount * paid_pct / 100).quantize(D("0.01"))
        receipts = (Receipt(issue, paid),) if paid else ()
        invoices.append(
            InvoiceFact(
                i, customer, issue, date.fromordinal(issue.toordinal() + term), amount, receipts
            )
        )
    aged = kpi.aged_balance(invoices, on=ON)
    assert kpi.aging_totals(aged).total == sum(
        (max(D(0), i.open_on(ON)) for i in invoices), D("0.00")
    )
    assert all(sum(r.buckets.values()) == r.total > 0 for r in aged)


# ---- DSO -------------------------------------------------------------------------------------


def test_dso_countback_domain_example() -> None:
    # DOMAIN-FR §11: AR 150 000; Nov 80 000 (30 d), Oct 60 000 (31 d), Sep 50 000 (30 d)
    # -> 30 + 31 + (10 000 / 50 000) × 30 = 67 days
    months = [MonthSales(30, D("80000")), MonthSales(31, D("60000")), MonthSales(30, D("50000"))]
    assert kpi.dso_countback(D("150000"), months) == D("67.00")
    # standard 3-month DSO: 150 / 190 × 91 = 71.842...
    assert kpi.dso_simple(D("150000"), D("190000"), 91) == D("71.84")


def test_dso_edge_cases() -> None:
    # history runs out: the days walked are a floor
    assert kpi.dso_countback(D("200"), [MonthSales(30, D("100"))]) == D("30.00")
    # a month without sales is walked in full
    assert kpi.dso_countback(D("50"), [MonthSales(31, D("0")), MonthSales(28, D("100"))]) == D(
        "45.00"
    )  # 31 + 50/100 × 28
    assert kpi.dso_countback(D("0"), [MonthSales(30, D("100"))]) == D("0.00")
    assert kpi.dso_countback(D("10"), []) is None
    assert kpi.dso_simple(D("10"), D("0"), 30) is None
    assert kpi.dso_simple(D("10"), D("-5"), 30) is None


def test_cei_domain_example() -> None:
    # (6 200 + 10 890 - 6 340) / (6 200 + 10 890 - 3 590) = 10 750 / 13 500 = 79.63 %
    assert kpi.cei(D("6200"), D("10890"), D("6340"), D("3590")) == D("79.63")
    assert kpi.cei(D("0"), D("0"), D("0"), D("0")) is None


# ---- payment behaviour ---------------------------------------------------------------------------


def test_settlement_date_is_the_receipt_that_completed_the_invoice() -> None:
    partial = InvoiceFact(
        1,
        1,
        date(2025, 1, 10),
        date(2025, 2, 9),
        D("1000.00"),
        (cash(date(2025, 2, 10), "400"), cash(date(2025, 3, 15), "600")),
    )
    closed_by_credit = InvoiceFact(
        2,
        1,
        date(2025, 1, 10),
        date(2025, 2, 9),
        D("1000.00"),
        (cash(date(2025, 2, 10), "700"), credit(date(2025, 2, 20), "300")),
    )
    cancelled = InvoiceFact(
        3, 1, date(2025, 1, 10), date(2025, 2, 9), D("100.00"), (credit(date(2025, 1, 11), "100"),)
    )
    still_open = InvoiceFact(
        4, 1, date(2025, 1, 10), date(2025, 2, 9), D("100.00"), (cash(date(2025, 1, 11), "99.99"),)
    )

    assert partial.settled_on() == date(2025, 3, 15)
    assert closed_by_credit.settled_on() == date(2025, 2, 20)
    assert cancelled.settled_on() == date(2025, 1, 11)
    assert still_open.settled_on() is None
    rows = kpi.settled_in([partial, closed_by_credit, cancelled, still_open], None)
    # the cancellation (credit note only, no cash) is no payment
    assert [(r.settled_on, r.days_to_pay, r.days_late) for r in rows] == [
        (date(2025, 3, 15), 64, 34),  # 10/01 -> 15/03: 21 + 28 + 15; 09/02 -> 15/03: 19 + 15
        (date(2025, 2, 20), 41, 11),  # 10/01 -> 20/02: 21 + 20
    ]
    assert kpi.settled_in(
        [partial, closed_by_credit], Period(date(2025, 3, 1), date(2025, 3, 31))
    ) == [rows[0]]


def test_behaviour_simple_and_weighted_with_payment_before_issue() -> None:
    rows = [
        Settled(1, date(2025, 1, 1), date(2025, 1, 31), date(2025, 1, 31), D("1000")),  # 30, 0
        Settled(1, date(2025, 1, 1), date(2025, 1, 31), date(2025, 3, 2), D("3000")),  # 60, 30
        # received 5 days before the invoice was issued: 0 days to pay, never negative
        Settled(2, date(2025, 1, 10), date(2025, 2, 9), date(2025, 1, 5), D("500")),  # 0, 0
    ]

    b = kpi.behaviour(rows)

    assert b.count == 3
    assert b.amount == D("4500")
    assert b.average_days_to_pay == D("30.00")  # (30 + 60 + 0) / 3
    assert b.average_days_to_pay_weighted == D("46.67")  # (1000×30 + 3000×60) / 4500
    assert b.average_days_late == D("10.00")  # (0 + 30 + 0) / 3
    assert b.average_days_late_weighted == D("20.00")  # 3000×30 / 4500
    assert b.on_time_rate == D("66.67")  # 2 of 3
    assert b.paid_before_issue == 1
    per_customer = kpi.behaviour_by_customer(rows)
    assert per_customer[1].average_days_late == D("15.00")
    assert per_customer[2].average_days_to_pay == D("0.00")


def test_behaviour_of_nothing_settled_is_undefined_not_zero() -> None:
    b = kpi.behaviour([])
    assert (b.count, b.average_days_to_pay, b.average_days_late_weighted, b.on_time_rate) == (
        0,
        None,
        None,
        None,
    )


def test_average_days_past_due_of_open_items() -> None:
    items = [(date(2025, 6, 20), D("100")), (date(2025, 7, 10), D("300"))]
    # 100 × 10 + 300 × 0 over 400
    assert kpi.average_days_past_due(items, on=ON) == D("2.50")
    assert kpi.average_days_past_due([], on=ON) is None


# ---- the KPI sheet over a quarter ---------------------------------------------------------

Q1 = Period(date(2025, 1, 1), date(2025, 3, 31))  # 90 days
LEDGER = [
    # I1: issued before the period, paid in it: 15/12 -> 20/01 is 36 days, 6 late
    InvoiceFact(
        1, 1, date(2024, 12, 15), date(2025, 1, 14), D("1200"), (cash(date(2025, 1, 20), "1200"),)
    ),
    # I2: two payments, settled 01/03: 50 days to pay, 20 late
    InvoiceFact(
        2,
        1,
        date(2025, 1, 10),
        date(2025, 2, 9),
        D("2400"),
        (cash(date(2025, 2, 9), "1000"), cash(date(2025, 3, 1), "1400")),
    ),
    # I3: cancelled by a credit note, no cash
    InvoiceFact(
        3, 2, date(2025, 2, 1), date(2025, 3, 3), D("600"), (credit(date(2025, 2, 15), "600"),)
    ),
    # I4: not due at the end of the period
    InvoiceFact(4, 2, date(2025, 3, 1), date(2025, 4, 30), D("3000")),
    # I5: disputed, 88 days past due at 31/03
    InvoiceFact(5, 3, date(2025, 1, 2), date(2025, 1, 2), D("1000"), disputed=True),
    # I6: issued before the period, 151 days past due at 31/03
    InvoiceFact(6, 3, date(2024, 10, 1), date(2024, 10, 31), D("500")),
]
CREDIT_NOTES = [CreditNoteFact(2, date(2025, 2, 15), D("600"))]


def test_kpis_of_a_quarter() -> None:
    k = kpi.kpis(LEDGER, CREDIT_NOTES, Q1)

    assert k.billed == D("7000")  # 2 400 + 600 + 3 000 + 1 000
    assert k.credit_sales == D("6400")  # - 600
    assert k.invoices_issued == 4
    assert k.ar_begin == D("1700")  # I1 1 200 + I6 500 at 31/12
    assert k.ar_end == D("4500")  # I4 3 000 + I5 1 000 + I6 500
    assert (k.ar_not_due, k.ar_overdue, k.ar_unpaid) == (D("3000"), D("1500"), D("0"))
    assert k.dso_simple == D("63.28")  # 4 500 / 6 400 × 90 = 63.281
    # Mar 3 000 (31 d), Feb 600 - 600 = 0 (28 d), Jan 3 400 (31 d):
    # 31 + 28 + 1 500 / 3 400 × 31 = 72.676
    assert k.dso_countback == D("72.68")
    assert k.best_possible_dso == D("42.19")  # 3 000 / 6 400 × 90 = 42.1875
    assert k.average_days_delinquent == D("21.09")
    assert k.cei == D("70.59")  # (1 700 + 6 400 - 4 500) / (1 700 + 6 400 - 3 000)
    assert k.unpaid_rate == D("0.00")
    assert k.overdue_rate == D("33.33")  # 1 500 / 4 500
    assert k.dispute_rate == D("25.00")  # 1 of 4 issued
    b = k.behaviour
    assert b.count == 2  # I1 and I2; I3 was cancelled, not paid
    assert b.average_days_to_pay == D("43.00")  # (36 + 50) / 2
    assert b.average_days_to_pay_weighted == D("45.33")  # (1 200×36 + 2 400×50) / 3 600
    assert b.average_days_late == D("13.00")  # (6 + 20) / 2
    assert b.average_days_late_weighted == D("15.33")  # (1 200×6 + 2 400×20) / 3 600
    assert b.on_time_rate == D("0.00")


def test_unpaid_rate_counts_more_than_90_days_late_of_the_period_invoices() -> None:
    period = Period(date(2024, 10, 1), date(2025, 3, 31))

    k = kpi.kpis(LEDGER, CREDIT_NOTES, period)

    # I6, 151 days past due, over everything billed: 500 / 8 700 = 5.747 %
    assert k.ar_unpaid == D("500")
    assert k.unpaid_rate == D("5.75")


def test_kpis_of_an_empty_period() -> None:
    k = kpi.kpis([], [], Period(date(2025, 1, 1), date(2025, 1, 31)))

    assert (k.billed, k.ar_end, k.invoices_issued) == (D("0"), D("0"), 0)
    assert k.dso_simple is None
    assert k.dso_countback == D("0.00")  # nothing owed
    assert (k.cei, k.unpaid_rate, k.dispute_rate, k.overdue_rate) == (None, None, None, None)
    assert k.behaviour.average_days_late is None


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="due date before issue date"):
        InvoiceFact(1, 1, date(2025, 2, 1), date(2025, 1, 31), D("10"))
    with pytest.raises(ValueError, match="negative amount"):
        InvoiceFact(1, 1, date(2025, 2, 1), date(2025, 3, 1), D("-10"))
    with pytest.raises(ValueError, match="period ends before it starts"):
        Period(date(2025, 2, 1), date(2025, 1, 31))


def test_month_periods_cut_the_last_month_at_the_end() -> None:
    assert kpi.month_periods(date(2025, 3, 15), 3) == [
        Period(date(2025, 1, 1), date(2025, 1, 31)),
        Period(date(2025, 2, 1), date(2025, 2, 28)),
        Period(date(2025, 3, 1), date(2025, 3, 15)),
    ]
    assert kpi.month_periods(date(2025, 1, 31), 2)[0] == Period(
        date(2024, 12, 1), date(2024, 12, 31)
    )


# ---- concentration ------------------------------------------------------------------------------


def test_concentration_shares_and_hhi() -> None:
    c = kpi.concentration({1: D("5000"), 2: D("3000"), 3: D("2000"), 4: D("0"), 5: D("-100")})

    assert (c.total, c.customers) == (D("10000"), 3)
    assert (c.top1, c.top5, c.top10) == (D("50.00"), D("100.00"), D("100.00"))
    assert c.hhi == D("3800.00")  # 50² + 30² + 20²
    assert c.hhi_normalised == D("0.07")  # (0.38 - 1/3) / (1 - 1/3)
    assert (c.level, c.alert) == ("high", True)
    assert c.top == [(1, D("5000")), (2, D("3000")), (3, D("2000"))]


def test_concentration_thresholds_and_empty() -> None:
    four = kpi.concentration({i: D("250") for i in range(1, 5)})
    assert (four.hhi, four.level, four.alert) == (D("2500.00"), "moderate", False)
    assert four.hhi_normalised == D("0.00")  # evenly spread
    assert kpi.concentration({i: D("1") for i in range(10)}).level == "unconcentrated"
    empty = kpi.concentration({})
    assert (empty.total, empty.top1, empty.hhi, empty.alert) == (D("0.00"), None, None, False)


# ---- drift and forecast -------------------------------------------------------------------------


def late(customer: int, settled_on: date, days: int) -> Settled:
    due = date.fromordinal(settled_on.toordinal() - days)
    return Settled(customer, due, due, settled_on, D("100"))


def test_drift_alerts_when_days_late_worsen_past_the_threshold() -> None:
    rows = [
        # customer 1: recent (from 02/04/2025) 20 and 30 -> 25; before: 5 and 15 -> 10
        late(1, date(2025, 6, 1), 20),
        late(1, date(2025, 5, 15), 30),
        late(1, date(2025, 1, 10), 5),
        late(1, date(2024, 11, 20), 15),
        # customer 2: steady
        late(2, date(2025, 6, 1), 0),
        late(2, date(2025, 5, 1), 0),
        late(2, date(2025, 2, 1), 0),
        late(2, date(2024, 12, 1), 0),
        # customer 3: too little recent history
        late(3, date(2025, 6, 1), 60),
        late(3, date(2025, 2, 1), 0),
        late(3, date(2025, 1, 1), 0),
    ]

    result = kpi.drift(rows, on=ON)

    assert [(d.customer_id, d.recent_days_late, d.baseline_days_late, d.alert) for d in result] == [
        (1, D("25.00"), D("10.00"), True),
        (2, D("0.00"), D("0.00"), False),
    ]


def test_forecast_places_items_at_due_date_plus_observed_delay() -> None:
    on = date(2025, 6, 2)
    history = [late(1, date(2025, 3, 1), d) for d in (0, 10, 20)]
    delays, overall = kpi.observed_delays(history)
    assert delays == {1: Delay(10, 5, 15, 3)}  # median 10, quartiles 5 and 15
    assert overall == Delay(10, 5, 15, 3)
    items = [
        OpenItem(1, date(2025, 6, 2), D("100")),  # expected 12/06 (week 2), 07/06 early, 17/06 late
        OpenItem(1, date(2025, 5, 25), D("50")),  # expected 04/06 (week 1), late 09/06 (week 2)
        OpenItem(1, date(2025, 5, 1), D("200")),  # expected 11/05: backlog
        OpenItem(2, date(2025, 9, 30), D("300")),  # no history: overall delay, after 13 weeks
    ]

    f = kpi.forecast(items, delays, overall, on=on)

    assert len(f.weeks) == 13
    assert (f.weeks[0].start, f.weeks[0].end, f.weeks[12].end) == (
        date(2025, 6, 2),
        date(2025, 6, 8),
        date(2025, 8, 31),
    )
    assert [w.expected for w in f.weeks[:3]] == [D("50"), D("100"), D("0.00")]
    assert [w.early for w in f.weeks[:3]] == [D("150"), D("0.00"), D("0.00")]
    assert [w.late for w in f.weeks[:3]] == [D("0.00"), D("50"), D("100")]
    assert (f.backlog, f.backlog_count, f.later, f.total) == (D("200"), 1, D("300"), D("650"))
    assert sum(w.expected for w in f.weeks) + f.backlog + f.later == f.total


def test_bucket_due_range_matches_bucket_of() -> None:
    assert kpi.bucket_due_range("not_due", ON) == (ON, None)
    assert kpi.bucket_due_range("1-30", ON) == (date(2025, 5, 31), date(2025, 6, 29))
    assert kpi.bucket_due_range("90+", ON) == (None, date(2025, 3, 31))
    for label in kpi.bucket_labels():
        first, last = kpi.bucket_due_range(label, ON)
        for due in (first, last):
            if due is not None:
                assert kpi.bucket_of((ON - due).days) == label
    with pytest.raises(ValueError, match="unknown aging bucket"):
        kpi.bucket_due_range("120+", ON)
