"""Dunning fixtures: a customer with invoices due 15 May 2025, and a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.customers.models import Contact, Customer
from encaisse.invoicing.models import Invoice

ISSUED = date(2025, 4, 15)  # 30 days net: due Thursday 15 May 2025


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _sms_to_tmp(settings: Any, tmp_path: Any) -> None:
    settings.ENCAISSE_SMS_FILE = tmp_path / "sms.jsonl"


def invoice_for(company: Company, customer: Customer, amount: str, **kwargs: Any) -> Invoice:
    """An invoice of `amount` excl. VAT (20 % VAT) issued 15 April 2025, due 15 May 2025."""
    return make_invoice(
        company=company, customer=customer, amount=amount, issued_on=ISSUED, **kwargs
    )


@pytest.fixture
def garage(company: Company) -> Customer:
    customer = CustomerFactory.create(
        company=company, name="Garage Martin", reference="C001", email="contact@garage.test"
    )
    Contact.objects.create(
        company=company,
        customer=customer,
        name="Mme Lefèvre",
        email="compta@garage.test",
        phone="+33612345678",
        role=Contact.ContactRole.ACCOUNTS_PAYABLE,
    )
    return customer
