"""Importing e-invoices issued by another tool into the receivables (one file, one transaction).

The invoice is read with its lines, VAT and totals exactly as the file states them (the
file is the legal document); the customer is found by SIREN, then VAT number, or created;
the original file is kept as the invoice's stored document. The same file twice adds nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.invoicing.documents.ingest import EInvoice, EParty, parse_einvoice, refused
from encaisse.invoicing.models import Invoice, InvoiceLine, IssuedDocument, VatTotal
from encaisse.invoicing.services import credited_total_refresh

MAX_FILE_SIZE = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class IngestResult:
    filename: str
    status: str  # imported, skipped, refused
    number: str = ""
    invoice_id: int | None = None
    customer: str = ""
    reason: str = ""
    problem: FileProblem | None = None  # why a refused file was refused


def _same_company(company: Company, seller: EParty) -> bool:
    if seller.siren:
        return seller.siren == company.siren
    if seller.vat_number and company.vat_number:
        return seller.vat_number == company.vat_number.replace(" ", "").upper()
    return True  # nothing to compare: accepted


def _customer(company: Company, buyer: EParty) -> tuple[Customer, bool]:
    qs = Customer.objects.filter(company=company)
    found = None
    if buyer.siren:
        found = qs.filter(siren=buyer.siren).order_by("pk").first()
    if found is None and buyer.vat_number:
        found = qs.filter(vat_number__iexact=buyer.vat_number).order_by("pk").first()
    if found is not None:
        return found, False
    base = (buyer.siren or slugify(buyer.name)[:30] or "einvoice").upper()
    reference, n = base, 1
    while qs.filter(reference=reference).exists():
        n += 1
        reference = f"{base}-{n}"
    customer = Customer.objects.create(
        company=company,
        reference=reference,
        name=buyer.name or reference,
        siren=buyer.siren,
        vat_number=buyer.vat_number[:20],
        address_line1=buyer.address_line1[:200],
        address_line2=buyer.address_line2[:200],
        postal_code=buyer.postal_code[:20],
        city=buyer.city[:100],
        country=buyer.country or "FR",
        email=buyer.email if "@" in buyer.email else "",
    )
    return customer, True


@transaction.atomic
def _write(*, company: Company, einvoice: EInvoice, content: bytes, actor: Actor) -> IngestResult:
    filename = einvoice.filename
    if einvoice.currency != "EUR":
        raise refused(filename, "currency", f"currency {einvoice.currency} is not EUR")
    if not _same_company(company, einvoice.seller):
        raise refused(
            filename,
            "other_seller",
            f"issued by {einvoice.seller.name} (SIREN {einvoice.seller.siren or '?'}), "
            f"not by {company.legal_name}",
        )
    existing = Invoice.objects.filter(company=company, number=einvoice.number).first()
    if existing is not None:
        same = (existing.total_amount, existing.issue_date) == (
            einvoice.total_amount,
            einvoice.issue_date,
        )
        if same:
            reason = (
                "already imported"
                if existing.source == Invoice.Source.EINVOICE
                else "already in encaisse"
            )
            return IngestResult(
                filename, "skipped", einvoice.number, existing.pk, existing.customer.name, reason
            )
        raise refused(filename, "number_taken", f"invoice number {einvoice.number} is already used")
    customer, created = _customer(company, einvoice.buyer)
    credited = None
    if einvoice.is_credit_note and einvoice.preceding_number:
        credited = Invoice.objects.filter(
            company=company, number=einvoice.preceding_number, customer=customer
        ).first()
    issue = einvoice.issue_date
    due = einvoice.due_date or (issue if einvoice.is_credit_note else issue + timedelta(days=30))
    if due < issue:
        due = issue
    invoice = Invoice.objects.create(
        company=company,
        customer=customer,
        kind=Invoice.Kind.CREDIT_NOTE if einvoice.is_credit_note else Invoice.Kind.INVOICE,
        status=Invoice.Status.ISSUED,
        number=einvoice.number,
        issue_date=issue,
        due_date=due,
        nature=einvoice.nature,
        po_number=einvoice.po_number,
        currency=einvoice.currency,
        net_amount=einvoice.net_amount,
        vat_amount=einvoice.vat_amount,
        total_amount=einvoice.total_amount,
        credited_invoice=credited,
        source=Invoice.Source.EINVOICE,
        notes=einvoice.payment_terms[:1000],
        created_by=actor_user(actor),
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            company=company,
            invoice=invoice,
            position=i,
            description=line.description,
            quantity=line.quantity.quantize(Decimal("0.001")),
            unit_price=line.unit_price.quantize(Decimal("0.0001")),
            vat_rate=line.vat_rate.quantize(Decimal("0.0001")),
            net_amount=line.net_amount,
        )
        for i, line in enumerate(einvoice.lines, start=1)
    )
    VatTotal.objects.bulk_create(
        VatTotal(
            company=company,
            invoice=invoice,
            rate=v.rate.quantize(Decimal("0.0001")),
            base_amount=v.base_amount,
            vat_amount=v.vat_amount,
        )
        for v in einvoice.vat
    )
    if credited is not None and invoice.is_credit_note:
        credited_total_refresh(company, [credited.pk])
    is_pdf = content.startswith(b"%PDF")
    IssuedDocument.objects.create(
        company=company,
        kind=IssuedDocument.Kind.CREDIT_NOTE if einvoice.is_credit_note else "invoice",
        invoice=invoice,
        number=einvoice.number,
        filename=filename.rsplit("/", 1)[-1][:200],
        content_type="application/pdf" if is_pdf else "application/xml",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        facturx=True,
        imported=True,
    )
    audit_record(
        company=company,
        subject=invoice,
        kind="invoice.einvoice_imported",
        actor=actor,
        after={
            "file": filename,
            "total_amount": str(invoice.total_amount),
            "profile": einvoice.profile,
        },
    )
    if created:
        audit_record(
            company=company,
            subject=customer,
            kind="customer.created_from_einvoice",
            actor=actor,
            after={"file": filename},
        )
    return IngestResult(filename, "imported", invoice.number, invoice.pk, customer.name)


def einvoice_import(
    *, company: Company, files: Sequence[tuple[str, bytes]], actor: Actor
) -> list[IngestResult]:
    """Import each file on its own: a refused file writes nothing and says why."""
    results = []
    for filename, content in files:
        try:
            if len(content) > MAX_FILE_SIZE:
                raise refused(filename, "too_large", "file larger than 20 MB")
            einvoice = parse_einvoice(filename, content)
            results.append(_write(company=company, einvoice=einvoice, content=content, actor=actor))
        except FileRejected as exc:
            (problem,) = exc.problems
            results.append(
                IngestResult(filename, "refused", reason=problem.message, problem=problem)
            )
    return results
