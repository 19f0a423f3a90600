"""Formula-safe cells (`core.spreadsheet`): the OWASP rule, and typed values left alone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.spreadsheet import is_formula_like, safe_cell, safe_text, safe_values


@pytest.mark.parametrize(
    ("_case", "text", "expected"),
    [
        (
            "_hyperlink",
            '=HYPERLINK("http://evil.test";"x")',
            '\'=HYPERLINK("http://evil.test";"x")',
        ),
        ("_dde", "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("_at", "@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("_minus", "-2+3", "'-2+3"),
        ("_tab", "\t=1", "'\t=1"),
        ("_carriage_return", "\r=1", "'\r=1"),
        ("_after_spaces", "   =1+1", "'   =1+1"),
        ("_negative_amount", "-1234.50", "-1234.50"),
        ("_negative_french_amount", "-1234,50", "-1234,50"),
        ("_plain_name", "Dupont & Fils SARL", "Dupont & Fils SARL"),
        ("_equals_inside", "A=B", "A=B"),
        ("_empty", "", ""),
    ],
)
def test_safe_text(_case: str, text: str, expected: str) -> None:
    assert safe_text(text) == expected


def test_typed_values_are_never_escaped() -> None:
    # given
    values = [Decimal("-12.30"), -5, -0.5, date(2025, 1, 31), True, None]

    # then
    assert safe_values(values) == values
    assert [type(v) for v in safe_values(values)] == [type(v) for v in values]


@given(st.text())
def test_an_escaped_text_is_never_a_formula_and_loses_nothing(text: str) -> None:
    safe = safe_cell(text)

    assert not is_formula_like(safe)
    assert safe in (text, "'" + text)


@given(st.text().filter(lambda t: t.lstrip(" ")[:1] not in set("=+-@\t\r")))
def test_a_text_that_is_no_formula_is_unchanged(text: str) -> None:
    assert safe_text(text) == text
