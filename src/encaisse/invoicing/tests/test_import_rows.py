"""Cells to invoice rows: dates, amounts, flags, SIREN, paid history; pure, no database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.exceptions import FileProblem
from encaisse.invoicing.importer.mapping import Columns
from encaisse.invoicing.importer.reading import Row
from encaisse.invoicing.importer.rows import (
    DATE_FORMATS,
    CellError,
    DateFormat,
    InvoiceRow,
    date_convention,
    parse_amount_cell,
    parse_date_cell,
    parse_flag,
    parse_rows,
    parse_siren,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# --- dates ---------------------------------------------------------------------------------

FORMATS = {
    "dmy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "mdy": lambda d: f"{d.month}/{d.day}/{d.year}",
    "iso": lambda d: d.isoformat(),
}


@given(
    day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)),
    convention=st.sampled_from(DATE_FORMATS),
)
def test_a_date_written_in_a_convention_reads_back_in_it(day: date, convention: DateFormat) -> None:
    assert parse_date_cell(FORMATS[convention](day), convention) == day


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_iso_dates_read_the_same_in_every_convention(day: date) -> None:
    assert {parse_date_cell(day.isoformat(), c) for c in DATE_FORMATS} == {day}


@pytest.mark.parametrize(
    ("_case", "texts", "convention"),
    [
        ("day above 12 first", ["01/02/2025", "13/02/2025"], "dmy"),
        ("day above 12 second", ["1/2/2025", "2/13/2025"], "mdy"),
        ("nothing decides", ["01/02/2025", "2025-03-31", "12/12/2025"], None),
        ("times are ignored", ["3/31/2025 10:15"], "mdy"),
        ("dots", ["31.03.2025"], "dmy"),
    ],
)
def test_date_convention(_case: str, texts: list[str], convention: str | None) -> None:
    assert date_convention(texts) == convention


def test_a_file_with_both_conventions_is_refused() -> None:
    with pytest.raises(CellError) as excinfo:
        date_convention(["31/01/2025", "1/31/2025"])

    assert str(excinfo.value) == (
        "The file mixes day-first (31/01/2025) and month-first (1/31/2025) dates; "
        "choose the date format."
    )


@pytest.mark.parametrize(
    ("cell", "convention", "expected"),
    [
        ("04/01/2025", "dmy", date(2025, 1, 4)),
        ("04/01/2025", "mdy", date(2025, 4, 1)),
        ("4/1/25", "mdy", date(2025, 4, 1)),
        ("2025-01-04", "mdy", date(2025, 1, 4)),
        ("20250104", "dmy", date(2025, 1, 4)),
        ("2025-01-04 00:00:00", "iso", date(2025, 1, 4)),
        ("04/01/2025 08:30", "dmy", date(2025, 1, 4)),
        (
            datetime(2025, 1, 4, 0, 0),  # noqa: DTZ001  # spreadsheets hold naive datetimes
            "mdy",
            date(2025, 1, 4),
        ),
        (date(2025, 1, 4), "iso", date(2025, 1, 4)),
        (45661, "dmy", date(2025, 1, 4)),  # Excel serial day
    ],
)
def test_parse_date_cell(cell: object, convention: str, expected: date) -> None:
    assert parse_date_cell(cell, convention) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cell", "convention", "message"),
    [
        ("31/02/2025", "dmy", "'31/02/2025' is not a date (expected dd/mm/yyyy or yyyy-mm-dd)."),
        ("3/31/2025", "dmy", "'3/31/2025' is not a date (expected dd/mm/yyyy or yyyy-mm-dd)."),
        ("31/3/2025", "mdy", "'31/3/2025' is not a date (expected mm/dd/yyyy or yyyy-mm-dd)."),
        ("31/03/2025", "iso", "'31/03/2025' is not a date (expected yyyy-mm-dd)."),
        ("demain", "dmy", "'demain' is not a date (expected dd/mm/yyyy or yyyy-mm-dd)."),
    ],
)
def test_bad_dates_say_what_was_expected(cell: str, convention: str, message: str) -> None:
    with pytest.raises(CellError) as excinfo:
        parse_date_cell(cell, convention)  # type: ignore[arg-type]

    assert str(excinfo.value) == message


# --- amounts -------------------------------------------------------------------------------


def french(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    integer, decimals = f"{abs(value):.2f}".split(".")
    groups: list[str] = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{sign}{' '.join(groups)},{decimals}"


def english_style(value: Decimal) -> str:
    return f"{value:,.2f}"


@given(
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
    style=st.sampled_from([french, english_style, lambda v: f"{v:.2f}", lambda v: f"{v}€"]),
)
def test_an_amount_written_french_or_english_reads_back(value: Decimal, style) -> None:
    assert parse_amount_cell(style(value)) == value


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("$13.50", Decimal("13.50")),
        ("12,5 €", Decimal("12.50")),
        ("(80.00)", Decimal("-80.00")),
        (12.1, Decimal("12.10")),
        (0.1 + 0.2, Decimal("0.30")),
        (1500, Decimal("1500.00")),
        (Decimal("9.999"), Decimal("10.00")),
    ],
)
def test_parse_amount_cell(cell: object, expected: Decimal) -> None:
    assert parse_amount_cell(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("cell", ["12,3x", "abc", "1 2 3,4,5x", True, "--5"])
def test_bad_amounts_are_refused(cell: object) -> None:
    with pytest.raises(CellError):
        parse_amount_cell(cell)  # type: ignore[arg-type]


# --- flags and SIREN -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Yes", True), ("oui", True), ("1", True), ("TRUE", True), ("x", True), (True, True),
     ("No", False), ("non", False), ("0", False), ("false", False), ("", False), (False, False)],
)  # fmt: skip
def test_parse_flag(cell: object, expected: bool) -> None:
    assert parse_flag(cell) is expected  # type: ignore[arg-type]


def test_a_flag_that_is_neither_yes_nor_no_is_refused() -> None:
    with pytest.raises(CellError) as excinfo:
        parse_flag("peut-être")

    assert str(excinfo.value) == (
        "'peut-être' is not yes or no (yes/no, oui/non, 1/0, true/false, x)."
    )


def test_parse_siren_compacts_and_checks_the_key() -> None:
    assert parse_siren("552 100 554") == "552100554"
    assert parse_siren(552100554) == "552100554"
    with pytest.raises(CellError):
        parse_siren("552 100 555")


# --- rows ----------------------------------------------------------------------------------

COLUMNS = Columns(
    {
        "number": 0,
        "customer_ref": 1,
        "customer_name": 2,
        "siren": 3,
        "issue_date": 4,
        "due_date": 5,
        "total": 6,
        "paid_date": 7,
        "paid_amount": 8,
        "open_amount": 9,
        "disputed": 10,
    }
)


def row(line: int, *cells: object) -> Row:
    padded = list(cells) + [""] * (11 - len(cells))
    return Row(line, tuple(padded))  # type: ignore[arg-type]


def test_paid_history_comes_from_paid_amount_open_amount_or_paid_date() -> None:
    rows = [
        row(2, "A1", "C1", "", "", "10/01/2025", "", "100,00", "20/01/2025", "40,00"),
        row(3, "A2", "C1", "", "", "10/01/2025", "", "100,00", "", "", "30,00"),
        row(4, "A3", "C1", "", "", "10/01/2025", "", "100,00", "25/01/2025"),
        row(5, "A4", "", "Bob", "", "10/01/2025", "09/02/2025", "100,00", "", "", "", "oui"),
        row(6, "AV1", "C1", "", "", "10/01/2025", "", "-20,00", "25/01/2025", "20,00"),
        row(7, "A5", "C1", "", "", "10/01/2025", "", "100,00", "", "60,00", "40,00"),
    ]

    parsed, errors = parse_rows(rows, COLUMNS, file="f.csv")

    assert errors == []
    assert [(r.number, r.paid_amount, r.paid_date) for r in parsed] == [
        ("A1", Decimal("40.00"), date(2025, 1, 20)),
        ("A2", Decimal("70.00"), None),  # paid without a date: dated the import day later
        ("A3", Decimal("100.00"), date(2025, 1, 25)),
        ("A4", Decimal("0.00"), None),
        ("AV1", Decimal("0.00"), None),  # refunds of credit notes are not imported
        ("A5", Decimal("60.00"), None),
    ]
    assert parsed[3] == InvoiceRow(
        line=5,
        number="A4",
        customer_ref="",
        customer_name="Bob",
        siren="",
        issue_date=date(2025, 1, 10),
        due_date=date(2025, 2, 9),
        total=Decimal("100.00"),
        currency="EUR",
        paid_amount=Decimal("0.00"),
        paid_date=None,
        disputed=True,
    )
    assert parsed[4].is_credit_note


def test_every_bad_cell_of_every_row_is_reported_with_line_field_and_value() -> None:
    rows = [
        row(2, "B1", "C1", "", "", "31/02/2025", "", "12,3x"),
        row(3, "B2", "", "", "552100555", "10/01/2025", "01/01/2025", "10"),
        row(4, "B3", "C1", "", "", "10/01/2025", "", "100", "", "120"),
        row(5, "B4", "C1", "", "", "10/01/2025", "", "100", "", "", "130"),
        row(6, "B5", "C1", "", "", "", "", "0", "", "", "", "bof"),
        row(7, "B6", "C1", "", "", "10/01/2025", "", "100", "", "70", "20"),
        row(8, "", "C1", "", "", "10/01/2025", "", "100"),
    ]

    parsed, errors = parse_rows(rows, COLUMNS, file="f.csv")

    assert parsed == []
    assert [(e.line, e.field, e.value) for e in errors] == [
        (2, "issue_date", "31/02/2025"),
        (2, "total", "12,3x"),
        (3, "customer_ref", ""),
        (3, "siren", "552100555"),
        (3, "due_date", "01/01/2025"),
        (4, "paid_amount", "120"),
        (5, "open_amount", "130"),
        (6, "issue_date", ""),
        (6, "total", "0"),
        (6, "disputed", "bof"),
        (7, "open_amount", "20"),
        (8, "number", ""),
    ]
    messages = {(e.line, e.field): e.message for e in errors}
    assert messages[(4, "paid_amount")] == "The paid amount 120.00 is more than the total 100.00."
    assert (
        messages[(3, "due_date")] == "The due date 2025-01-01 is before the issue date 2025-01-10."
    )
    assert messages[(7, "open_amount")] == "Paid 70.00 plus open 20.00 is not the total 100.00."
    assert str(errors[0]) == (
        "f.csv line 2, issue_date: '31/02/2025' is not a date (expected dd/mm/yyyy or yyyy-mm-dd)."
    )


def test_a_number_twice_in_the_file_names_both_lines() -> None:
    rows = [
        row(2, "D1", "C1", "", "", "10/01/2025", "", "1"),
        row(3, "D2", "C1", "", "", "10/01/2025", "", "1"),
        row(9, "D1", "C2", "", "", "11/01/2025", "", "2"),
    ]

    parsed, errors = parse_rows(rows, COLUMNS, file="f.csv")

    assert [r.number for r in parsed] == ["D1", "D2"]
    assert errors == [FileProblem("f.csv", 9, "number", "The number D1 is also on line 2.", "D1")]


def test_the_date_convention_is_decided_for_the_whole_file() -> None:
    rows = [
        row(2, "E1", "C1", "", "", "2/1/2025", "3/3/2025", "1"),
        row(3, "E2", "C1", "", "", "1/20/2025", "", "1"),
    ]

    parsed, errors = parse_rows(rows, COLUMNS, file="f.csv")

    assert errors == []
    assert [(r.issue_date, r.due_date) for r in parsed] == [
        (date(2025, 2, 1), date(2025, 3, 3)),
        (date(2025, 1, 20), None),
    ]

    forced, errors = parse_rows(rows[:1], COLUMNS, file="f.csv", date_format="dmy")
    assert (forced[0].issue_date, forced[0].due_date) == (date(2025, 1, 2), date(2025, 3, 3))


def test_mixed_conventions_refuse_the_file() -> None:
    rows = [
        row(2, "E1", "C1", "", "", "13/01/2025", "", "1"),
        row(3, "E2", "C1", "", "", "1/20/2025", "", "1"),
    ]

    parsed, errors = parse_rows(rows, COLUMNS, file="f.csv")

    assert parsed == []
    assert [(e.line, e.field) for e in errors] == [(None, "issue_date")]
