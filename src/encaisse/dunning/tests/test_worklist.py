"""People in the loop: approval, skip, call outcomes, and penalty decisions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from encaisse.collection.models import Dispute, Promise
from encaisse.core.exceptions import DomainError
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import make_payment
from encaisse.customers.models import Customer
from encaisse.dunning.models import PenaltyDecision, Reminder
from encaisse.dunning.services import (
    deliver_pending,
    dunning_run,
    invoice_claim,
    penalty_decide,
    reminder_approve,
    reminder_call_outcome,
    reminder_mark_sent,
    reminder_resend,
    reminder_skip,
)
from encaisse.dunning.tests.conftest import Inbox, invoice_for

D = Decimal
pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2025-07-01T09:00:00+02:00")


@pytest.fixture
def call(company: Company, garage: Customer) -> Reminder:
    """A J+45 call task: the invoice due 15 May, nothing sent before, run on 30 June."""
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=date(2025, 6, 30))
    return Reminder.objects.get(channel="phone")


def test_call_with_a_promise_pauses_dunning(company: Company, call: Reminder) -> None:
    # when the call gets a promise to pay 1 200.00 by 10 July
    reminder_call_outcome(
        company=company,
        reminder_id=call.pk,
        outcome="promise",
        actor=None,
        on=date(2025, 7, 1),
        now=NOW,
        promised_on=date(2025, 7, 10),
        promised_amount=D("1200.00"),
        contact_name="M. Martin",
    )
    # then the call is done, the promise recorded for the invoice, on the customer timeline
    call.refresh_from_db()
    assert (call.state, call.outcome, call.sent_at) == ("sent", "promise", NOW)
    promise = Promise.objects.get()
    assert (promise.promised_on, promise.amount, promise.contact_name) == (
        date(2025, 7, 10),
        D("1200.00"),
        "M. Martin",
    )
    assert list(promise.invoices.all()) == list(call.invoices.all())
    kinds = set(
        AuditEvent.objects.filter(subject_id=call.customer_id).values_list("kind", flat=True)
    )
    assert {"collection.promise_created", "dunning.call_logged"} <= kinds


def test_promise_needs_date_and_amount(company: Company, call: Reminder) -> None:
    with pytest.raises(DomainError) as exc:
        reminder_call_outcome(
            company=company,
            reminder_id=call.pk,
            outcome="promise",
            actor=None,
            on=date(2025, 7, 1),
            now=NOW,
        )
    assert exc.value.code == "promise_incomplete"
    call.refresh_from_db()
    assert (call.state, Promise.objects.count()) == ("queued", 0)


def test_call_raising_a_dispute_flags_the_invoices(company: Company, call: Reminder) -> None:
    reminder_call_outcome(
        company=company,
        reminder_id=call.pk,
        outcome="dispute",
        actor=None,
        on=date(2025, 7, 1),
        now=NOW,
        note="Livraison incomplète",
    )
    invoice = call.invoices.get()
    dispute = Dispute.objects.get()
    assert invoice.disputed
    assert (dispute.invoice_id, dispute.reason, dispute.reason_text, dispute.opened_on) == (
        invoice.pk,
        Dispute.Reason.OTHER,
        "Livraison incomplète",
        date(2025, 7, 1),
    )


def test_wrong_contact_leaves_a_failure(company: Company, call: Reminder) -> None:
    reminder_call_outcome(
        company=company,
        reminder_id=call.pk,
        outcome="wrong_contact",
        actor=None,
        on=date(2025, 7, 1),
        now=NOW,
    )
    call.refresh_from_db()
    assert (call.state, call.last_error) == ("failed", "Mauvais interlocuteur")


def test_approve_with_edits_and_skip(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=date(2025, 6, 16))  # J+30 formal notice: approval
    notice = Reminder.objects.get()
    assert notice.state == "pending_approval"
    reminder_approve(company=company, reminder_id=notice.pk, actor=None, body="Texte revu")
    notice.refresh_from_db()
    assert (notice.state, notice.body) == ("queued", "Texte revu\n")
    with pytest.raises(DomainError):
        reminder_approve(company=company, reminder_id=notice.pk, actor=None)
    reminder_skip(company=company, reminder_id=notice.pk, actor=None, reason="Client appelé")
    notice.refresh_from_db()
    assert (notice.state, notice.cancel_reason) == ("cancelled", "skipped")


def test_penalties_survive_payment_until_decided(company: Company, garage: Customer) -> None:
    # given 10 000.00 due 15 May 2025, paid in full 14 Aug 2025 (DOMAIN-FR worked example)
    invoice = invoice_for(company, garage, "8333.33")
    make_payment(company=company, customer=garage, amount="10000.00", received_on=date(2025, 8, 14))
    # then the claim stays: 315.52 + 40.00, whatever the day it is read
    claim = invoice_claim(company=company, invoice_id=invoice.pk, on=date(2025, 12, 1))
    assert (claim.penalty, claim.indemnity, claim.total) == (D("315.52"), D("40.00"), D("355.52"))
    assert claim.decision is None
    # when it is invoiced
    decision = penalty_decide(
        company=company, invoice_id=invoice.pk, kind="invoiced", actor=None, on=date(2025, 12, 1)
    )
    # then a penalty invoice of 355.52 without VAT is issued to the customer
    penalty_invoice = decision.penalty_invoice
    assert penalty_invoice is not None
    assert (penalty_invoice.status, penalty_invoice.total_amount, penalty_invoice.vat_amount) == (
        "issued",
        D("355.52"),
        D("0.00"),
    )
    assert penalty_invoice.customer == garage
    # and a second decision is refused
    with pytest.raises(DomainError):
        penalty_decide(
            company=company, invoice_id=invoice.pk, kind="waived", actor=None, on=date(2025, 12, 1)
        )
    assert PenaltyDecision.objects.count() == 1


def test_waiving_records_who_and_what(company: Company, garage: Customer) -> None:
    invoice = invoice_for(company, garage, "100.00")
    decision = penalty_decide(
        company=company,
        invoice_id=invoice.pk,
        kind="waived",
        actor=None,
        on=date(2025, 6, 14),
        note="Geste",
    )
    # 120.00 x 13.15 % x 30 / 365 = 1.30, + 40.00
    assert (decision.kind, decision.penalty_amount, decision.indemnity_amount) == (
        "waived",
        D("1.30"),
        D("40.00"),
    )
    assert AuditEvent.objects.filter(kind="dunning.penalty_waived", subject_id=invoice.pk).exists()


@pytest.fixture
def uncertain(company: Company, garage: Customer) -> Reminder:
    """An email reminder whose sending was interrupted by a crash (state as delivery leaves it)."""
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    Reminder.objects.update(state="uncertain", message_id="<reminder-1@acme.test>", attempts=1)
    return Reminder.objects.get()


def test_person_marks_an_uncertain_reminder_sent(company: Company, uncertain: Reminder) -> None:
    # when a person found the message had arrived
    reminder_mark_sent(company=company, reminder_id=uncertain.pk, actor=None, now=NOW)
    # then it counts as sent, and the decision is on the customer's timeline
    uncertain.refresh_from_db()
    assert (uncertain.state, uncertain.sent_at, uncertain.attempts) == ("sent", NOW, 1)
    event = AuditEvent.objects.get(kind="dunning.reminder_marked_sent")
    assert event.after == {
        "reminder": uncertain.pk,
        "step": "J+1",
        "message_id": "<reminder-1@acme.test>",
    }


def test_person_resends_an_uncertain_reminder_once_with_its_message_id(
    company: Company, uncertain: Reminder, smtp: Inbox
) -> None:
    # when a person decides to resend it
    reminder_resend(company=company, reminder_id=uncertain.pk, actor=None)
    uncertain.refresh_from_db()
    assert uncertain.state == "queued"
    assert AuditEvent.objects.filter(kind="dunning.reminder_resent").count() == 1
    # then the next delivery sends it once, with the Message-ID of the first attempt
    assert deliver_pending(company=company, now=NOW).sent == 1
    assert deliver_pending(company=company, now=NOW).sent == 0
    [message] = smtp.messages
    assert message["Message-ID"] == "<reminder-1@acme.test>"
    uncertain.refresh_from_db()
    assert (uncertain.state, uncertain.attempts) == ("sent", 2)


@pytest.mark.parametrize("_case", ["mark_sent", "resend"])
def test_only_an_uncertain_reminder_can_be_decided(
    _case: str, company: Company, garage: Customer
) -> None:
    # given a reminder still queued
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    reminder = Reminder.objects.get()
    # when a person tries to mark it sent or resend it
    decisions = {
        "mark_sent": lambda: reminder_mark_sent(
            company=company, reminder_id=reminder.pk, actor=None, now=NOW
        ),
        "resend": lambda: reminder_resend(company=company, reminder_id=reminder.pk, actor=None),
    }
    with pytest.raises(DomainError) as raised:
        decisions[_case]()
    # then it is refused and nothing changed
    assert raised.value.code == "reminder_not_uncertain"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.sent_at) == ("queued", None)
    assert (
        not AuditEvent.objects.filter(kind__startswith="dunning.reminder_")
        .exclude(kind="dunning.reminder_created")
        .exists()
    )
