"""Disputes: opened on all or part of an invoice's open amount, resolved or rejected, with an
audit row each time; `Invoice.disputed` follows the open disputes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from encaisse.collection.models import Dispute
from encaisse.collection.services import (
    dispute_open,
    dispute_reject,
    dispute_resolve,
    disputes_open_bulk,
    invoice_disputes_resolve,
)
from encaisse.core.exceptions import DomainError
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import CustomerFactory, UserFactory, make_invoice, make_payment
from encaisse.invoicing.models import Invoice

D = Decimal
pytestmark = pytest.mark.django_db
ISSUED = date(2025, 4, 15)
ON = date(2025, 6, 2)


def _invoice(company: Company, amount: str = "1000.00") -> Invoice:
    """An invoice of `amount` excl. VAT, 20 % VAT: 1 000.00 → 1 200.00 to pay."""
    return make_invoice(company=company, amount=amount, issued_on=ISSUED)


def _kinds(company: Company) -> list[str]:
    return list(
        AuditEvent.objects.filter(company=company, kind__startswith="collection.")
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_open_a_part_of_an_invoice(company: Company) -> None:
    # given an invoice of 1 200.00, 200.00 of it paid
    invoice = _invoice(company)
    make_payment(company=company, customer=invoice.customer, amount="200.00")
    owner = UserFactory.create()
    # when the customer contests 300.005 of the price
    dispute = dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.PRICE,
        amount=D("300.005"),
        text="  Remise oubliée  ",
        owner=owner,
        due_on=date(2025, 6, 30),
        actor=None,
        on=ON,
    )
    # then the dispute holds the amount rounded half up, and the invoice is flagged
    dispute.refresh_from_db()
    invoice.refresh_from_db()
    assert (
        dispute.amount,
        dispute.reason,
        dispute.reason_text,
        dispute.owner,
        dispute.opened_on,
        dispute.due_on,
        dispute.status,
        dispute.resolved_on,
    ) == (D("300.01"), "price", "Remise oubliée", owner, ON, date(2025, 6, 30), "open", None)
    assert invoice.disputed
    event = AuditEvent.objects.get(company=company, kind="collection.dispute_opened")
    assert (event.subject_id, event.after) == (
        invoice.pk,
        {
            "dispute": dispute.pk,
            "amount": "300.01",
            "reason": "price",
            "text": "Remise oubliée",
            "status": "open",
        },
    )


def test_open_without_amount_takes_the_whole_open_amount(company: Company) -> None:
    invoice = _invoice(company)
    make_payment(company=company, customer=invoice.customer, amount="200.00")
    dispute = dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.NOT_DELIVERED,
        actor=None,
        on=ON,
    )
    assert dispute.amount == D("1000.00")


def test_the_whole_open_amount_may_be_disputed(company: Company) -> None:
    invoice = _invoice(company)
    dispute = dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.QUALITY,
        amount=D("1200.00"),
        actor=None,
        on=ON,
    )
    assert dispute.amount == D("1200.00")


@pytest.mark.parametrize(
    ("_case", "amount", "code"),
    [
        ("more than open", D("1000.01"), "dispute_amount"),
        ("zero", D("0.00"), "dispute_amount"),
        ("negative", D("-5.00"), "dispute_amount"),
        ("rounds to zero", D("0.004"), "dispute_amount"),
    ],
)
def test_refused_amounts_write_nothing(
    company: Company, _case: str, amount: Decimal, code: str
) -> None:
    # given an invoice with 1 000.00 open
    invoice = _invoice(company)
    make_payment(company=company, customer=invoice.customer, amount="200.00")
    audits = AuditEvent.objects.count()
    # when
    with pytest.raises(DomainError) as raised:
        dispute_open(
            company=company,
            invoice_id=invoice.pk,
            reason=Dispute.Reason.PRICE,
            amount=amount,
            actor=None,
            on=ON,
        )
    # then
    assert raised.value.code == code
    invoice.refresh_from_db()
    assert (Dispute.objects.count(), AuditEvent.objects.count(), invoice.disputed) == (
        0,
        audits,
        False,
    )


@pytest.mark.parametrize(
    ("_case", "setup", "reason", "code"),
    [
        ("paid invoice", "paid", Dispute.Reason.PRICE, "dispute_nothing_owed"),
        ("draft", "draft", Dispute.Reason.PRICE, "dispute_not_issued"),
        ("unknown reason", "", "mood", "dispute_reason"),
        ("other company", "other", Dispute.Reason.PRICE, "invoice_unknown"),
    ],
)
def test_refused_invoices_write_nothing(
    company: Company, other_company: Company, _case: str, setup: str, reason: str, code: str
) -> None:
    invoice = _invoice(other_company if setup == "other" else company)
    if setup == "paid":
        make_payment(company=company, customer=invoice.customer, amount="1200.00")
    if setup == "draft":
        invoice = make_invoice(company=company, issued_on=None)
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as raised:
        dispute_open(company=company, invoice_id=invoice.pk, reason=reason, actor=None, on=ON)
    assert raised.value.code == code
    assert (Dispute.objects.count(), AuditEvent.objects.count()) == (0, audits)
    assert not Invoice.objects.filter(disputed=True).exists()


def test_flag_stays_while_one_of_two_disputes_is_open(company: Company) -> None:
    # given two disputes on one invoice
    invoice = _invoice(company)
    price = dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.PRICE,
        amount=D("100.00"),
        actor=None,
        on=ON,
    )
    quantity = dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.QUANTITY,
        amount=D("50.00"),
        actor=None,
        on=ON,
    )
    # when the first is resolved
    dispute_resolve(
        company=company,
        dispute_id=price.pk,
        resolution="Avoir de 100 €",
        actor=None,
        on=date(2025, 6, 5),
    )
    # then the invoice is still disputed
    invoice.refresh_from_db()
    assert invoice.disputed
    # when the second is rejected
    dispute_reject(
        company=company,
        dispute_id=quantity.pk,
        resolution="Bon de livraison signé",
        actor=None,
        on=date(2025, 6, 6),
    )
    # then no dispute is open and the flag is cleared
    invoice.refresh_from_db()
    assert not invoice.disputed
    assert list(
        Dispute.objects.order_by("id").values_list("status", "resolution", "resolved_on")
    ) == [
        ("resolved", "Avoir de 100 €", date(2025, 6, 5)),
        ("rejected", "Bon de livraison signé", date(2025, 6, 6)),
    ]
    assert _kinds(company) == [
        "collection.dispute_opened",
        "collection.dispute_opened",
        "collection.dispute_resolved",
        "collection.dispute_rejected",
    ]
    rejected = AuditEvent.objects.get(kind="collection.dispute_rejected")
    assert (rejected.subject_id, rejected.before, rejected.after) == (
        invoice.pk,
        {"status": "open"},
        {"status": "rejected", "dispute": quantity.pk, "resolution": "Bon de livraison signé"},
    )


@pytest.mark.parametrize(
    ("_case", "closed", "on", "code"),
    [
        ("already resolved", True, date(2025, 6, 5), "dispute_closed"),
        ("before it was opened", False, date(2025, 6, 1), "dispute_date"),
    ],
)
def test_closing_refused_writes_nothing(
    company: Company, _case: str, closed: bool, on: date, code: str
) -> None:
    invoice = _invoice(company)
    dispute = dispute_open(
        company=company, invoice_id=invoice.pk, reason=Dispute.Reason.OTHER, actor=None, on=ON
    )
    if closed:
        dispute_resolve(company=company, dispute_id=dispute.pk, actor=None, on=ON)
    before = list(Dispute.objects.values_list("status", "resolved_on"))
    audits = AuditEvent.objects.count()
    with pytest.raises(DomainError) as raised:
        dispute_reject(company=company, dispute_id=dispute.pk, actor=None, on=on)
    assert raised.value.code == code
    assert list(Dispute.objects.values_list("status", "resolved_on")) == before
    assert AuditEvent.objects.count() == audits


def test_another_companys_dispute_is_unknown(company: Company, other_company: Company) -> None:
    invoice = _invoice(other_company)
    dispute = dispute_open(
        company=other_company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.OTHER,
        actor=None,
        on=ON,
    )
    with pytest.raises(DomainError) as raised:
        dispute_resolve(company=company, dispute_id=dispute.pk, actor=None, on=ON)
    assert raised.value.code == "dispute_unknown"
    dispute.refresh_from_db()
    assert dispute.status == Dispute.Status.OPEN


def test_clearing_an_invoice_resolves_its_open_disputes(company: Company) -> None:
    invoice = _invoice(company)
    for reason in (Dispute.Reason.PRICE, Dispute.Reason.QUALITY):
        dispute_open(
            company=company,
            invoice_id=invoice.pk,
            reason=reason,
            amount=D("10.00"),
            actor=None,
            on=ON,
        )
    resolved = invoice_disputes_resolve(
        company=company, invoice_id=invoice.pk, actor=None, on=date(2025, 6, 3)
    )
    invoice.refresh_from_db()
    assert (len(resolved), invoice.disputed) == (2, False)
    assert set(Dispute.objects.values_list("status", flat=True)) == {"resolved"}


def test_bulk_opening_passes_over_paid_credit_notes_and_already_disputed(
    company: Company,
) -> None:
    # given an open invoice, a paid one, one already disputed
    customer = CustomerFactory.create(company=company)
    open_ = make_invoice(company=company, customer=customer, amount="100.00", issued_on=ISSUED)
    paid = make_invoice(company=company, amount="100.00", issued_on=ISSUED)
    make_payment(company=company, customer=paid.customer, amount="120.00")
    disputed = make_invoice(company=company, amount="100.00", issued_on=ISSUED)
    dispute_open(
        company=company, invoice_id=disputed.pk, reason=Dispute.Reason.PRICE, actor=None, on=ON
    )
    # when the three are opened in bulk
    created = disputes_open_bulk(
        company=company,
        texts={open_.pk: " importé ", paid.pk: "", disputed.pk: ""},
        actor=None,
        on=ON,
    )
    # then one dispute, on the whole open amount, with its audit row
    assert [(d.invoice_id, d.amount, d.reason, d.reason_text) for d in created] == [
        (open_.pk, D("120.00"), "other", "importé")
    ]
    assert set(Invoice.objects.filter(disputed=True).values_list("pk", flat=True)) == {
        open_.pk,
        disputed.pk,
    }
    assert Dispute.objects.filter(invoice=disputed).count() == 1
    assert _kinds(company) == ["collection.dispute_opened", "collection.dispute_opened"]


def test_the_database_refuses_a_non_positive_amount(company: Company) -> None:
    invoice = _invoice(company)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dispute.objects.create(
            company=company,
            invoice=invoice,
            amount=D("0.00"),
            reason=Dispute.Reason.OTHER,
            opened_on=ON,
        )
