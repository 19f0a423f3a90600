from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core import money


@given(total=st.decimals(min_value=0, max_value=10**9, places=2), n=st.integers(1, 36))
def test_split_adds_up_and_stays_even(total: Decimal, n: int) -> None:
    parts = money.split(total, [Decimal(1)] * n)
    assert sum(parts) == total
    assert max(parts) - min(parts) <= money.CENT


def test_split_by_weights_gives_cents_to_largest_remainders() -> None:
    assert money.split(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]


def test_amount_rounds_half_up_not_half_even() -> None:
    assert money.amount("2.675") == Decimal("2.68")
    assert money.amount("0.125") == Decimal("0.13")
    assert money.amount("-0.125") == Decimal("-0.13")


def test_amount_refuses_float() -> None:
    with pytest.raises(TypeError):
        money.amount(0.1)  # type: ignore[arg-type]  # the point of the test


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1234.5", "1234.50"),
        ("-12,5", "-12.50"),
        ("(12.50)", "-12.50"),
        ("1 000", "1000.00"),
        ("1,000", "1000.00"),
        ("EUR 99", "99.00"),
        ("0,005", "0.01"),
    ],
)
def test_parse_amount_reads_french_and_english_styles(text: str, expected: str) -> None:
    assert money.parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "12,34,56x", "--", "1e5"])
def test_parse_amount_refuses_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="not an amount"):
        money.parse_amount(text)


@given(value=st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_french_format_parses_back(value: Decimal) -> None:
    assert money.parse_amount(money.format_eur(value)) == value


def test_format_eur_french_style() -> None:
    assert money.format_eur(Decimal("1234.56")) == "1\u202f234,56\u00a0€"
    assert money.format_eur(Decimal("-0.5")) == "-0,50\u00a0€"
    assert money.format_eur(Decimal("1000000")) == "1\u202f000\u202f000,00\u00a0€"
