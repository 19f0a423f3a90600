"""`encaisse import-invoices`: summary, JSON, one line per error and a non-zero exit."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from encaisse.core.models import Company
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Payment

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def import_invoices(*args: str) -> str:
    out = StringIO()
    call_command("import-invoices", *args, stdout=out)
    return out.getvalue()


def test_summary_of_an_import(company: Company) -> None:
    out = import_invoices(
        str(FIXTURES / "import_fr.csv"), "--company", "acme", "--date", "2025-06-30"
    )

    assert out == (
        "import_fr.csv: created 5 invoices, 3 customers, 2 payments; 0 already imported\n"
    )
    assert Invoice.objects.filter(company=company).count() == 5


def test_json_output_and_a_second_run_that_skips_everything(company: Company) -> None:
    path = str(FIXTURES / "import_us.csv")

    first = json.loads(import_invoices(path, "--company", "acme", "--format", "json"))
    second = json.loads(import_invoices(path, "--company", company.siren, "--format", "json"))

    assert first == {
        "file": "import_us.csv",
        "created": 3,
        "skipped_existing": 0,
        "customers_created": 2,
        "payments_created": 3,
    }
    assert second == {
        "file": "import_us.csv",
        "created": 0,
        "skipped_existing": 3,
        "customers_created": 0,
        "payments_created": 0,
    }


def test_explicit_map_is_used_and_saved(company: Company, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Ref doc;Payeur;Le;Somme\nM1;Alpha;01/03/2025;10,00\n", encoding="utf-8")

    out = import_invoices(
        str(path), "--company", "acme", "--map", "number=Ref doc", "customer_name=Payeur",
        "--map", "issue_date=Le", "total=Somme",
    )  # fmt: skip

    assert out == "odd.csv: created 1 invoices, 1 customers, 0 payments; 0 already imported\n"
    company.refresh_from_db()
    assert company.import_mapping == {
        "number": "Ref doc",
        "customer_name": "Payeur",
        "issue_date": "Le",
        "total": "Somme",
    }


def test_dry_run_writes_nothing(company: Company) -> None:
    out = import_invoices(str(FIXTURES / "import_fr.csv"), "--company", "acme", "--dry-run")

    assert out == (
        "import_fr.csv: would create 5 invoices, 3 customers, 2 payments; 0 already imported "
        "(dry run, nothing written)\n"
    )
    assert Invoice.objects.count() == 0


def test_a_refused_file_exits_with_one_line_per_error_and_a_count(
    company: Company, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "N° facture;Client;Date;Total\nB1;Alpha;31/02/2025;10\nB2;Alpha;01/02/2025;12,3x\n"
        "B1;Alpha;01/02/2025;1\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as excinfo:
        import_invoices(str(path), "--company", "acme")

    assert str(excinfo.value) == (
        "bad.csv line 2, issue_date: '31/02/2025' is not a date "
        "(expected dd/mm/yyyy or yyyy-mm-dd).\n"
        "bad.csv line 3, total: '12,3x' is not an amount.\n"
        "bad.csv line 4, number: The number B1 is also on line 2.\n"
        "3 errors: nothing imported."
    )
    assert (Invoice.objects.count(), Payment.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("_case", "args", "message"),
    [
        ("unknown field", ["--map", "montant=Total"],
         "fr.csv, montant: Unknown field 'montant' in the mapping; the fields are: number, "
         "customer_ref, customer_name, siren, issue_date, due_date, total, currency, paid_date, "
         "paid_amount, open_amount, disputed.\n1 error: nothing imported."),
        ("not field=column", ["--map", "total"],
         "fr.csv: Expected field=Column in the mapping, got 'total'.\n1 error: nothing imported."),
        ("column not in the file", ["--map", "total=Montant HT"],
         "fr.csv line 1, total: The column 'Montant HT' is not in the file; its columns are: "
         "'N° facture', 'Client', 'Date', 'Total'.\n1 error: nothing imported."),
    ],
)  # fmt: skip
def test_bad_mapping_is_refused_before_reading_rows(
    company: Company, tmp_path: Path, _case: str, args: list[str], message: str
) -> None:
    path = tmp_path / "fr.csv"
    path.write_text("N° facture;Client;Date;Total\nB1;Alpha;31/02/2025;10\n", encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        import_invoices(str(path), "--company", "acme", *args)

    assert str(excinfo.value) == message


def test_missing_file_and_unknown_company(company: Company, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"^No such file: .*nope\.csv$"):
        import_invoices(str(tmp_path / "nope.csv"), "--company", "acme")
    with pytest.raises(CommandError, match=r"^Unknown company: ghost$"):
        import_invoices(str(FIXTURES / "import_fr.csv"), "--company", "ghost")


def test_binary_file_is_a_one_line_refusal(company: Company, tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    with pytest.raises(CommandError) as excinfo:
        import_invoices(str(path), "--company", "acme")

    assert str(excinfo.value) == (
        "photo.csv: The file is not a CSV or XLSX spreadsheet.\n1 error: nothing imported."
    )
