"""Invoice use cases: draft, issue (number and freeze), credit, dispute. Each is one transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record, snapshot
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.core.sequences import sequence_next
from encaisse.core.tasks import task_enqueue
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.customers.terms import TermsMethod, due_date
from encaisse.invoicing import calc
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice, InvoiceLine, VatTotal
from encaisse.invoicing.selectors import credited_sum, with_open_amount

# Amount columns hold 14 digits with 2 decimals.
MAX_TOTAL = Decimal("999999999999.99")

FROZEN_FIELDS = (
    "status",
    "number",
    "issue_date",
    "due_date",
    "net_amount",
    "vat_amount",
    "total_amount",
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LineData:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    discount_rate: Decimal = ZERO

    def as_input(self) -> calc.LineInput:
        return calc.LineInput(self.quantity, self.unit_price, self.discount_rate, self.vat_rate)


def invoice_lock(*, company: Company, pk: int) -> Invoice:
    return Invoice.objects.select_for_update().get(company=company, pk=pk)


# The codes of each document's refusals: the same rules serve invoices and quotes.
_LINES_CODES = {
    "invoice": (
        InvoicingCode.INVOICE_NO_LINES,
        InvoicingCode.INVOICE_ZERO_TOTAL,
        InvoicingCode.INVOICE_TOTAL_TOO_LARGE,
    ),
    "quote": (
        InvoicingCode.QUOTE_NO_LINES,
        InvoicingCode.QUOTE_ZERO_TOTAL,
        InvoicingCode.QUOTE_TOTAL_TOO_LARGE,
    ),
}


def lines_checked_totals(
    lines: Sequence[LineData],
    *,
    document: Literal["invoice", "quote"],
    positive_quantities: bool = True,
) -> calc.Totals:
    """Refuse lines no document may carry; the totals of those that pass.

    `document` ("invoice", "quote") chooses the codes of the refusals.
    """
    no_lines, zero_total, too_large = _LINES_CODES[document]
    if not lines:
        raise DomainError(no_lines, _("A document needs at least one line."))
    for line in lines:
        if positive_quantities and line.quantity <= 0:
            raise DomainError(InvoicingCode.LINE_QUANTITY, _("Quantities must be positive."))
        if line.unit_price < 0:
            raise DomainError(InvoicingCode.LINE_PRICE, _("Unit prices must not be negative."))
        if not ZERO <= line.discount_rate <= 1:
            raise DomainError(InvoicingCode.LINE_DISCOUNT, _("A discount is between 0 and 100 %."))
        if not ZERO <= line.vat_rate < 1:
            raise DomainError(InvoicingCode.LINE_VAT_RATE, _("A VAT rate is between 0 and 100 %."))
    totals = calc.invoice_totals([line.as_input() for line in lines])
    if totals.total_amount <= 0:
        raise DomainError(zero_total, _("The total must be positive."))
    if totals.total_amount > MAX_TOTAL:
        raise DomainError(too_large, _("The total exceeds the largest amount."))
    return totals


def _write_lines(invoice: Invoice, lines: Sequence[LineData]) -> None:
    totals = lines_checked_totals(
        lines, document="invoice", positive_quantities=invoice.kind == Invoice.Kind.INVOICE
    )
    invoice.lines.all().delete()
    invoice.vat_totals.all().delete()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            company=invoice.company,
            invoice=invoice,
            position=i,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_rate=line.discount_rate,
            vat_rate=line.vat_rate,
            net_amount=calc.line_net(line.as_input()),
        )
        for i, line in enumerate(lines, start=1)
    )
    VatTotal.objects.bulk_create(
        VatTotal(
            company=invoice.company,
            invoice=invoice,
            rate=v.rate,
            base_amount=v.base_amount,
            vat_amount=v.vat_amount,
        )
        for v in totals.vat
    )
    invoice.net_amount = totals.net_amount
    invoice.vat_amount = totals.vat_amount
    invoice.total_amount = totals.total_amount


@transaction.atomic
def invoice_draft_create(
    *,
    company: Company,
    customer: Customer,
    lines: Sequence[LineData],
    actor: Actor,
    nature: str = Invoice.Nature.SERVICES,
    po_number: str = "",
    supply_date: date | None = None,
    payment_terms: PaymentTerms | None = None,
    notes: str = "",
    source: str = Invoice.Source.MANUAL,
) -> Invoice:
    if customer.company_id != company.pk:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    invoice = Invoice(
        company=company,
        customer=customer,
        series=company.invoice_series,
        nature=nature,
        po_number=po_number,
        supply_date=supply_date,
        payment_terms=payment_terms or customer.payment_terms or company.default_terms,
        notes=notes,
        source=source,
        created_by=actor_user(actor),
        net_amount=ZERO,
        vat_amount=ZERO,
        total_amount=ZERO,
    )
    invoice.save()
    _write_lines(invoice, lines)
    invoice.save(update_fields=["net_amount", "vat_amount", "total_amount"])
    audit_record(
        company=company,
        subject=invoice,
        kind="invoice.draft_created",
        actor=actor,
        after=snapshot(invoice, ("customer", "total_amount")),
    )
    return invoice


@transaction.atomic
def invoice_draft_update(
    *, company: Company, invoice_id: int, lines: Sequence[LineData], actor: Actor
) -> Invoice:
    invoice = invoice_lock(company=company, pk=invoice_id)
    if invoice.status != Invoice.Status.DRAFT:
        raise DomainError(InvoicingCode.INVOICE_FROZEN, _("An issued invoice cannot be changed."))
    before = snapshot(invoice, ("net_amount", "vat_amount", "total_amount"))
    _write_lines(invoice, lines)
    invoice.save(update_fields=["net_amount", "vat_amount", "total_amount", "updated_at"])
    audit_record(
        company=company,
        subject=invoice,
        kind="invoice.draft_updated",
        actor=actor,
        before=before,
        after=snapshot(invoice, ("net_amount", "vat_amount", "total_amount")),
    )
    return invoice


def _terms_due_date(invoice: Invoice, on: date) -> date:
    terms = invoice.payment_terms
    if terms is None:
        # Nothing agreed: the legal default is 30 days (C. com. L441-10 I).
        return due_date(on, TermsMethod.NET, 30)
    return due_date(on, terms.method, terms.days)


@transaction.atomic
def invoice_issue(*, company: Company, invoice_id: int, actor: Actor, on: date) -> Invoice:
    """Number and freeze a draft; from now on only a credit note can change what it says."""
    invoice = invoice_lock(company=company, pk=invoice_id)
    if invoice.status != Invoice.Status.DRAFT:
        raise DomainError(InvoicingCode.INVOICE_NOT_DRAFT, _("Only a draft can be issued."))
    if invoice.is_credit_note and invoice.credited_invoice_id:
        original = Invoice.objects.get(pk=invoice.credited_invoice_id)
        if original.issue_date and on < original.issue_date:
            raise DomainError(
                InvoicingCode.CREDIT_BEFORE_INVOICE, _("A credit note cannot predate its invoice.")
            )
    before = snapshot(invoice, FROZEN_FIELDS)
    invoice.number = sequence_next(company=company, series=invoice.series)
    invoice.issue_date = on
    invoice.due_date = on if invoice.is_credit_note else _terms_due_date(invoice, on)
    invoice.status = Invoice.Status.ISSUED
    invoice.save(update_fields=["number", "issue_date", "due_date", "status", "updated_at"])
    audit_record(
        company=company,
        subject=invoice,
        kind="credit_note.issued" if invoice.is_credit_note else "invoice.issued",
        actor=actor,
        before=before,
        after=snapshot(invoice, FROZEN_FIELDS),
    )
    if invoice.is_credit_note and invoice.credited_invoice_id:
        credited_total_refresh(company, [invoice.credited_invoice_id])
    _document_schedule(company=company, invoice_id=invoice.pk)  # PDF + Factur-X after commit
    return invoice


@transaction.atomic
def invoice_draft_cancel(*, company: Company, invoice_id: int, actor: Actor) -> Invoice:
    """Only drafts may be cancelled; an issued invoice is corrected by a credit note."""
    invoice = invoice_lock(company=company, pk=invoice_id)
    if invoice.status != Invoice.Status.DRAFT:
        raise DomainError(InvoicingCode.INVOICE_NOT_DRAFT, _("Only a draft can be cancelled."))
    invoice.status = Invoice.Status.CANCELLED
    invoice.save(update_fields=["status", "updated_at"])
    audit_record(
        company=company,
        subject=invoice,
        kind="invoice.draft_cancelled",
        actor=actor,
        before={"status": "draft"},
        after={"status": "cancelled"},
    )
    return invoice


@transaction.atomic
def invoice_credit(
    *,
    company: Company,
    invoice_id: int,
    actor: Actor,
    on: date,
    lines: Sequence[LineData] | None = None,
    reason: str = "",
) -> Invoice:
    """Credit an issued invoice in full (no lines given) or in part, and issue the credit note.

    The credit note reduces what is owed on the invoice. Payments that now cover more than is
    owed are released by `payments.services.credit_note_issue`, which interfaces call.
    """
    original = invoice_lock(company=company, pk=invoice_id)
    if original.status != Invoice.Status.ISSUED or original.is_credit_note:
        raise DomainError(
            InvoicingCode.INVOICE_NOT_CREDITABLE, _("Only an issued invoice can be credited.")
        )
    already = with_open_amount(Invoice.objects.filter(pk=original.pk)).get().credited_amount
    remaining = original.total_amount - already
    if lines is None:
        if remaining <= 0:
            raise DomainError(
                InvoicingCode.INVOICE_FULLY_CREDITED, _("This invoice is already fully credited.")
            )
        if already == 0 and original.lines.exists():
            lines = [
                LineData(
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    discount_rate=line.discount_rate,
                )
                for line in original.lines.all()
            ]
        else:
            lines = _lines_for_amount(original, remaining)
    credit = Invoice(
        company=company,
        customer=original.customer,
        kind=Invoice.Kind.CREDIT_NOTE,
        series=company.credit_note_series,
        nature=original.nature,
        credited_invoice=original,
        currency=original.currency,
        notes=reason,
        source=Invoice.Source.MANUAL,
        created_by=actor_user(actor),
        net_amount=ZERO,
        vat_amount=ZERO,
        total_amount=ZERO,
    )
    credit.save()
    _write_lines(credit, lines)
    if credit.total_amount > remaining:
        raise DomainError(
            InvoicingCode.CREDIT_EXCEEDS_INVOICE,
            _("The credit note (%(credit)s) exceeds what remains to credit (%(remaining)s).")
            % {"credit": credit.total_amount, "remaining": remaining},
        )
    credit.save(update_fields=["net_amount", "vat_amount", "total_amount"])
    audit_record(
        company=company,
        subject=credit,
        kind="credit_note.created",
        actor=actor,
        after={"credited_invoice": original.number, "total_amount": str(credit.total_amount)},
    )
    return invoice_issue(company=company, invoice_id=credit.pk, actor=actor, on=on)


def credit_lines_for_amount(original: Invoice, amount: Decimal) -> list[LineData]:
    """The line of a partial credit note worth exactly `amount` incl. VAT (for invoice_credit)."""
    return _lines_for_amount(original, amount)


def _lines_for_amount(original: Invoice, amount: Decimal) -> list[LineData]:
    """One line crediting `amount` incl. VAT at the invoice's single VAT rate (or 0 % if mixed)."""
    rates = list(original.vat_totals.values_list("rate", flat=True))
    rate = rates[0] if len(rates) == 1 else ZERO
    net = calc.quantize(amount / (1 + rate))
    # Rounding may leave the total a cent off; adjust the base until it matches exactly.
    for candidate in (net, net - Decimal("0.01"), net + Decimal("0.01")):
        line = LineData(
            _("Credit on invoice %(n)s") % {"n": original.number}, Decimal(1), candidate, rate
        )
        if calc.invoice_totals([line.as_input()]).total_amount == amount:
            return [line]
    return [
        LineData(_("Credit on invoice %(n)s") % {"n": original.number}, Decimal(1), amount, ZERO)
    ]


def credited_total_refresh(company: Company, invoice_ids: Sequence[int]) -> int:
    """Recompute the stored `credited_total` of the invoices a credit note was issued on (the
    payments' side, `paid_total`, is refreshed by `payments.settlement`)."""
    return Invoice.objects.filter(
        company=company, kind=Invoice.Kind.INVOICE, pk__in=sorted(set(invoice_ids))
    ).update(credited_total=credited_sum())


def _document_schedule(*, company: Company, invoice_id: int) -> None:
    """Render and store the issued document once the issue is committed (a worker's task by
    name: the documents package imports these services)."""
    if not getattr(settings, "ENCAISSE_DOCUMENTS_AT_ISSUE", True):
        return

    def dispatch() -> None:
        try:
            task_enqueue("invoicing.document_render", company.pk, invoice_id)
        except Exception as exc:  # the broker is down: the document renders on first download
            logger.warning("document task of invoice %s not queued: %s", invoice_id, exc)

    transaction.on_commit(dispatch)
