"""Display filters and the decimal parser of the forms (pure, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from encaisse.web.shell.forms import parse_decimal
from encaisse.web.templatetags.encaisse_tags import (
    changes,
    day,
    days_late,
    money,
    number,
    percent,
    price,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234.56"), "1\u202f234,56\xa0€"),
        (Decimal("0"), "0,00\xa0€"),
        (Decimal("-1234567.891"), "-1\u202f234\u202f567,89\xa0€"),
        ("12.5", "12,50\xa0€"),
        (None, ""),
    ],
)
def test_money(value: Decimal | str | None, text: str) -> None:
    assert money(value) == text


def test_price_keeps_up_to_four_decimals() -> None:
    assert price(Decimal("19.9900")) == "19,99\xa0€"
    with translation.override("fr"):
        assert price(Decimal("0.1234")) == "0,1234\xa0€"


@pytest.mark.parametrize(
    ("lang", "rate", "text"),
    [
        ("fr", Decimal("0.055"), "5,5\xa0%"),
        ("en", Decimal("0.0550"), "5.5\xa0%"),
        ("fr", Decimal("0.2000"), "20\xa0%"),
        ("fr", Decimal("0"), "0\xa0%"),
        ("fr", Decimal("0.021"), "2,1\xa0%"),
    ],
)
def test_percent(lang: str, rate: Decimal, text: str) -> None:
    with translation.override(lang):
        assert percent(rate) == text


def test_day_and_number_follow_the_language() -> None:
    with translation.override("fr"):
        assert day(date(2026, 3, 31)) == "31/03/2026"
        assert number(Decimal("1.500")) == "1,5"
    with translation.override("en"):
        assert day(date(2026, 3, 31)) == "03/31/2026"
        assert number(Decimal("3.000")) == "3"
    assert day(None) == ""


def test_days_late() -> None:
    assert days_late(date(2025, 1, 31), date(2025, 3, 1)) == 29
    assert days_late(date(2025, 3, 2), date(2025, 3, 1)) == 0
    assert days_late(None, date(2025, 3, 1)) == 0


@pytest.mark.parametrize(
    ("text", "places", "value"),
    [
        ("1 234,56", 2, Decimal("1234.56")),
        ("1234.5", 2, Decimal("1234.5")),
        ("1.234,56", 2, Decimal("1234.56")),
        ("1,234.56", 2, Decimal("1234.56")),
        ("\u202f12\xa0€", 2, Decimal("12")),
        ("0,125", 3, Decimal("0.125")),
        ("-5", 2, Decimal("-5")),
    ],
)
def test_parse_decimal(text: str, places: int, value: Decimal) -> None:
    assert parse_decimal(text, places=places) == value


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12.345", "1e5", "--1"])
def test_parse_decimal_refuses(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_decimal(text, places=2)


def test_changes_pairs_before_and_after() -> None:
    assert changes({"status": "draft", "number": None}, {"status": "issued", "number": "F-1"}) == [
        ("status", "draft", "issued"),
        ("number", "", "F-1"),
    ]
    assert changes(None, {"amount": "10.00"}) == [("amount", "", "10.00")]
