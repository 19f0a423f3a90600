"""The penalty rate printed on documents comes from the rates table that dunning claims with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from encaisse.core.models import Company, EcbRate
from encaisse.invoicing.documents.build import penalty_rate_printed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("_case", "on", "expected"),
    [
        # DOMAIN-FR §4.2: ECB rate in force on 1 Jan / 1 Jul + 10 points
        ("2024 S2", date(2024, 12, 31), Decimal("0.1425")),
        ("2025 S1", date(2025, 1, 1), Decimal("0.1315")),
        ("2025 S2", date(2025, 7, 1), Decimal("0.1215")),
    ],
)
def test_legal_default_rate_of_the_half_year(
    company: Company, _case: str, on: date, expected: Decimal
) -> None:
    assert penalty_rate_printed(company, on) == expected


def test_contractual_rate_wins(company: Company) -> None:
    company.penalty_rate = Decimal("0.1500")
    assert penalty_rate_printed(company, date(2025, 7, 1)) == Decimal("0.1500")


def test_a_rate_added_to_the_table_is_printed(company: Company) -> None:
    # given an ECB change taking effect before 1 July 2027 (rates-update adds such rows)
    EcbRate.objects.create(effective=date(2027, 3, 1), rate=Decimal("0.0300"))
    # then the second half of 2027 prints 3 % + 10 points
    assert penalty_rate_printed(company, date(2027, 8, 1)) == Decimal("0.1300")
