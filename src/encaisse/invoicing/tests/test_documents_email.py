"""Sending documents by email: a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from encaisse.core.audit import audit_events_for
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.models import Contact
from encaisse.invoicing.documents import services
from encaisse.invoicing.tests.documents_helpers import (
    dress_company,
    issue_invoice,
    make_buyer,
    pdf_text,
)
from encaisse.ledger import statements

pytestmark = pytest.mark.django_db


@dataclass
class Inbox:
    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  # aiosmtpd hook name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Acme <factures@acme.example.test>"
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def seller(company: Company) -> Company:
    return dress_company(company)


def attachments(message: EmailMessage) -> list[tuple[str, str, Any]]:
    return [
        (part.get_filename() or "", part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    ]


def test_invoice_goes_to_the_billing_contact_with_its_pdf(smtp: Inbox, seller: Company) -> None:
    # given a customer with a billing and a purchasing contact, and an issued invoice
    customer = make_buyer(seller)
    Contact.objects.create(
        company=seller, customer=customer, name="Compta", email="factures@dupont.example.test"
    )
    Contact.objects.create(
        company=seller,
        customer=customer,
        name="Achats",
        email="achats@dupont.example.test",
        role=Contact.ContactRole.PURCHASING,
    )
    invoice = issue_invoice(seller, customer)
    document = services.invoice_document(company=seller, invoice_id=invoice.pk)
    # when it is sent
    sent = services.document_send(company=seller, document=document, actor=None)
    # then the billing contact received one message with the stored PDF attached
    assert sent.recipients == ("factures@dupont.example.test",)
    [(rcpt, message)] = smtp.messages
    assert rcpt == ["factures@dupont.example.test"]
    assert message["To"] == "factures@dupont.example.test"
    assert message["Subject"] == f"Facture {invoice.number} - Acme Industrie SAS"
    assert message["Reply-To"] == "compta@acme.example.test"
    [(name, content_type, payload)] = attachments(message)
    assert (name, content_type) == (f"{invoice.number}.pdf", "application/pdf")
    assert payload == bytes(document.content)
    # and the sending is on the customer's timeline
    [event] = audit_events_for(seller, customer).filter(kind="document.sent")
    assert event.after["document"] == invoice.number
    assert event.after["to"] == ["factures@dupont.example.test"]


def test_chosen_recipients_override_the_contact(smtp: Inbox, seller: Company) -> None:
    customer = make_buyer(seller)
    invoice = issue_invoice(seller, customer)
    document = services.invoice_document(company=seller, invoice_id=invoice.pk)
    services.document_send(
        company=seller,
        document=document,
        actor=None,
        recipients=["a@dupont.example.test", "b@dupont.example.test"],
    )
    [(rcpt, _message)] = smtp.messages
    assert sorted(rcpt) == ["a@dupont.example.test", "b@dupont.example.test"]


def test_no_address_refuses_and_records_nothing(smtp: Inbox, seller: Company) -> None:
    customer = make_buyer(seller, email="")
    invoice = issue_invoice(seller, customer)
    document = services.invoice_document(company=seller, invoice_id=invoice.pk)
    with pytest.raises(DomainError) as exc:
        services.document_send(company=seller, document=document, actor=None)
    assert exc.value.code == "no_recipient"
    assert smtp.messages == []
    assert not audit_events_for(seller, customer).filter(kind="document.sent").exists()


def test_statement_is_sent_as_pdf(smtp: Inbox, seller: Company) -> None:
    # given a customer with an open invoice
    customer = make_buyer(seller)
    invoice = issue_invoice(seller, customer)
    # when the statement is sent
    statements.statement_send(
        company=seller, customer=customer, as_of=date(2025, 6, 30), actor=None
    )
    # then the customer's address received the statement listing the open invoice
    [(rcpt, message)] = smtp.messages
    assert rcpt == ["compta@dupont.example.test"]
    [(name, content_type, payload)] = attachments(message)
    assert (name, content_type) == ("releve-DUPONT-2025-06-30.pdf", "application/pdf")
    text = pdf_text(payload)
    assert "Relevé de compte" in text
    assert invoice.number in text
    assert "Solde dû 1 143,27 €" in text
    assert audit_events_for(seller, customer).filter(kind="statement.sent").count() == 1
