"""`dunning_pauses`: what is paused on a day, and why, per invoice and per customer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from encaisse.collection.models import Dispute
from encaisse.collection.pauses import DunningPauses, Pause, PauseReason
from encaisse.collection.selectors import dunning_pauses
from encaisse.collection.services import (
    customer_hold_set,
    dispute_open,
    dispute_resolve,
    promise_create,
    promises_settle,
)
from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice

D = Decimal
pytestmark = pytest.mark.django_db
ISSUED = date(2025, 4, 15)


def _invoice(company: Company, customer: Customer | None = None) -> Invoice:
    return make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)


def test_nothing_paused(company: Company) -> None:
    _invoice(company)
    assert dunning_pauses(company, date(2025, 6, 2)) == DunningPauses(on=date(2025, 6, 2))


def test_open_disputes_pause_their_invoice_with_the_disputed_amount(company: Company) -> None:
    # given two disputes on one invoice, one resolved dispute on another
    invoice, other = _invoice(company), _invoice(company)
    for amount in ("20.00", "30.00"):
        dispute_open(
            company=company,
            invoice_id=invoice.pk,
            reason=Dispute.Reason.PRICE,
            amount=D(amount),
            actor=None,
            on=date(2025, 5, 20),
        )
    resolved = dispute_open(
        company=company,
        invoice_id=other.pk,
        reason=Dispute.Reason.DUPLICATE,
        actor=None,
        on=date(2025, 5, 20),
    )
    dispute_resolve(company=company, dispute_id=resolved.pk, actor=None, on=date(2025, 5, 21))
    # when
    pauses = dunning_pauses(company, date(2025, 6, 2))
    # then only the open ones pause, for their sum
    assert pauses.invoices == {invoice.pk: (Pause(PauseReason.DISPUTE, amount=D("50.00")),)}
    assert pauses.customers == {}
    assert pauses.disputed_invoice_ids() == {invoice.pk}


@pytest.mark.parametrize(
    ("_case", "on", "paused"),
    [
        ("before the promised day", date(2025, 5, 16), True),
        ("last day of grace", date(2025, 5, 23), True),
        ("day after grace", date(2025, 5, 24), False),
    ],
)
def test_promise_pauses_up_to_its_date_plus_grace(
    company: Company, _case: str, on: date, paused: bool
) -> None:
    # given a promise for 20 May (3 days of grace) naming one invoice, one for all of another
    # customer's invoices
    named = _invoice(company)
    whole = CustomerFactory.create(company=company)
    _invoice(company, whole)
    for customer, ids in ((named.customer, [named.pk]), (whole, [])):
        promise_create(
            company=company,
            customer=customer,
            promised_on=date(2025, 5, 20),
            amount=D("120.00"),
            actor=None,
            on=date(2025, 5, 15),
            invoice_ids=ids,
        )
    # when
    pauses = dunning_pauses(company, on)
    # then
    promise = (Pause(PauseReason.PROMISE, until=date(2025, 5, 23)),)
    assert pauses.invoices == ({named.pk: promise} if paused else {})
    assert pauses.customers == ({whole.pk: promise} if paused else {})


def test_a_settled_promise_pauses_nothing(company: Company) -> None:
    invoice = _invoice(company)
    promise_create(
        company=company,
        customer=invoice.customer,
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 15),
    )
    promises_settle(company=company, on=date(2025, 5, 24))  # broken
    assert dunning_pauses(company, date(2025, 5, 20)) == DunningPauses(on=date(2025, 5, 20))


def test_two_promises_pause_to_the_later_end(company: Company) -> None:
    invoice = _invoice(company)
    for promised_on in (date(2025, 5, 20), date(2025, 5, 27)):
        promise_create(
            company=company,
            customer=invoice.customer,
            promised_on=promised_on,
            amount=D("60.00"),
            actor=None,
            on=date(2025, 5, 15),
        )
    pauses = dunning_pauses(company, date(2025, 5, 16))
    assert pauses.customers == {
        invoice.customer_id: (Pause(PauseReason.PROMISE, until=date(2025, 5, 30)),)
    }


@pytest.mark.parametrize(
    ("_case", "until", "on", "paused"),
    [
        ("without end", None, date(2025, 12, 31), True),
        ("before the end", date(2025, 6, 30), date(2025, 6, 29), True),
        ("on the last day", date(2025, 6, 30), date(2025, 6, 30), True),
        ("the day after", date(2025, 6, 30), date(2025, 7, 1), False),
    ],
)
def test_hold_pauses_the_customer_until_its_end_inclusive(
    company: Company, _case: str, until: date | None, on: date, paused: bool
) -> None:
    customer = CustomerFactory.create(company=company)
    _invoice(company, customer)
    customer_hold_set(
        company=company, customer_id=customer.pk, reason="Négociation", until=until, actor=None
    )
    pauses = dunning_pauses(company, on)
    hold = (Pause(PauseReason.HOLD, until=until, note="Négociation"),)
    assert pauses.customers == ({customer.pk: hold} if paused else {})
    assert pauses.invoices == {}


def test_reasons_add_up_for_one_invoice(company: Company) -> None:
    # given a disputed invoice of a customer on hold
    invoice = _invoice(company)
    dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.QUALITY,
        actor=None,
        on=date(2025, 5, 20),
    )
    customer_hold_set(
        company=company, customer_id=invoice.customer_id, reason="Litige", until=None, actor=None
    )
    # when
    found = dunning_pauses(company, date(2025, 6, 2)).for_invoice(
        invoice.pk, customer_id=invoice.customer_id
    )
    # then
    assert [p.reason for p in found] == [PauseReason.DISPUTE, PauseReason.HOLD]


def test_another_company_is_not_read(company: Company, other_company: Company) -> None:
    invoice = _invoice(other_company)
    dispute_open(
        company=other_company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.OTHER,
        actor=None,
        on=date(2025, 5, 20),
    )
    customer_hold_set(
        company=other_company,
        customer_id=invoice.customer_id,
        reason="x",
        until=None,
        actor=None,
    )
    assert dunning_pauses(company, date(2025, 6, 2)) == DunningPauses(on=date(2025, 6, 2))


def test_a_fixed_number_of_queries(company: Company) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            dunning_pauses(company, date(2025, 5, 16))
        return len(queries)

    def add() -> None:
        invoice = _invoice(company)
        dispute_open(
            company=company,
            invoice_id=invoice.pk,
            reason=Dispute.Reason.OTHER,
            amount=D("1.00"),
            actor=None,
            on=date(2025, 5, 15),
        )
        promise_create(
            company=company,
            customer=invoice.customer,
            promised_on=date(2025, 5, 20),
            amount=D("10.00"),
            actor=None,
            on=date(2025, 5, 15),
            invoice_ids=[invoice.pk],
        )
        customer_hold_set(
            company=company, customer_id=invoice.customer_id, reason="x", until=None, actor=None
        )

    add()
    small = count()
    for _ in range(5):
        add()
    assert count() == small == 4


def test_pauses_module_examples() -> None:
    import doctest

    from encaisse.collection import pauses

    assert doctest.testmod(pauses).failed == 0
