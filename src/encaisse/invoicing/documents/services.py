"""Document use cases: store the issued PDF once, export it, render a statement, email it.

An issued document never changes: the first rendering is stored with its SHA-256 and every
later download, export or email returns those bytes (CGI 289 V: integrity from issue).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Contact, Customer
from encaisse.invoicing.documents.build import (
    company_clauses,
    customer_party,
    document_language,
    invoice_document_data,
    logo_data_uri,
    quote_document_data,
    seller_party,
)
from encaisse.invoicing.documents.facturx import FacturXError
from encaisse.invoicing.documents.mentions import labels
from encaisse.invoicing.documents.render import (
    StatementData,
    StatementRow,
    render_pdf,
    render_statement_pdf,
)
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice, IssuedDocument, Quote

logger = logging.getLogger(__name__)


def _store(
    *, company: Company, invoice: Invoice | None, quote: Quote | None, pdf: bytes, kind: str
) -> IssuedDocument:
    number = invoice.number if invoice else quote.number if quote else ""
    try:
        with transaction.atomic():
            return IssuedDocument.objects.create(
                company=company,
                kind=kind,
                invoice=invoice,
                quote=quote,
                number=number,
                filename=f"{number.replace('/', '-')}.pdf",
                content=pdf,
                sha256=hashlib.sha256(pdf).hexdigest(),
                size=len(pdf),
                facturx=invoice is not None,
            )
    except IntegrityError:
        # Another process stored it first: the first stored bytes are the document.
        return IssuedDocument.objects.get(company=company, invoice=invoice, quote=quote)


def invoice_document(*, company: Company, invoice_id: int) -> IssuedDocument:
    """The stored PDF/A-3 + Factur-X of an issued invoice or credit note (rendered once)."""
    existing = IssuedDocument.objects.filter(company=company, invoice_id=invoice_id).first()
    if existing is not None:
        return existing
    invoice = (
        Invoice.objects.select_related("company", "customer", "payment_terms", "credited_invoice")
        .filter(company=company, pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise DomainError(InvoicingCode.INVOICE_UNKNOWN, _("Unknown invoice."))
    if invoice.status != Invoice.Status.ISSUED:
        raise DomainError(
            InvoicingCode.DOCUMENT_NOT_ISSUED, _("Only an issued invoice has a document.")
        )
    if not invoice.lines.exists():
        # Imported from a CSV or an accounting file with totals only: the legal original is
        # in the tool that issued it, and a PDF made up here would not be that invoice.
        raise DomainError(
            InvoicingCode.DOCUMENT_UNAVAILABLE,
            _(
                "Invoice %(n)s was imported without its lines: its original is in the tool "
                "that issued it."
            )
            % {"n": invoice.number},
        )
    try:
        pdf = render_pdf(invoice_document_data(invoice))
    except FacturXError as exc:
        raise DomainError(InvoicingCode.DOCUMENT_INVALID, str(exc)) from exc
    kind = (
        IssuedDocument.Kind.CREDIT_NOTE if invoice.is_credit_note else IssuedDocument.Kind.INVOICE
    )
    return _store(company=company, invoice=invoice, quote=None, pdf=pdf, kind=kind)


def quote_document(*, company: Company, quote_id: int) -> IssuedDocument:
    """The stored PDF of an issued quote (rendered once, when it is issued)."""
    existing = IssuedDocument.objects.filter(company=company, quote_id=quote_id).first()
    if existing is not None:
        return existing
    quote = (
        Quote.objects.select_related("company", "customer", "payment_terms")
        .filter(company=company, pk=quote_id)
        .first()
    )
    if quote is None:
        raise DomainError(InvoicingCode.QUOTE_UNKNOWN, _("Unknown quote."))
    if quote.status == Quote.Status.DRAFT:
        raise DomainError(
            InvoicingCode.DOCUMENT_NOT_ISSUED, _("Only an issued quote has a document.")
        )
    pdf = render_pdf(quote_document_data(quote))
    return _store(company=company, invoice=None, quote=quote, pdf=pdf, kind="quote")


def document_by_number(*, company: Company, number: str) -> IssuedDocument:
    """The document of the issued invoice, credit note or quote numbered `number`."""
    invoice = (
        Invoice.objects.filter(company=company, number=number, status=Invoice.Status.ISSUED)
        .only("pk")
        .first()
    )
    if invoice is not None:
        return invoice_document(company=company, invoice_id=invoice.pk)
    quote = Quote.objects.filter(company=company, number=number).only("pk").first()
    if quote is not None:
        return quote_document(company=company, quote_id=quote.pk)
    raise DomainError(
        InvoicingCode.DOCUMENT_UNKNOWN,
        _("No issued invoice, credit note or quote numbered %(n)s.") % {"n": number},
    )


def document_render_after_issue(*, company_id: int, invoice_id: int) -> None:
    """Run after an invoice is issued (on commit): store its document right away.

    A failure here must not undo the issue: it is logged and the document is rendered on
    first download instead.
    """
    try:
        company = Company.objects.get(pk=company_id)
        invoice_document(company=company, invoice_id=invoice_id)
    except Exception:
        logger.exception("document of invoice %s not rendered at issue", invoice_id)


# --- statement of account (relevé de compte) -------------------------------------------


def statement_render(
    *,
    company: Company,
    customer: Customer,
    as_of: date,
    rows: Sequence[StatementRow],
    balance: Decimal,
) -> bytes:
    """The statement PDF of a customer as of a date: its open invoices (`rows`) and balance
    as `ledger.statements` reads them from the positions, with the QR code to pay it."""
    if customer.company_id != company.pk:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    lang = document_language(customer)
    data = StatementData(
        lang=lang,
        as_of=as_of,
        seller=seller_party(company),
        customer=customer_party(customer),
        rows=tuple(rows),
        balance=balance,
        clauses=company_clauses(company, on=as_of, lang=lang),
        payment_methods=company.payment_methods,
        iban=company.iban,
        bic=company.bic,
        logo_data_uri=logo_data_uri(company),
    )
    return render_statement_pdf(data)


# --- email ---------------------------------------------------------------------------


CONTACT_ORDER = (Contact.ContactRole.BILLING, Contact.ContactRole.ACCOUNTS_PAYABLE)


def billing_recipients(customer: Customer) -> list[str]:
    """The billing contact, else accounts payable, else the customer's own address."""
    contacts = Contact.objects.filter(
        company_id=customer.company_id, customer=customer, role__in=CONTACT_ORDER
    ).exclude(email="")
    for role in CONTACT_ORDER:
        emails = [c.email for c in contacts if c.role == role]
        if emails:
            return emails
    return [customer.email] if customer.email else []


@dataclass(frozen=True, slots=True)
class SentDocument:
    recipients: tuple[str, ...]
    filename: str
    subject: str


def _send(
    *,
    company: Company,
    customer: Customer,
    subject: str,
    body: str,
    filename: str,
    content: bytes,
    recipients: Sequence[str] | None,
) -> SentDocument:
    to = [r.strip() for r in (recipients or billing_recipients(customer)) if r.strip()]
    if not to:
        raise DomainError(
            InvoicingCode.NO_RECIPIENT,
            _("Customer %(c)s has no billing contact with an email address.")
            % {"c": customer.name},
        )
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=[company.email] if company.email else None,
    )
    message.attach(filename, content, "application/pdf")
    message.send(fail_silently=False)
    return SentDocument(tuple(to), filename, subject)


def _body(kind_label: str, number: str, company: Company, lang: str) -> str:
    if lang == "en":
        return (
            f"Hello,\n\nPlease find attached {kind_label.lower()} {number}.\n\n"
            f"Kind regards,\n{company.legal_name}\n"
        )
    return (
        f"Bonjour,\n\nVeuillez trouver ci-joint : {kind_label.lower()} {number}.\n\n"
        f"Cordialement,\n{company.legal_name}\n"
    )


def document_send(
    *,
    company: Company,
    document: IssuedDocument,
    actor: Actor,
    recipients: Sequence[str] | None = None,
) -> SentDocument:
    """Email an issued document to the customer's billing contact, PDF attached; the sending
    is recorded on the customer's timeline and on the document's subject."""
    subject_row: Invoice | Quote | None = document.invoice or document.quote
    if subject_row is None or document.company_id != company.pk:
        raise DomainError(InvoicingCode.DOCUMENT_UNKNOWN, _("Unknown document."))
    customer = subject_row.customer
    lang = document_language(customer)
    kind_label = labels(lang)[document.kind]
    subject = f"{kind_label} {document.number} - {company.legal_name}"
    sent = _send(
        company=company,
        customer=customer,
        subject=subject,
        body=_body(kind_label, document.number, company, lang),
        filename=document.filename,
        content=bytes(document.content),
        recipients=recipients,
    )
    details = {"document": document.number, "to": list(sent.recipients), "sha256": document.sha256}
    audit_record(
        company=company, subject=customer, kind="document.sent", actor=actor, after=details
    )
    audit_record(
        company=company, subject=subject_row, kind="document.sent", actor=actor, after=details
    )
    return sent


def statement_email(
    *,
    company: Company,
    customer: Customer,
    as_of: date,
    pdf: bytes,
    actor: Actor,
    recipients: Sequence[str] | None = None,
) -> SentDocument:
    """Email a statement PDF (`ledger.statements.statement_send` renders it) and audit it."""
    lang = document_language(customer)
    label = labels(lang)["statement"]
    sent = _send(
        company=company,
        customer=customer,
        subject=f"{label} {as_of.isoformat()} - {company.legal_name}",
        body=_body(label, as_of.isoformat(), company, lang),
        filename=f"releve-{customer.reference}-{as_of.isoformat()}.pdf",
        content=pdf,
        recipients=recipients,
    )
    audit_record(
        company=company,
        subject=customer,
        kind="statement.sent",
        actor=actor,
        after={"as_of": as_of.isoformat(), "to": list(sent.recipients)},
    )
    return sent
