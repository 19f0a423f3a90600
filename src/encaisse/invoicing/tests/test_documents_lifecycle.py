"""E-invoicing lifecycle statuses: recorded by staff or the API, 212 when fully paid."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.tests.factories import make_payment
from encaisse.invoicing.documents.lifecycle import lifecycle_record
from encaisse.invoicing.models import LifecycleEvent
from encaisse.invoicing.tests.documents_helpers import issue_invoice, make_buyer
from encaisse.payments.services import payment_allocate

pytestmark = pytest.mark.django_db


def test_statuses_are_recorded_with_date_and_source(company: Company) -> None:
    invoice = issue_invoice(company, make_buyer(company))
    for status, on in (("200", date(2025, 3, 10)), ("202", date(2025, 3, 11))):
        lifecycle_record(
            company=company,
            invoice_id=invoice.pk,
            status=status,
            on=on,
            actor=None,
            source=LifecycleEvent.Source.API,
            platform="PA Exemple",
        )
    assert list(
        LifecycleEvent.objects.filter(invoice=invoice).values_list(
            "status", "occurred_on", "source", "platform"
        )
    ) == [
        ("200", date(2025, 3, 10), "api", "PA Exemple"),
        ("202", date(2025, 3, 11), "api", "PA Exemple"),
    ]


@pytest.mark.parametrize(
    ("_case", "status", "on", "amount", "code"),
    [
        ("unknown code", "299", date(2025, 3, 12), None, "lifecycle_status"),
        ("before issue", "200", date(2025, 3, 9), None, "lifecycle_date"),
        ("amount above total", "212", date(2025, 3, 12), Decimal("5000.00"), "lifecycle_amount"),
    ],
)
def test_bad_status_is_refused(
    company: Company, _case: str, status: str, on: date, amount: Decimal | None, code: str
) -> None:
    invoice = issue_invoice(company, make_buyer(company))
    with pytest.raises(DomainError) as exc:
        lifecycle_record(
            company=company, invoice_id=invoice.pk, status=status, on=on, amount=amount, actor=None
        )
    assert exc.value.code == code
    assert LifecycleEvent.objects.count() == 0


def test_full_payment_records_encaissee_with_the_payment_date(company: Company) -> None:
    # given an invoice of 1 143,27 EUR
    customer = make_buyer(company)
    invoice = issue_invoice(company, customer)
    # when it is paid in two parts
    make_payment(company=company, customer=customer, amount="500.00", received_on=date(2025, 4, 1))
    assert not LifecycleEvent.objects.filter(invoice=invoice).exists()
    second = make_payment(
        company=company,
        customer=customer,
        amount="643.27",
        received_on=date(2025, 4, 20),
        auto_allocate=False,
    )
    payment_allocate(
        company=company, payment_id=second.pk, amounts={invoice.pk: Decimal("643.27")}, actor=None
    )
    # then 212 "Encaissée" is recorded once, on the date of the payment that settled it
    [event] = LifecycleEvent.objects.filter(invoice=invoice)
    assert (event.status, event.occurred_on, event.amount, event.source) == (
        "212",
        date(2025, 4, 20),
        Decimal("1143.27"),
        "system",
    )
