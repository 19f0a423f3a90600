"""Statements of account reconcile: opening + invoices − credit notes − payments = closing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.models import Company
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    make_invoice,
    make_payment,
)
from encaisse.ledger.positions import customer_balances, customer_statement
from encaisse.ledger.selectors import reconciliation_table, statement_reconciliation
from encaisse.payments.services import credit_note_issue

pytestmark = pytest.mark.django_db
BASE = date(2025, 1, 1)


def test_a_customer_statement_over_a_period(company: Company) -> None:
    # given an invoice and a payment before the period, and movements inside it
    customer = CustomerFactory.create(company=company, reference="C1", name="Dupont")
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 10))
    make_payment(company=company, customer=customer, amount="50.00", received_on=date(2025, 1, 20))
    second = make_invoice(
        company=company, customer=customer, amount="500.00", issued_on=date(2025, 2, 3)
    )
    credit_note_issue(company=company, invoice_id=second.pk, actor=None, on=date(2025, 2, 5))
    make_payment(company=company, customer=customer, amount="30.00", received_on=date(2025, 2, 28))
    make_payment(company=company, customer=customer, amount="9.00", received_on=date(2025, 3, 1))

    # when
    rows = statement_reconciliation(company, date_from=date(2025, 2, 1), date_to=date(2025, 2, 28))

    # then
    assert reconciliation_table(rows) == [
        {
            "reference": "C1",
            "customer": "Dupont",
            "opening": "70.00",
            "invoiced": "600.00",
            "credited": "600.00",
            "paid": "30.00",
            "closing": "40.00",
            "reconciles": True,
        }
    ]


def test_other_companies_stay_out(company: Company, other_company: Company) -> None:
    stranger = CustomerFactory.create(company=other_company)
    make_invoice(company=other_company, customer=stranger, amount="10.00")

    assert statement_reconciliation(company, date_from=BASE, date_to=date(2025, 12, 31)) == []


events = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "credit", "payment"]),
        st.integers(0, 2),  # customer
        st.integers(0, 120),  # day
        st.integers(1, 200_000),  # cents
    ),
    max_size=10,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=events, start=st.integers(0, 120), length=st.integers(0, 60))
def test_every_statement_reconciles_whatever_the_history(
    history: list[tuple[str, int, int, int]], start: int, length: int
) -> None:
    # given a random history of invoices, credit notes and payments
    company = CompanyFactory.create()
    customers = [CustomerFactory.create(company=company) for _ in range(3)]
    invoices: dict[int, list] = {0: [], 1: [], 2: []}
    for kind, who, day, cents in history:
        on = BASE + timedelta(days=day)
        amount = Decimal(cents) / 100
        if kind == "invoice" or (kind == "credit" and not invoices[who]):
            invoices[who].append(
                make_invoice(company=company, customer=customers[who], amount=amount, issued_on=on)
            )
        elif kind == "credit":
            target = invoices[who].pop()
            credit_note_issue(
                company=company,
                invoice_id=target.pk,
                actor=None,
                on=max(on, target.issue_date),
            )
        else:
            make_payment(company=company, customer=customers[who], amount=amount, received_on=on)
    date_from = BASE + timedelta(days=start)
    date_to = date_from + timedelta(days=length)

    # when
    rows = statement_reconciliation(company, date_from=date_from, date_to=date_to)

    # then each statement reconciles, and agrees with the balances and the relevé
    assert all(row.reconciles for row in rows)
    balances = {r.customer_id: r.balance for r in customer_balances(company, as_of=date_to)}
    for row in rows:
        assert row.closing == balances.get(row.customer_id, Decimal("0.00"))
        customer = next(c for c in customers if c.pk == row.customer_id)
        statement = customer_statement(company, customer, as_of=date_to, date_from=date_from)
        assert (row.opening, row.closing) == (statement.opening_balance, statement.closing_balance)
