import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, UserFactory, make_invoice, make_payment

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_company_create_validates_siren_and_slug() -> None:
    UserFactory.create(username="alice")
    assert run(
        "company-create",
        "--name",
        "Boulangerie Dupont",
        "--siren",
        "732 829 320",
        "--owner",
        "alice",
    ).startswith("boulangerie-dupont\t732829320")
    company = Company.objects.get(slug="boulangerie-dupont")
    assert Membership.objects.get(company=company).user.username == "alice"
    with pytest.raises(CommandError, match="SIREN invalide"):  # French first, CLI included
        run("company-create", "--name", "Mauvais", "--siren", "123456789")
    with pytest.raises(CommandError, match="déjà pris"):
        run("company-create", "--name", "Boulangerie Dupont", "--siren", "732829320")
    assert Company.objects.count() == 1


def test_report_balance_json_is_stable_for_scripts(company: Company) -> None:
    customer = CustomerFactory.create(company=company, name="Dupont & Fils", reference="DUP")
    make_invoice(company=company, customer=customer, amount="1000.00", issued_on=date(2025, 1, 1))
    make_payment(company=company, customer=customer, amount="200.50", received_on=date(2025, 2, 1))
    rows = json.loads(
        run("report", "balance", "--company", "acme", "--date", "2025-12-31", "--format", "json")
    )
    assert rows == [
        {
            "customer": "Dupont & Fils",
            "reference": "DUP",
            "invoiced": "1200.00",
            "open_amount": "999.50",
            "unapplied_credit": "0.00",
            "balance": "999.50",
        }
    ]
    # as of a date before the payment
    (before,) = json.loads(
        run(
            "report",
            "balance",
            "--company",
            company.siren,
            "--date",
            "15/01/2025",
            "--format",
            "json",
        )
    )
    assert before["open_amount"] == "1200.00"
    csv_out = run(
        "report", "balance", "--company", "acme", "--date", "2025-12-31", "--format", "csv"
    )
    assert csv_out.splitlines()[1] == "Dupont & Fils,DUP,1200.00,999.50,0.00,999.50"
    table = run("report", "balance", "--company", "acme", "--date", "2025-12-31")
    assert "Dupont & Fils" in table
    assert "999.50" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--company", "nope"), "Société inconnue : nope"),
        (("--company", "acme", "--date", "31/02/2025"), "Date invalide '31/02/2025'"),
    ],
)
def test_report_bad_arguments_give_one_line(company: Company, args: tuple, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("report", "balance", *args)


def test_company_is_optional_only_when_there_is_one(
    company: Company, other_company: Company
) -> None:
    with pytest.raises(CommandError, match="--company est obligatoire"):
        run("report", "balance")
