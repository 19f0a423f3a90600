"""The statement of account as a document (relevé de compte): PDF and email.

The figures are the positions' (`ledger.positions.customer_statement`); invoicing renders and
sends the document. The statement lives here because invoicing sits below the ledger and may
not read positions itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from encaisse.core.actors import Actor
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer
from encaisse.invoicing.documents.render import StatementRow
from encaisse.invoicing.documents.services import SentDocument, statement_email, statement_render
from encaisse.ledger.positions import customer_statement


def statement_pdf(*, company: Company, customer: Customer, as_of: date) -> bytes:
    """The statement of a customer as of a date: open invoices, balance, QR code to pay it."""
    statement = customer_statement(company, customer, as_of=as_of)
    numbers = {
        line.label: line
        for line in statement.lines
        if line.kind == "invoice" and line.open_amount and line.open_amount > 0
    }
    rows = [
        StatementRow(
            number=line.label,
            issue_date=line.on,
            due_date=line.due_date,
            amount=line.debit,
            open_amount=line.open_amount or ZERO,
        )
        for line in numbers.values()
    ]
    return statement_render(
        company=company,
        customer=customer,
        as_of=as_of,
        rows=rows,
        balance=statement.closing_balance,
    )


def statement_send(
    *,
    company: Company,
    customer: Customer,
    as_of: date,
    actor: Actor,
    recipients: Sequence[str] | None = None,
) -> SentDocument:
    """Email the statement as of a date to the customer's billing contact, audited."""
    pdf = statement_pdf(company=company, customer=customer, as_of=as_of)
    return statement_email(
        company=company,
        customer=customer,
        as_of=as_of,
        pdf=pdf,
        actor=actor,
        recipients=recipients,
    )
