"""The settlement stored on invoices equals what their allocations and credit notes say, after
any sequence of services and after every bulk writer (demo, invoice import, FEC import)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.cli.demo.plan import DemoConfig, DemoPlan
from encaisse.cli.demo.writer import demo_write
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.tests.factories import CompanyFactory, CustomerFactory, make_invoice
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_list, with_open_amount
from encaisse.invoicing.services import credit_lines_for_amount
from encaisse.ledger import positions
from encaisse.ledger.invoice_import import invoice_import
from encaisse.ledger.services import fec_import
from encaisse.ledger.tests.fecdata import LEDGER
from encaisse.payments.models import Allocation
from encaisse.payments.services import allocation_undo, credit_note_issue, payment_record
from encaisse.payments.settlement import settlement_mismatches, settlement_refresh

pytestmark = pytest.mark.django_db

D = Decimal
DAY = date(2025, 3, 1)
INVOICE_FIXTURES = Path(__file__).parents[2] / "invoicing" / "tests" / "fixtures"


def open_amounts(company: Company) -> dict[str, Decimal]:
    qs = with_open_amount(Invoice.objects.filter(company=company, kind=Invoice.Kind.INVOICE))
    return {i.number: i.open_amount for i in qs}


def test_payments_undo_and_credit_notes_keep_the_stored_settlement(company: Company) -> None:
    # given an invoice of 1 200.00 TTC
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="1000.00", issued_on=DAY)

    # when 700.00 is paid, then 400.00 credited (100.00 of the payment goes back to credit)
    payment = payment_record(
        company=company, customer=customer, amount=D("700.00"), received_on=DAY, actor=None
    )
    assert open_amounts(company) == {invoice.number: D("500.00")}
    credit_note_issue(
        company=company,
        invoice_id=invoice.pk,
        actor=None,
        on=DAY,
        lines=credit_lines_for_amount(invoice, D("600.00")),
    )

    # then the invoice is settled: 600.00 paid, 600.00 credited
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.paid_total, stored.credited_total) == (D("600.00"), D("600.00"))
    assert open_amounts(company) == {invoice.number: D("0.00")}
    # and undoing the allocation opens it again
    allocation_undo(company=company, allocation_id=payment.allocations.get().pk, actor=None)
    assert open_amounts(company) == {invoice.number: D("600.00")}
    assert settlement_mismatches(company) == []


operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "credit", "undo"]),
        st.integers(0, 3),  # which invoice (or allocation)
        st.integers(1, 150_000),  # cents
    ),
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(totals=st.lists(st.integers(1, 100_000), min_size=1, max_size=4), steps=operations)
def test_any_sequence_of_services_keeps_the_stored_settlement(
    totals: list[int], steps: list[tuple[str, int, int]]
) -> None:
    company = CompanyFactory.create()
    customer = CustomerFactory.create(company=company)
    invoices = [
        make_invoice(company=company, customer=customer, amount=D(c) / 100, issued_on=DAY)
        for c in totals
    ]
    for day, (op, index, cents) in enumerate(steps, start=1):
        on = DAY + timedelta(days=day)
        amount = D(cents) / 100
        invoice = invoices[index % len(invoices)]
        try:
            if op == "pay":
                payment_record(
                    company=company,
                    customer=customer,
                    amount=amount,
                    received_on=on,
                    actor=None,
                    allocate_to={invoice.pk: amount},
                )
            elif op == "credit":
                credit_note_issue(
                    company=company,
                    invoice_id=invoice.pk,
                    actor=None,
                    on=on,
                    lines=credit_lines_for_amount(invoice, amount),
                )
            else:
                allocations = list(Allocation.objects.filter(company=company).order_by("pk"))
                if allocations:
                    allocation = allocations[index % len(allocations)]
                    allocation_undo(company=company, allocation_id=allocation.pk, actor=None)
        except DomainError:
            pass  # refused (more than what is left): nothing written
        assert settlement_mismatches(company) == [], (op, index, cents)
    for number, open_amount in open_amounts(company).items():
        assert D("0.00") <= open_amount, number


def test_a_demo_company_is_written_with_its_settlement() -> None:
    plan = DemoPlan(DemoConfig(customers=10, invoices=800, seed=3, today=date(2026, 3, 15)))
    company = demo_write(plan, slug="demo-settled").company

    assert Allocation.objects.filter(company=company).exists()
    assert Invoice.objects.filter(company=company, credited_invoice__isnull=False).exists()
    assert settlement_mismatches(company) == []


def test_imports_write_the_settlement_of_what_they_create(company: Company) -> None:
    csv_result = invoice_import(
        company=company,
        content=(INVOICE_FIXTURES / "import_fr.csv").read_bytes(),
        filename="import_fr.csv",
        actor=None,
        on=DAY,
    )
    fec_result = fec_import(
        company=company, source=LEDGER, filename="732829320FEC20251231.txt", actor=None, on=DAY
    )

    assert csv_result.payments_created
    assert fec_result.allocations
    assert settlement_mismatches(company) == []


@pytest.mark.parametrize("field", ["paid_total", "credited_total"])
def test_a_stale_stored_settlement_is_found_and_refreshed(company: Company, field: str) -> None:
    # given an invoice of 120.00 TTC, 50.00 paid and 24.00 credited
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="100.00", issued_on=DAY)
    payment_record(
        company=company, customer=customer, amount=D("50.00"), received_on=DAY, actor=None
    )
    credit_note_issue(
        company=company,
        invoice_id=invoice.pk,
        actor=None,
        on=DAY,
        lines=credit_lines_for_amount(invoice, D("24.00")),
    )

    # when one stored sum goes stale (a writer that forgot the refresh)
    Invoice.objects.filter(pk=invoice.pk).update(**{field: D("0.00")})

    # then the check finds it, and a refresh of the company mends it
    assert settlement_mismatches(company) == [invoice.pk]
    assert settlement_refresh(company) == 1
    assert settlement_mismatches(company) == []
    assert open_amounts(company) == {invoice.number: D("46.00")}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize(
    "query",
    [
        lambda c: invoice_list(c, status="open"),
        lambda c: invoice_list(c, overdue_on=today()),
        lambda c: positions._open_invoices(c, today()),
    ],
    ids=["open list", "overdue list", "analytics open items"],
)
def test_queries_on_open_invoices_match_the_partial_index(company: Company, query) -> None:
    # the index holds only rows its predicate proves: a filter written otherwise cannot use it
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query(company).order_by("due_date").explain()

    assert "invoice_open" in plan
