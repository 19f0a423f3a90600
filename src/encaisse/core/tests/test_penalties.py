"""Late penalties and the 40 EUR indemnity: worked examples checked by hand in the comments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.core import penalties
from encaisse.core.penalties import (
    contractual_rate_floor,
    default_rate,
    late_penalty,
    penalty_segments,
    recovery_indemnity,
)

D = Decimal
HISTORY = penalties.ECB_MRO_HISTORY


def test_penalty_spans_two_half_years() -> None:  # DOMAIN-FR §3 worked example
    # 10 000 EUR due 15 May 2025, paid 14 Aug 2025, CGV silent:
    # 16 May-30 Jun: 46 days x 13.15 % (3.15 % on 1 Jan 2025 + 10) = 1315 x 46 / 365 = 165.73
    # 1 Jul-14 Aug:  45 days x 12.15 % (2.15 % on 1 Jul 2025 + 10) = 1215 x 45 / 365 = 149.79
    segments = penalty_segments(
        D("10000.00"), due_date=date(2025, 5, 15), paid_on=date(2025, 8, 14)
    )
    assert [(s.start, s.end, s.days, s.rate, s.amount) for s in segments] == [
        (date(2025, 5, 16), date(2025, 6, 30), 46, D("0.1315"), D("165.73")),
        (date(2025, 7, 1), date(2025, 8, 14), 45, D("0.1215"), D("149.79")),
    ]
    penalty = late_penalty(D("10000.00"), due_date=date(2025, 5, 15), paid_on=date(2025, 8, 14))
    assert penalty == D("315.52")
    indemnity = recovery_indemnity(
        due_date=date(2025, 5, 15), paid_on=date(2025, 8, 14), professional=True
    )
    assert penalty + indemnity == D("355.52")


def test_partial_payment_lowers_the_base_from_the_next_day() -> None:
    # 10 000 due 15 May 2025; 4 000 paid 31 May (day 31 still at 10 000); the rest 14 Aug
    # 16-31 May: 10 000 x 0.1315 x 16 / 365 = 57.64
    # 1-30 Jun:   6 000 x 0.1315 x 30 / 365 = 64.85
    # 1 Jul-14 Aug: 6 000 x 0.1215 x 45 / 365 = 89.88          total 212.37
    segments = penalty_segments(
        D("10000.00"),
        due_date=date(2025, 5, 15),
        paid_on=date(2025, 8, 14),
        payments=[(date(2025, 5, 31), D("4000.00"))],
    )
    assert [(s.days, s.base, s.amount) for s in segments] == [
        (16, D("10000.00"), D("57.64")),
        (30, D("6000.00"), D("64.85")),
        (45, D("6000.00"), D("89.88")),
    ]
    assert sum(s.amount for s in segments) == D("212.37")


def test_payment_before_due_date_lowers_the_principal() -> None:
    # 1 000 due 15 May 2025, 400 paid on 10 May, 600 on 14 Aug:
    # 600 x 0.1315 x 46/365 = 9.94 ; 600 x 0.1215 x 45/365 = 8.99 -> 18.93
    penalty = late_penalty(
        D("1000.00"),
        due_date=date(2025, 5, 15),
        paid_on=date(2025, 8, 14),
        payments=[(date(2025, 5, 10), D("400.00"))],
    )
    assert penalty == D("18.93")


def test_rate_change_across_years_2022_to_2023() -> None:
    # 2022 S2 stays at 10 % (first hike took effect 27 Jul 2022, after 1 Jul); 2023 S1 is
    # 2.50 % on 1 Jan 2023 + 10 = 12.50 %. 5 000 due 30 Nov 2022 paid 31 Jan 2023:
    # 1-31 Dec 2022: 5 000 x 0.10 x 31 / 365 = 42.47 ; 1-31 Jan 2023: 5 000 x 0.125 x 31 / 365
    # = 53.08 ; total 95.55
    assert default_rate(HISTORY, date(2022, 12, 1)) == D("0.1000")
    assert default_rate(HISTORY, date(2023, 1, 1)) == D("0.1250")
    penalty = late_penalty(D("5000.00"), due_date=date(2022, 11, 30), paid_on=date(2023, 1, 31))
    assert penalty == D("95.55")


@pytest.mark.parametrize(
    ("_case", "day", "rate"),
    [
        ("2019-2022 S1 at zero", date(2021, 3, 1), D("0.1000")),
        ("2023 S2", date(2023, 8, 1), D("0.1400")),
        ("2024 S1", date(2024, 2, 1), D("0.1450")),
        ("2024 S2", date(2024, 12, 31), D("0.1425")),
        ("2025 S1", date(2025, 1, 1), D("0.1315")),
        ("2025 S2", date(2025, 7, 1), D("0.1215")),
        ("2026 S1", date(2026, 6, 30), D("0.1215")),
    ],
)
def test_default_rate_per_half_year_matches_domain_table(_case: str, day: date, rate: D) -> None:
    # DOMAIN-FR §4.2
    assert default_rate(HISTORY, day) == rate


def test_leap_year() -> None:
    # 1 000 due 31 Jan 2024, paid 1 Mar 2024: 1 Feb-1 Mar is 30 days (29 Feb exists)
    # at 14.50 % (4.50 % on 1 Jan 2024 + 10): 1 000 x 0.145 x 30 / 365 = 11.92
    # on an actual-days basis (366 in 2024): 145 x 30 / 366 = 11.89
    assert late_penalty(D("1000.00"), due_date=date(2024, 1, 31), paid_on=date(2024, 3, 1)) == D(
        "11.92"
    )
    actual = late_penalty(
        D("1000.00"), due_date=date(2024, 1, 31), paid_on=date(2024, 3, 1), day_basis="actual"
    )
    assert actual == D("11.89")


def test_actual_basis_splits_at_new_year() -> None:
    # 3 660 due 30 Dec 2023 paid 2 Jan 2024: 31 Dec 2023 at 14.00 % / 365 = 1.40 ;
    # 1-2 Jan 2024 at 14.50 % / 366 = 3 660 x 0.145 x 2 / 366 = 2.90
    segments = penalty_segments(
        D("3660.00"), due_date=date(2023, 12, 30), paid_on=date(2024, 1, 2), day_basis="actual"
    )
    assert [s.amount for s in segments] == [D("1.40"), D("2.90")]


def test_contractual_rate_replaces_the_default() -> None:
    # 10 000 x 0.15 x 91 / 365 = 373.97, one segment per half-year at the same rate
    penalty = late_penalty(
        D("10000.00"),
        due_date=date(2025, 5, 15),
        paid_on=date(2025, 8, 14),
        contractual_rate=D("0.15"),
    )
    # 1 500 x 46/365 = 189.04 ; 1 500 x 45/365 = 184.93
    assert penalty == D("373.97")


def test_contractual_rate_floor_is_three_times_legal_rate() -> None:
    assert contractual_rate_floor(date(2025, 3, 1)) == D("0.1113")
    assert contractual_rate_floor(date(2025, 9, 1)) == D("0.0828")
    assert contractual_rate_floor(date(2030, 1, 1)) is None


@pytest.mark.parametrize(
    ("_case", "paid_on", "professional", "expected"),
    [
        ("paid on the due date", date(2025, 5, 15), True, D("0.00")),
        ("a day late", date(2025, 5, 16), True, D("40.00")),
        ("consumer", date(2025, 8, 14), False, D("0.00")),
    ],
)
def test_indemnity(_case: str, paid_on: date, professional: bool, expected: D) -> None:
    assert (
        recovery_indemnity(due_date=date(2025, 5, 15), paid_on=paid_on, professional=professional)
        == expected
    )


def test_nothing_when_paid_on_time() -> None:
    assert late_penalty(D("500.00"), due_date=date(2025, 5, 15), paid_on=date(2025, 5, 15)) == D(
        "0.00"
    )
    # fully paid before the due date
    assert late_penalty(
        D("500.00"),
        due_date=date(2025, 5, 15),
        paid_on=date(2025, 8, 1),
        payments=[(date(2025, 5, 1), D("500.00"))],
    ) == D("0.00")


def test_unknown_rate_is_refused() -> None:
    with pytest.raises(ValueError, match="no ECB rate known on 2010-01-01"):
        late_penalty(D("100.00"), due_date=date(2010, 1, 1), paid_on=date(2010, 2, 1))


amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)
days = st.integers(0, 900)


@settings(max_examples=80, deadline=None)
@given(principal=amounts, late=days, more=st.integers(1, 200), start=st.integers(0, 1500))
def test_penalty_grows_with_time(principal: D, late: int, more: int, start: int) -> None:
    due = date(2022, 1, 1) + timedelta(days=start)
    shorter = late_penalty(principal, due_date=due, paid_on=due + timedelta(days=late))
    longer = late_penalty(principal, due_date=due, paid_on=due + timedelta(days=late + more))
    assert D(0) <= shorter <= longer


@settings(max_examples=80, deadline=None)
@given(
    principal=amounts, late=st.integers(2, 700), share=st.integers(1, 99), at=st.integers(1, 100)
)
def test_partial_payment_never_increases_the_penalty(
    principal: D, late: int, share: int, at: int
) -> None:
    due = date(2024, 3, 10)
    paid_on = due + timedelta(days=late)
    part = (principal * share / 100).quantize(D("0.01"))
    pay_day = due + timedelta(days=max(1, late * at // 100))
    with_payment = late_penalty(
        principal, due_date=due, paid_on=paid_on, payments=[(pay_day, part)]
    )
    # each segment is rounded to the cent, so the extra segment may add at most one cent
    assert with_payment <= late_penalty(principal, due_date=due, paid_on=paid_on) + D("0.01")
    # and the segments cover every late day exactly once
    segments = penalty_segments(principal, due_date=due, paid_on=paid_on)
    assert sum(s.days for s in segments) == late


def test_frozen_rate_reading() -> None:
    # DOMAIN-FR §3 open point: the rate of the half-year where lateness began, for all days.
    # 10 000 x 13.15 % x 46/365 = 165.73 ; 10 000 x 13.15 % x 45/365 = 162.12 -> 327.85
    penalty = late_penalty(
        D("10000.00"), due_date=date(2025, 5, 15), paid_on=date(2025, 8, 14), freeze_rate=True
    )
    assert penalty == D("327.85")
