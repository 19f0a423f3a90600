from datetime import date
from decimal import Decimal

import pytest

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.invoicing.services import LineData
from encaisse.ledger.positions import customer_balances, customer_list, customer_statement
from encaisse.payments.services import credit_note_issue

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def history(company: Company) -> dict:
    """Invoices in January and February, a partial payment in March, a credit note in April."""
    customer = CustomerFactory.create(company=company, name="Garage Martin")
    jan = make_invoice(
        company=company, customer=customer, amount="1000.00", issued_on=date(2025, 1, 10)
    )  # 1 200.00, due 9 Feb
    feb = make_invoice(
        company=company, customer=customer, amount="500.00", issued_on=date(2025, 2, 10)
    )  # 600.00, due 12 Mar
    make_payment(
        company=company, customer=customer, amount="1500.00", received_on=date(2025, 3, 15)
    )
    credit_note_issue(
        company=company,
        invoice_id=feb.pk,
        actor=None,
        on=date(2025, 4, 1),
        lines=[LineData("Geste", D(1), D("100.00"), D("0.2"))],
    )  # 120.00
    return {"customer": customer, "jan": jan, "feb": feb}


def test_statement_as_of_a_past_date_ignores_later_movements(
    company: Company, history: dict
) -> None:
    statement = customer_statement(company, history["customer"], as_of=date(2025, 2, 28))
    assert [(line.kind, line.debit, line.credit, line.balance) for line in statement.lines] == [
        ("invoice", D("1200.00"), D("0.00"), D("1200.00")),
        ("invoice", D("600.00"), D("0.00"), D("1800.00")),
    ]
    assert statement.closing_balance == D("1800.00")
    assert statement.overdue_amount == D("1200.00")  # January's invoice was due 9 Feb
    assert [line.open_amount for line in statement.lines] == [D("1200.00"), D("600.00")]


def test_statement_today_with_running_balance_and_opening(company: Company, history: dict) -> None:
    statement = customer_statement(
        company, history["customer"], as_of=date(2025, 4, 30), date_from=date(2025, 3, 1)
    )
    assert statement.opening_balance == D("1800.00")
    assert [(line.kind, line.balance) for line in statement.lines] == [
        ("payment", D("300.00")),
        ("credit_note", D("180.00")),
    ]
    assert statement.closing_balance == D("180.00")


def test_balances_as_of_dates(company: Company, history: dict) -> None:
    before_payment = customer_balances(company, as_of=date(2025, 3, 1))
    assert [(r.reference, r.open_amount, r.balance) for r in before_payment] == [
        (history["customer"].reference, D("1800.00"), D("1800.00"))
    ]
    (after,) = customer_balances(company, as_of=date(2025, 4, 30))
    # oldest first: 1 200 settled, 300 on February's; the credit note removes 120 more
    assert (after.invoiced, after.open_amount, after.unapplied_credit, after.balance) == (
        D("1800.00"),
        D("180.00"),
        D("0.00"),
        D("180.00"),
    )


def test_balances_show_unapplied_credit(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer)  # 120.00
    make_payment(company=company, customer=customer, amount="200.00")
    (row,) = customer_balances(company, as_of=date(2025, 12, 31))
    assert (row.open_amount, row.unapplied_credit, row.balance) == (
        D("0.00"),
        D("80.00"),
        D("-80.00"),
    )


def test_customer_list_balance_and_other_company_invisible(
    company: Company, other_company: Company, history: dict
) -> None:
    make_invoice(
        company=other_company,
        customer=CustomerFactory.create(company=other_company, name="Garage Martin"),
    )
    rows = list(customer_list(company, search="garage"))
    assert [(c.name, c.balance) for c in rows] == [("Garage Martin", D("180.00"))]
    assert list(customer_list(company, with_balance_only=True)) == rows
