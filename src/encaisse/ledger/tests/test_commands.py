"""The command line: import-fec, export-fec, reconcile-statements."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from encaisse.core.models import Company
from encaisse.core.tests.factories import CompanyFactory, CustomerFactory, make_invoice
from encaisse.invoicing.models import Invoice
from encaisse.ledger.tests.fecdata import LEDGER

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_fec_prints_the_json_counts(company: Company, tmp_path: Path) -> None:
    path = tmp_path / "732829320FEC20251231.txt"
    path.write_bytes(LEDGER)

    first = json.loads(run("import-fec", str(path), "--company", "acme", "--format", "json"))
    again = json.loads(run("import-fec", str(path), "--company", "acme", "--format", "json"))

    assert first == {
        "entries": 9,
        "customers": 3,
        "invoices": 4,
        "payments": 3,
        "open_items": 3,
        "open_amount": "610.00",
    }
    assert again == {**first, "customers": 0, "invoices": 0, "payments": 0}


def test_import_fec_text_summary_names_the_accounts(company: Company, tmp_path: Path) -> None:
    path = tmp_path / "fec.txt"
    path.write_bytes(LEDGER)

    out = run("import-fec", str(path), "--company", "acme")

    assert "fec.txt: 9 entries, 23 lines read" in out
    assert "  411000 Clients: 7 lines, debit 2300.00, credit 2050.00, balance 250.00 -- ok" in out


def test_a_bad_file_exits_with_the_errors_and_writes_nothing(
    company: Company, tmp_path: Path
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(LEDGER.replace(b"1200,00", b"12O0,00", 1))

    with pytest.raises(CommandError) as caught:
        run("import-fec", str(path), "--company", "acme")

    assert str(caught.value).splitlines() == [
        "bad.txt line 4, Debit: not an amount: expected digits with a comma (-1250,00)",
        "1 erreur : rien n’a été importé.",
    ]
    assert not Invoice.objects.exists()


def test_a_missing_file_is_one_line(company: Company) -> None:
    with pytest.raises(CommandError, match=r"^Fichier introuvable : nowhere\.txt$"):
        run("import-fec", "nowhere.txt", "--company", "acme")


def test_export_then_import_into_another_company(company: Company, tmp_path: Path) -> None:
    customer = CustomerFactory.create(company=company, reference="C1")
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 15))
    target = tmp_path / "out.txt"

    out = run("export-fec", "--company", "acme", "--to", "2025-12-31", "-o", str(target))
    CompanyFactory.create(slug="copy")
    counts = json.loads(run("import-fec", str(target), "--company", "copy", "--format", "json"))

    assert out.strip() == f"{target}: 3 lines"
    assert counts["invoices"] == 1
    assert counts["open_amount"] == "120.00"


def test_reconcile_statements_prints_csv(company: Company) -> None:
    customer = CustomerFactory.create(company=company, reference="C1", name="Dupont")
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 15))

    out = run(
        "reconcile-statements", "--company", "acme", "--from", "2025-02-01", "--to",
        "2025-12-31", "--format", "csv",
    )  # fmt: skip

    assert out == (
        "reference,customer,opening,invoiced,credited,paid,closing,reconciles\n"
        "C1,Dupont,120.00,0.00,0.00,0.00,120.00,True\n"
    )
