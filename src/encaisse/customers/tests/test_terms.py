"""Due dates and LME caps; literals from DOMAIN-FR §2."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.customers.terms import TermsMethod, due_date, lme_warnings


@pytest.mark.parametrize(
    ("issue", "eom_then_45", "days45_then_eom", "net_60"),
    [
        (date(2025, 1, 2), date(2025, 3, 17), date(2025, 2, 28), date(2025, 3, 3)),
        (date(2026, 1, 15), date(2026, 3, 17), date(2026, 3, 31), date(2026, 3, 16)),
        (date(2025, 10, 22), date(2025, 12, 15), date(2025, 12, 31), date(2025, 12, 21)),
    ],
)
def test_domain_table_of_both_45_days_end_of_month_methods(
    issue: date, eom_then_45: date, days45_then_eom: date, net_60: date
) -> None:
    assert due_date(issue, TermsMethod.EOM_THEN_DAYS, 45) == eom_then_45
    assert due_date(issue, TermsMethod.DAYS_THEN_EOM, 45) == days45_then_eom
    assert due_date(issue, TermsMethod.NET, 60) == net_60


def test_leap_year_february() -> None:
    # 2024 is a leap year: end of February is the 29th.
    assert due_date(date(2024, 1, 15), TermsMethod.DAYS_THEN_EOM, 30) == date(2024, 2, 29)
    assert due_date(date(2024, 2, 10), TermsMethod.EOM_THEN_DAYS, 30) == date(2024, 3, 30)
    assert due_date(date(2023, 2, 10), TermsMethod.EOM_THEN_DAYS, 30) == date(2023, 3, 30)
    assert due_date(date(2024, 1, 30), TermsMethod.NET, 30) == date(2024, 2, 29)
    assert due_date(date(2023, 1, 30), TermsMethod.NET, 30) == date(2023, 3, 1)


def test_end_of_month_issue_date() -> None:
    assert due_date(date(2025, 1, 31), TermsMethod.EOM_THEN_DAYS, 30) == date(2025, 3, 2)
    assert due_date(date(2025, 1, 31), TermsMethod.DAYS_THEN_EOM, 30) == date(2025, 3, 31)
    assert due_date(date(2025, 3, 31), TermsMethod.ON_RECEIPT, 0) == date(2025, 3, 31)


@given(
    issue=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    days=st.integers(0, 120),
)
def test_due_dates_never_precede_issue_and_eom_methods_land_sensibly(
    issue: date, days: int
) -> None:
    for method in TermsMethod:
        assert due_date(issue, method, days) >= issue
    assert (due_date(issue, TermsMethod.DAYS_THEN_EOM, days) + timedelta(days=1)).day == 1
    assert due_date(issue, TermsMethod.NET, days) == issue + timedelta(days=days)


@pytest.mark.parametrize(
    ("method", "days", "warns"),
    [
        (TermsMethod.NET, 60, False),
        (TermsMethod.NET, 61, True),
        (TermsMethod.EOM_THEN_DAYS, 45, False),
        (TermsMethod.EOM_THEN_DAYS, 46, True),
        (TermsMethod.DAYS_THEN_EOM, 45, True),  # can exceed 60 days after issue
        (TermsMethod.DAYS_THEN_EOM, 30, False),
        (TermsMethod.ON_RECEIPT, 0, False),
    ],
)
def test_lme_caps_warn(method: TermsMethod, days: int, warns: bool) -> None:
    assert bool(lme_warnings(method, days)) is warns
