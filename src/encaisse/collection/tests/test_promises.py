"""Promises judged once their date plus grace has passed: kept when nothing they covered is
owed, broken otherwise, one audit row each; broken ones wait on the worklist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from encaisse.collection.models import Promise
from encaisse.collection.selectors import promises_broken_unhandled
from encaisse.collection.services import promise_create, promise_follow_up, promises_settle
from encaisse.core.exceptions import DomainError
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Customer

D = Decimal
pytestmark = pytest.mark.django_db
ISSUED = date(2025, 4, 15)


def _promise(company: Company, customer: Customer, **kwargs) -> Promise:
    """A promise of 20 May 2025 with the default 3 days of grace: it runs to the 23rd."""
    return promise_create(
        company=company,
        customer=customer,
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 15),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("_case", "on", "state"),
    [
        ("on the promised day", date(2025, 5, 20), "open"),
        ("last day of grace", date(2025, 5, 23), "open"),
        ("day after grace", date(2025, 5, 24), "broken"),
    ],
)
def test_unpaid_promise_breaks_the_day_after_its_grace(
    company: Company, _case: str, on: date, state: str
) -> None:
    # given an unpaid invoice and a promise for it
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    promise = _promise(company, customer)
    # when promises are settled on `on`
    result = promises_settle(company=company, on=on)
    # then
    promise.refresh_from_db()
    assert promise.state == state
    assert result.broken == ([promise.pk] if state == "broken" else [])


def test_paid_promise_is_kept_with_an_audit_row(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    promise = _promise(company, customer)
    make_payment(company=company, customer=customer, amount="120.00", received_on=date(2025, 5, 21))
    # when
    result = promises_settle(company=company, on=date(2025, 5, 24))
    # then
    promise.refresh_from_db()
    assert (promise.state, promise.closed_on, result.kept) == (
        "kept",
        date(2025, 5, 24),
        [promise.pk],
    )
    event = AuditEvent.objects.get(kind="collection.promise_closed")
    assert (event.subject_id, event.before, event.after) == (
        customer.pk,
        {"state": "open"},
        {"state": "kept", "promise": promise.pk, "on": "2025-05-24"},
    )
    assert promises_broken_unhandled(company) == []


def test_grace_days_move_the_end(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    promise = _promise(company, customer, grace_days=0)
    assert promises_settle(company=company, on=date(2025, 5, 20)).broken == []
    assert promises_settle(company=company, on=date(2025, 5, 21)).broken == [promise.pk]


def test_a_promise_naming_invoices_is_judged_on_them_only(company: Company) -> None:
    # given two unpaid invoices; the promise names the first, which is then paid
    customer = CustomerFactory.create(company=company)
    named = make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    make_invoice(company=company, customer=customer, amount="500.00", issued_on=ISSUED)
    promise = _promise(company, customer, invoice_ids=[named.pk])
    make_payment(
        company=company,
        customer=customer,
        amount="120.00",
        received_on=date(2025, 5, 21),
        allocate_to={named.pk: D("120.00")},
    )
    # when
    promises_settle(company=company, on=date(2025, 5, 24))
    # then kept: what it covered is paid, whatever else the customer owes
    promise.refresh_from_db()
    assert promise.state == "kept"


def test_settling_twice_changes_nothing(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    _promise(company, customer)
    promises_settle(company=company, on=date(2025, 5, 24))
    audits = AuditEvent.objects.count()
    result = promises_settle(company=company, on=date(2025, 5, 25))
    assert (result.kept, result.broken, AuditEvent.objects.count()) == ([], [], audits)


def test_broken_promise_waits_on_the_worklist_until_followed_up(company: Company) -> None:
    # given a broken promise
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    promise = _promise(company, customer, contact_name="M. Martin")
    promises_settle(company=company, on=date(2025, 5, 24))
    assert promises_broken_unhandled(company) == [promise]
    # when someone follows it up
    promise_follow_up(company=company, promise_id=promise.pk, actor=None, on=date(2025, 5, 26))
    # then it leaves the worklist, and cannot be followed up twice
    assert promises_broken_unhandled(company) == []
    with pytest.raises(DomainError):
        promise_follow_up(company=company, promise_id=promise.pk, actor=None, on=date(2025, 5, 27))
    promise.refresh_from_db()
    assert promise.followed_up_on == date(2025, 5, 26)


def test_a_newer_promise_handles_the_broken_one(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    _promise(company, customer)
    promises_settle(company=company, on=date(2025, 5, 24))
    promise_create(
        company=company,
        customer=customer,
        promised_on=date(2025, 6, 2),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 26),
    )
    assert promises_broken_unhandled(company) == []


def test_another_companys_broken_promise_is_not_listed(
    company: Company, other_company: Company
) -> None:
    customer = CustomerFactory.create(company=other_company)
    make_invoice(company=other_company, customer=customer, amount="100.00", issued_on=ISSUED)
    _promise(other_company, customer)
    promises_settle(company=company, on=date(2025, 5, 24))
    promises_settle(company=other_company, on=date(2025, 5, 24))
    assert promises_broken_unhandled(company) == []
    assert len(promises_broken_unhandled(other_company)) == 1
