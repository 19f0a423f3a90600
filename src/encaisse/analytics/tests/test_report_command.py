"""`encaisse report` on a company imported from a CSV of historical invoices: the averages are
those a spreadsheet gives on the file."""

from __future__ import annotations

import json
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from encaisse.core.models import Company
from encaisse.invoicing.models import Invoice

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "historique.csv"


def report(*args: str) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(company: Company) -> Company:
    call_command("import-invoices", str(FIXTURE), "--company", company.slug, stdout=StringIO())
    assert Invoice.objects.filter(company=company).count() == 6
    return company


def test_kpis_json_gives_the_spreadsheet_averages(imported: Company) -> None:
    data = json.loads(
        report("kpis", "--company", imported.slug, "--date", "2025-06-30", "--format", "json")
    )

    # The file, as a spreadsheet reads it (F005 is still open, so 5 settled invoices):
    #   invoice  total   issue -> paid       days to pay  due -> paid  days late
    #   F001     1 000   05/01 -> 04/02      30           04/02        0
    #   F002     2 000   10/01 -> 21/02      42           09/02        12
    #   F003       500   15/01 -> 30/04      105          14/03        47
    #   F004     1 500   01/02 -> 28/02      27           03/03        0 (early)
    #   F006       250   10/03 -> 19/05      70           09/04        40
    # =AVERAGE: (30+42+105+27+70)/5 = 54.8; (0+12+47+0+40)/5 = 19.8
    # =SUMPRODUCT/SUM: 224 500 / 5 250 = 42.76; 57 500 / 5 250 = 10.95
    assert data["invoice_count"] == 5
    assert data["average_days_to_pay"] == 54.8
    assert data["average_days_late"] == 19.8
    assert data["average_days_to_pay_weighted"] == 42.76
    assert data["average_days_late_weighted"] == 10.95
    assert data["on_time_rate"] == 40.0
    assert (data["period_from"], data["period_to"]) == ("2025-01-05", "2025-06-30")
    assert data["ar_end"] == "3000.00"  # F005
    for key in (
        "dso_countback",
        "dso_simple",
        "cei",
        "unpaid_rate",
        "dispute_rate",
    ):
        assert key in data
    assert data["dispute_rate"] == 0.0
    # 3 000 open on 30/06, 89 days past due: not yet "unpaid"
    assert data["unpaid_rate"] == 0.0


def test_kpis_over_a_chosen_period(imported: Company) -> None:
    data = json.loads(
        report(
            "kpis",
            "--company",
            imported.slug,
            "--from",
            "2025-02-01",
            "--to",
            "2025-02-28",
            "--format",
            "json",
        )
    )

    # settled in February: F001 (30 days, on time), F002 (42, 12 late), F004 (27, early)
    assert data["invoice_count"] == 3
    assert data["average_days_to_pay"] == 33.0  # 99 / 3
    assert data["average_days_late"] == 4.0  # 12 / 3
    assert data["period_to"] == "2025-02-28"


def test_aging_csv_table_and_xlsx(imported: Company, tmp_path: Path) -> None:
    csv_text = report(
        "aging", "--company", imported.slug, "--date", "2025-04-10", "--format", "csv"
    )
    # on 10/04: F003 (due 14/03, 27 days) 500, F005 (due 02/04, 8 days) 3 000, F006 (due
    # 09/04, 1 day) 250
    assert csv_text.splitlines() == [
        "customer,reference,not_due,1-30,31-60,61-90,90+,total",
        "Gamma SA,C00003,0.00,3250.00,0.00,0.00,0.00,3250.00",
        "Beta SAS,C00002,0.00,500.00,0.00,0.00,0.00,500.00",
        "TOTAL,,0.00,3750.00,0.00,0.00,0.00,3750.00",
    ]
    assert "TOTAL" in report("aging", "--company", imported.slug, "--date", "2025-04-10")

    target = tmp_path / "aging.xlsx"
    report(
        "aging",
        "--company",
        imported.slug,
        "--date",
        "2025-04-10",
        "--format",
        "xlsx",
        "-o",
        str(target),
    )
    sheet = load_workbook(BytesIO(target.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "customer"
    assert rows[-1][0] == "TOTAL"
    assert float(rows[-1][-1]) == 3750.0


def test_other_reports_run_in_every_format(imported: Company) -> None:
    for name in ("dso", "behaviour", "concentration", "forecast", "trends", "drift"):
        data = json.loads(
            report(name, "--company", imported.slug, "--date", "2025-06-30", "--format", "json")
        )
        assert isinstance(data, list), name
        report(name, "--company", imported.slug, "--date", "2025-06-30", "--format", "table")
    forecast = json.loads(
        report("forecast", "--company", imported.slug, "--date", "2025-06-30", "--format", "json")
    )
    assert forecast[0] == {
        "week": "backlog",
        "start": "",
        "end": "",
        "expected": "3000.00",
        "early": "",
        "late": "",
    }
    behaviour = json.loads(
        report("behaviour", "--company", imported.slug, "--date", "2025-06-30", "--format", "json")
    )
    assert [(r["customer"], r["invoice_count"]) for r in behaviour] == [
        ("Gamma SA", 1),
        ("Beta SAS", 2),
        ("Alpha SARL", 2),
        ("TOTAL", 5),
    ]


def test_bad_period_is_one_line_error(imported: Company) -> None:
    with pytest.raises(CommandError, match="after"):
        report("kpis", "--company", imported.slug, "--from", "2025-03-01", "--to", "2025-02-01")
    with pytest.raises(CommandError, match="Date invalide"):
        report("kpis", "--company", imported.slug, "--from", "yesterday")
