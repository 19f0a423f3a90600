"""Positions: what customers owe at a date, hand-computed and against a sum of the rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.models import Company
from encaisse.core.money import quantize
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    make_invoice,
    make_payment,
)
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import LineData
from encaisse.ledger.positions import (
    Position,
    balances_at,
    customer_balances,
    customer_list,
    customer_position,
    customer_statement,
    open_by_customer,
    open_items,
    open_totals_at,
)
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.services import credit_note_issue, payment_record

D = Decimal
pytestmark = pytest.mark.django_db
BASE = date(2025, 1, 1)


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


# --- the read model, hand-computed -------------------------------------------------------


ON = date(2025, 3, 31)


@pytest.fixture
def ledger(company: Company, other_company: Company) -> dict:
    """Two customers at 31 March, every kind of movement, one of them dated after it.

    Martin: F1 1 000.00 (15 Jan, due 14 Feb) paid 400.00 on 1 Feb and credited 100.00 on
    10 Feb; F2 500.00 (1 Mar, due 31 Mar); F3 300.00 issued 5 Apr (after the date); 200.00
    received 2 Apr for F1 (after the date); an unlinked credit note of 50.00 on 20 Mar.
    Durand: F4 80.00 (10 Jan, due 9 Feb) and a payment of 100.00 on 15 Jan: 20.00 unapplied.
    """
    martin = CustomerFactory.create(company=company, name="Martin", reference="MARTIN")
    durand = CustomerFactory.create(company=company, name="Durand", reference="DURAND")
    f1 = make_invoice(
        company=company,
        customer=martin,
        amount="1000.00",
        issued_on=date(2025, 1, 15),
        vat_rate="0",
    )
    f2 = make_invoice(
        company=company, customer=martin, amount="500.00", issued_on=date(2025, 3, 1), vat_rate="0"
    )
    make_invoice(
        company=company, customer=martin, amount="300.00", issued_on=date(2025, 4, 5), vat_rate="0"
    )
    make_payment(
        company=company,
        customer=martin,
        amount="400.00",
        received_on=date(2025, 2, 1),
        allocate_to={f1.pk: D("400.00")},
    )
    f1_note = credit_note_issue(
        company=company,
        invoice_id=f1.pk,
        actor=None,
        on=date(2025, 2, 10),
        lines=[LineData("Remise", D(1), D("100.00"), D(0))],
    )
    make_payment(
        company=company,
        customer=martin,
        amount="200.00",
        received_on=date(2025, 4, 2),
        allocate_to={f1.pk: D("200.00")},
    )
    unlinked_credit_note(company, martin, on=date(2025, 3, 20), amount=D("50.00"))
    f4 = make_invoice(
        company=company, customer=durand, amount="80.00", issued_on=date(2025, 1, 10), vat_rate="0"
    )
    make_payment(company=company, customer=durand, amount="100.00", received_on=date(2025, 1, 15))
    make_invoice(company=other_company, amount="999.00", issued_on=date(2025, 1, 2))
    return {"martin": martin, "durand": durand, "f1": f1, "f1_note": f1_note, "f2": f2, "f4": f4}


def unlinked_credit_note(company: Company, customer: Customer, *, on: date, amount: D) -> Invoice:
    """A credit note citing no invoice (a goodwill gesture on the account): no service
    issues one, imports do."""
    return Invoice.objects.create(
        company=company,
        customer=customer,
        kind=Invoice.Kind.CREDIT_NOTE,
        status=Invoice.Status.ISSUED,
        number=f"AV-{customer.reference}-{on:%m%d}",
        issue_date=on,
        due_date=on,
        net_amount=amount,
        vat_amount=D(0),
        total_amount=amount,
    )


def test_positions_at_a_date_of_all_customers(company: Company, ledger: dict) -> None:
    # when
    rows = customer_balances(company, as_of=ON)

    # then Martin owes 500 on F1 (1 000 − 400 − 100; the April payment comes later) and 500
    # on F2, less the 50 unlinked credit note; Durand is 20 in credit
    assert [
        (r.reference, r.invoiced, r.open_amount, r.unapplied_credit, r.balance, r.overdue_amount)
        for r in rows
    ] == [
        ("MARTIN", D("1500.00"), D("1000.00"), D("50.00"), D("950.00"), D("500.00")),
        ("DURAND", D("80.00"), D("0.00"), D("20.00"), D("-20.00"), D("0.00")),
    ]
    assert [r.exposure for r in rows] == [D("950.00"), D("0.00")]


def test_position_of_one_customer_and_after_every_movement(company: Company, ledger: dict) -> None:
    # when
    at_date = customer_position(company, ledger["martin"], as_of=ON)
    later = customer_position(company, ledger["martin"], as_of=date(2025, 4, 30))

    # then the April invoice and payment count from April on; F2 is overdue from 1 April
    assert (at_date.open_amount, at_date.balance, at_date.overdue_amount) == (
        D("1000.00"),
        D("950.00"),
        D("500.00"),
    )
    assert (later.invoiced, later.open_amount, later.balance, later.overdue_amount) == (
        D("1800.00"),
        D("1100.00"),
        D("1050.00"),
        D("800.00"),
    )


def test_position_of_a_customer_with_nothing_is_zero(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    assert customer_position(company, customer, as_of=ON) == Position(
        customer.pk, customer.name, customer.reference, *[D("0.00")] * 5
    )


def test_open_items_at_a_date_and_today(company: Company, ledger: dict) -> None:
    # when
    past = open_items(company, on=ON)
    today = open_items(company, on=date(2026, 1, 1))  # read from the stored settlement

    # then
    assert sorted((i.number, i.open_amount) for i in past) == [
        (ledger["f1"].number, D("500.00")),
        (ledger["f2"].number, D("500.00")),
    ]
    assert sorted(i.open_amount for i in today) == [D("300.00"), D("300.00"), D("500.00")]
    every = open_items(company, on=ON, customer_id=ledger["durand"].pk, open_only=False)
    assert [(i.number, i.open_amount) for i in every] == [(ledger["f4"].number, D("0.00"))]


def test_balances_at_and_open_by_customer(company: Company, ledger: dict) -> None:
    martin, durand = ledger["martin"].pk, ledger["durand"].pk
    assert balances_at(company, on=ON) == {martin: D("950.00"), durand: D("-20.00")}
    # on 12 January only Durand's invoice is dated: Martin has no balance at all yet
    assert balances_at(company, on=date(2025, 1, 12)) == {durand: D("80.00")}
    assert balances_at(company, on=ON, customer_id=durand) == {durand: D("-20.00")}
    assert open_by_customer(company, on=ON) == {martin: D("1000.00"), durand: D("0.00")}


def test_overdue_counts_from_the_day_after_the_due_date(company: Company) -> None:
    # given an invoice of 100.00 issued 1 March, due 31 March
    customer = CustomerFactory.create(company=company)
    make_invoice(
        company=company,
        customer=customer,
        amount="100.00",
        vat_rate="0",
        issued_on=date(2025, 3, 1),
    )
    # then it is not overdue on its due date, and is the day after
    assert customer_position(company, customer, as_of=date(2025, 3, 31)).overdue_amount == 0
    assert customer_position(company, customer, as_of=date(2025, 4, 1)).overdue_amount == D(100)
    statement = customer_statement(company, customer, as_of=date(2025, 4, 1))
    assert statement.overdue_amount == D("100.00")


def test_statement_lists_linked_and_unlinked_credit_notes(company: Company, ledger: dict) -> None:
    # when
    statement = customer_statement(company, ledger["martin"], as_of=ON, date_from=date(2025, 2, 5))

    # then
    assert statement.opening_balance == D("600.00")  # F1 − the February payment
    assert [(line.kind, line.label, line.balance) for line in statement.lines] == [
        (
            "credit_note",
            f"{statement.lines[0].label.split()[0]} ({ledger['f1'].number})",
            D("500.00"),
        ),
        ("invoice", ledger["f2"].number, D("1000.00")),
        ("credit_note", "AV-MARTIN-0320", D("950.00")),
    ]
    assert (statement.closing_balance, statement.overdue_amount) == (D("950.00"), D("500.00"))


def test_positions_take_a_fixed_number_of_queries(
    company: Company, django_assert_max_num_queries: Any
) -> None:
    # given twenty customers with an invoice and a partial payment each
    for _ in range(20):
        customer = CustomerFactory.create(company=company)
        make_invoice(company=company, customer=customer, issued_on=date(2025, 1, 10))
        make_payment(company=company, customer=customer, amount="10.00", received_on=ON)
    # then the positions of all of them, at a past date or today, take a handful of queries
    for on in (date(2025, 2, 1), date(2026, 1, 1)):
        with django_assert_max_num_queries(9):
            assert len(customer_balances(company, as_of=on)) == 20
        with django_assert_max_num_queries(4):
            assert len(open_items(company, on=on)) == 20


# --- the read model against a brute-force sum of the rows -----------------------------------

events = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "invoice", "payment", "credit", "unlinked"]),
        st.integers(0, 2),  # customer
        st.integers(0, 150),  # day
        st.integers(1, 100_000),  # cents
        st.booleans(),  # payment: allocated oldest first or not; credit: in full or in part
    ),
    max_size=14,
)


def build_ledger(company: Company, history: list[tuple[str, int, int, int, bool]]) -> list:
    """Write the random history through the services (unlinked credit notes directly)."""
    customers = [CustomerFactory.create(company=company) for _ in range(3)]
    invoices: dict[int, list[Invoice]] = {0: [], 1: [], 2: []}
    for kind, who, day, cents, flag in history:
        on = BASE + timedelta(days=day)
        amount = D(cents) / 100
        if kind == "invoice" or (kind == "credit" and not invoices[who]):
            invoices[who].append(
                make_invoice(
                    company=company,
                    customer=customers[who],
                    amount=amount,
                    vat_rate="0",
                    issued_on=on,
                )
            )
        elif kind == "credit":
            target = invoices[who].pop()
            part = (
                None if flag else [LineData("Geste", D(1), quantize(target.total_amount / 3), D(0))]
            )
            if part is None or part[0].unit_price > 0:
                credit_note_issue(
                    company=company,
                    invoice_id=target.pk,
                    actor=None,
                    on=max(on, target.issue_date or on),
                    lines=part,
                )
        elif kind == "unlinked":
            note = unlinked_credit_note(company, customers[who], on=on, amount=amount)
            note.number = f"AV{note.pk}"
            note.save(update_fields=["number"])
        else:
            payment_record(
                company=company,
                customer=customers[who],
                amount=amount,
                received_on=on,
                actor=None,
                auto_allocate=flag,
            )
    return customers


def brute_force(company: Company, on: date) -> dict[int, dict[str, D]]:
    """Every figure of every customer at `on`, summed in Python over the rows."""
    zero = D("0.00")
    documents = list(Invoice.objects.filter(company=company, status=Invoice.Status.ISSUED))
    payments = list(Payment.objects.filter(company=company))
    allocations = list(Allocation.objects.filter(company=company).select_related("payment"))
    figures: dict[int, dict[str, D]] = {}

    def of(customer_id: int) -> dict[str, D]:
        names = ("invoiced", "credited", "received", "open", "overdue")
        return figures.setdefault(customer_id, dict.fromkeys(names, zero))

    for doc in documents:
        assert doc.issue_date is not None  # issued
        if doc.issue_date > on:
            continue
        row = of(doc.customer_id)
        if doc.is_credit_note:
            row["credited"] += doc.total_amount
            continue
        row["invoiced"] += doc.total_amount
        left = doc.total_amount
        left -= sum(
            (
                a.amount
                for a in allocations
                if a.invoice_id == doc.pk and a.payment.received_on <= on
            ),
            zero,
        )
        left -= sum(
            (
                n.total_amount
                for n in documents
                if n.credited_invoice_id == doc.pk and (n.issue_date or on) <= on
            ),
            zero,
        )
        row["open"] += left
        if doc.due_date and doc.due_date < on:
            row["overdue"] += left
    for payment in payments:
        if payment.received_on <= on:
            of(payment.customer_id)["received"] += payment.amount
    for row in figures.values():
        row["balance"] = row["invoiced"] - row["credited"] - row["received"]
    return figures


def brute_open_items(company: Company, on: date) -> list[tuple[int, D]]:
    return sorted(
        (
            doc.pk,
            doc.total_amount
            - sum((a.amount for a in doc.allocations.all() if a.payment.received_on <= on), D(0))
            - sum(
                (
                    n.total_amount
                    for n in Invoice.objects.filter(
                        credited_invoice=doc, status=Invoice.Status.ISSUED, issue_date__lte=on
                    )
                ),
                D(0),
            ),
        )
        for doc in Invoice.objects.filter(
            company=company,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.ISSUED,
            issue_date__lte=on,
        )
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=events, cutoff=st.integers(0, 160))
def test_every_figure_is_the_sum_of_the_rows(
    history: list[tuple[str, int, int, int, bool]], cutoff: int
) -> None:
    # given a random ledger, and another company's beside it
    company = CompanyFactory.create()
    customers = build_ledger(company, history)
    build_ledger(CompanyFactory.create(), history[:4])

    # a random date, a month end, and one after every movement (read from stored figures)
    for on in (BASE + timedelta(days=cutoff), date(2025, 3, 31), date(2026, 1, 1)):
        want = brute_force(company, on)

        # then every customer's position is the sum of the rows, for all and for one
        got = {r.customer_id: r for r in customer_balances(company, as_of=on, only_nonzero=False)}
        assert set(got) == set(want)
        for cid, row in got.items():
            w = want[cid]
            assert (row.invoiced, row.open_amount, row.balance, row.overdue_amount) == (
                w["invoiced"],
                w["open"],
                w["balance"],
                w["overdue"],
            )
            assert row.unapplied_credit == w["open"] - w["balance"]
            assert row.exposure == max(w["balance"], D(0))
        nonzero = {r.customer_id for r in customer_balances(company, as_of=on)}
        assert nonzero == {c for c, w in want.items() if w["open"] or w["balance"]}
        assert balances_at(company, on=on) == {c: w["balance"] for c, w in want.items()}
        assert {c: v for c, v in open_by_customer(company, on=on).items() if v} == {
            c: w["open"] for c, w in want.items() if w["open"]
        }
        items = brute_open_items(company, on)
        assert (
            sorted(
                (i.invoice_id, i.open_amount) for i in open_items(company, on=on, open_only=False)
            )
            == items
        )
        assert sorted((i.invoice_id, i.open_amount) for i in open_items(company, on=on)) == [
            (pk, amount) for pk, amount in items if amount > 0
        ]
        for customer in customers:
            figures = want.get(customer.pk, {})
            one = customer_position(company, customer, as_of=on)
            assert one.balance == figures.get("balance", 0)
            assert one.overdue_amount == figures.get("overdue", 0)
            statement = customer_statement(company, customer, as_of=on, date_from=BASE)
            assert statement.closing_balance == one.balance
            assert statement.overdue_amount == one.overdue_amount
            assert statement.opening_balance == D("0.00")

    # and the ledger's open total at month ends is the sum of the open items then
    ends = [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 5, 31)]
    assert open_totals_at(company, ends) == [
        sum((amount for _pk, amount in brute_open_items(company, end)), D("0.00")) for end in ends
    ]
