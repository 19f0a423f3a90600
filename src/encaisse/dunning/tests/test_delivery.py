"""Delivery over a real SMTP server on loopback: content, grouping, PDF, crash safety, retries."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.mail.backends.smtp import EmailBackend
from pypdf import PdfReader

from encaisse.collection.models import Dispute
from encaisse.collection.services import dispute_open
from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_payment
from encaisse.customers.models import Customer
from encaisse.dunning.models import Reminder
from encaisse.dunning.services import (
    deliver_pending,
    dunning_run,
    reminder_approve,
    reminder_retry,
)
from encaisse.dunning.tests.conftest import Inbox, invoice_for

D = Decimal
pytestmark = pytest.mark.django_db
NOW = datetime.fromisoformat("2025-05-16T08:00:00+02:00")


def test_grouped_email_reaches_the_smtp_server(
    company: Company, garage: Customer, smtp: Inbox
) -> None:
    # given two overdue invoices of the garage, decided on 16 May
    first = invoice_for(company, garage, "1000.00")
    second = invoice_for(company, garage, "250.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    # when delivering
    result = deliver_pending(company=company, now=NOW)
    # then one message to the accounts-payable contact listing both invoices
    assert (result.sent, result.failed) == (1, 0)
    [message] = smtp.messages
    assert message["To"] == "compta@garage.test"
    assert message["X-Encaisse-Reminder"] == str(Reminder.objects.get().pk)
    body = message.get_content()
    assert first.number in body
    assert second.number in body
    assert "Total dû : 1\u202f500,00\xa0€" in body
    reminder = Reminder.objects.get()
    assert (reminder.state, reminder.attempts, reminder.sent_at) == ("sent", 1, NOW)
    # and delivering again sends nothing more
    assert deliver_pending(company=company, now=NOW).sent == 0
    assert len(smtp.messages) == 1


def test_letter_and_formal_notice_carry_a_pdf(
    company: Company, garage: Customer, smtp: Inbox
) -> None:
    # given a 10 000.00 invoice at J+15 (email + letter), later at J+30 (formal notice)
    invoice = invoice_for(company, garage, "8333.33")
    dunning_run(company=company, on=date(2025, 5, 30))
    deliver_pending(company=company, now=NOW)
    dunning_run(company=company, on=date(2025, 6, 16))
    notice = Reminder.objects.get(channel="formal_notice")
    # the formal notice waits for approval
    assert deliver_pending(company=company, now=NOW).sent == 0
    reminder_approve(company=company, reminder_id=notice.pk, actor=None)
    deliver_pending(company=company, now=NOW)
    # then three messages: the J+15 email, the J+15 letter and the notice, PDFs attached
    assert len(smtp.messages) == 3

    def subject(message: Any) -> str:
        return " ".join(str(message["Subject"]).split())

    def pdf_parts(message: Any) -> list[Any]:
        return [p for p in message.walk() if p.get_content_type() == "application/pdf"]

    got = sorted((subject(m), len(pdf_parts(m))) for m in smtp.messages)
    assert got == [
        ("Dernière relance avant mise en demeure – Acme Industrie SAS", 0),  # J+15 email
        ("Dernière relance avant mise en demeure – Acme Industrie SAS", 1),  # J+15 letter
        ("MISE EN DEMEURE – Acme Industrie SAS", 1),
    ]
    notice_mail = next(m for m in smtp.messages if subject(m).startswith("MISE"))
    [pdf_part] = [p for p in notice_mail.walk() if p.get_content_type() == "application/pdf"]
    assert pdf_part.get_filename() == f"mise-en-demeure-{notice.pk}.pdf"
    text = PdfReader(io.BytesIO(pdf_part.get_content())).pages[0].extract_text()
    assert "MISE EN DEMEURE DE PAYER" in text
    assert invoice.number in text
    assert "Garage Martin" in text
    assert "Lettre recommandée avec accusé de réception" in text


class CrashingBackend(EmailBackend):
    """The process dies (not an error we could record) after `limit` messages."""

    limit = 2

    def send_messages(self, email_messages: Any) -> int:
        if CrashingBackend.sent >= CrashingBackend.limit:
            raise SystemExit("killed")
        CrashingBackend.sent += 1
        return super().send_messages(email_messages)


def test_crash_midway_leaves_one_uncertain_and_the_rest_sent_once(
    company: Company, smtp: Inbox
) -> None:
    # given five customers with an overdue invoice each: five reminders queued
    for n in range(5):
        invoice_for(company, CustomerFactory.create(company=company, email=f"c{n}@x.test"), "10")
    dunning_run(company=company, on=date(2025, 5, 16))
    # when delivery dies while handing over the third message
    CrashingBackend.sent = 0
    with pytest.raises(SystemExit):
        deliver_pending(company=company, now=NOW, connection=CrashingBackend())
    # then two were sent and marked, the third was claimed (its Message-ID kept), two queued
    assert len(smtp.messages) == 2
    states = list(Reminder.objects.order_by("id").values_list("state", flat=True))
    assert states == ["sent", "sent", "sending", "queued", "queued"]
    claimed = Reminder.objects.get(state="sending")
    assert claimed.message_id.startswith("<")
    assert [m["Message-ID"] for m in smtp.messages] == list(
        Reminder.objects.filter(state="sent").order_by("id").values_list("message_id", flat=True)
    )
    # when delivery runs again
    result = deliver_pending(company=company, now=NOW)
    # then the two queued go, and the interrupted one is not resent but left to a person
    assert (result.sent, result.uncertain) == (2, 1)
    claimed.refresh_from_db()
    assert (claimed.state, claimed.last_error) == (
        "uncertain",
        "Interrupted while sending: it may have been delivered.",
    )
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == ["c0@x.test", "c1@x.test", "c3@x.test", "c4@x.test"]
    assert deliver_pending(company=company, now=NOW).uncertain == 0  # said once


def test_smtp_down_is_retried_with_backoff(company: Company, garage: Customer, settings) -> None:
    # given an SMTP server that does not answer
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    # when delivering
    result = deliver_pending(company=company, now=NOW)
    # then the failure is recorded and retried in 10 minutes, then 20
    assert (result.sent, result.retrying) == (0, 1)
    reminder = Reminder.objects.get()
    assert reminder.state == "queued"
    assert reminder.attempts == 1
    assert reminder.last_error.startswith("ConnectionRefusedError")
    assert reminder.next_attempt_at == datetime.fromisoformat("2025-05-16T08:10:00+02:00")
    assert deliver_pending(company=company, now=NOW).retrying == 0  # not yet
    later = datetime.fromisoformat("2025-05-16T08:10:00+02:00")
    deliver_pending(company=company, now=later)
    reminder.refresh_from_db()
    assert reminder.attempts == 2
    assert reminder.next_attempt_at == datetime.fromisoformat("2025-05-16T08:30:00+02:00")


def test_no_address_fails_at_once_then_retry_after_fixing(company: Company, smtp: Inbox) -> None:
    customer = CustomerFactory.create(company=company, email="")
    invoice_for(company, customer, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    result = deliver_pending(company=company, now=NOW)
    reminder = Reminder.objects.get()
    assert (result.failed, reminder.state) == (1, "failed")
    assert reminder.last_error == "DeliveryError: no email address for this customer"
    # when the address is fixed and the reminder retried
    Customer.objects.filter(pk=customer.pk).update(email="fixed@x.test")
    reminder_retry(company=company, reminder_id=reminder.pk, actor=None)
    assert deliver_pending(company=company, now=NOW).sent == 1
    assert smtp.messages[0]["To"] == "fixed@x.test"


def test_waiting_reminder_of_a_paid_or_disputed_invoice_is_cancelled(
    company: Company, garage: Customer, smtp: Inbox
) -> None:
    # given two customers reminded on 16 May
    paid = invoice_for(company, garage, "100.00")
    other = CustomerFactory.create(company=company)
    disputed = invoice_for(company, other, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    # when one pays and the other disputes before delivery
    make_payment(company=company, customer=garage, amount="120.00", received_on=date(2025, 5, 16))
    dispute_open(
        company=company,
        invoice_id=disputed.pk,
        reason=Dispute.Reason.QUALITY,
        actor=None,
        on=date(2025, 5, 16),
    )
    result = deliver_pending(company=company, now=NOW)
    # then nothing is sent, both are cancelled
    assert (result.sent, result.cancelled) == (0, 2)
    assert smtp.messages == []
    assert set(Reminder.objects.values_list("state", flat=True)) == {"cancelled"}
    assert paid.pk  # the invoices themselves are untouched


def test_sms_goes_through_the_pluggable_sender(
    company: Company, garage: Customer, settings
) -> None:
    from encaisse.dunning.models import Policy, PolicyAssignment, Step

    policy = Policy.objects.create(company=company, name="SMS")
    Step.objects.create(
        company=company,
        policy=policy,
        name="SMS J+1",
        offset_days=1,
        channels=["sms"],
        template_key="reminder_1",
    )
    PolicyAssignment.objects.create(company=company, customer=garage, policy=policy)
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    assert deliver_pending(company=company, now=NOW).sent == 1
    [line] = settings.ENCAISSE_SMS_FILE.read_text(encoding="utf-8").splitlines()
    sms = json.loads(line)
    assert sms["to"] == "+33612345678"
    assert sms["text"].startswith("Relance : facture(s) échue(s)")
