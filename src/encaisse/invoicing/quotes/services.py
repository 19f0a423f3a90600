"""Quote use cases: draft, issue (number, validity, stored PDF), accept, refuse, convert.

A quote states the payment conditions and penalties agreed before the sale; an accepted
quote becomes an invoice, optionally after a deposit invoice (facture d'acompte) for a
chosen percentage, the final invoice then charging what the deposit did not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.money import ZERO, quantize
from encaisse.core.sequences import sequence_next
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.invoicing import calc
from encaisse.invoicing.documents.build import document_language
from encaisse.invoicing.documents.mentions import date_text, labels, percent_text
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice, Quote, QuoteLine
from encaisse.invoicing.services import LineData, invoice_draft_create, lines_checked_totals

logger = logging.getLogger(__name__)


def quote_lock(*, company: Company, pk: int) -> Quote:
    try:
        return Quote.objects.select_for_update().get(company=company, pk=pk)
    except Quote.DoesNotExist as exc:
        raise DomainError(InvoicingCode.QUOTE_UNKNOWN, _("Unknown quote.")) from exc


def _write_lines(quote: Quote, lines: Sequence[LineData]) -> None:
    totals = lines_checked_totals(lines, document="quote")
    quote.lines.all().delete()
    QuoteLine.objects.bulk_create(
        QuoteLine(
            company=quote.company,
            quote=quote,
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
    quote.net_amount = totals.net_amount
    quote.vat_amount = totals.vat_amount
    quote.total_amount = totals.total_amount


@transaction.atomic
def quote_draft_create(
    *,
    company: Company,
    customer: Customer,
    lines: Sequence[LineData],
    actor: Actor,
    nature: str = "services",
    po_number: str = "",
    payment_terms: PaymentTerms | None = None,
    notes: str = "",
) -> Quote:
    if customer.company_id != company.pk:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    quote = Quote(
        company=company,
        customer=customer,
        series=company.quote_series,
        nature=nature,
        po_number=po_number,
        payment_terms=payment_terms or customer.payment_terms or company.default_terms,
        notes=notes,
        created_by=actor_user(actor),
        net_amount=ZERO,
        vat_amount=ZERO,
        total_amount=ZERO,
    )
    quote.save()
    _write_lines(quote, lines)
    quote.save(update_fields=["net_amount", "vat_amount", "total_amount"])
    audit_record(
        company=company,
        subject=quote,
        kind="quote.draft_created",
        actor=actor,
        after={"customer": customer.pk, "total_amount": str(quote.total_amount)},
    )
    return quote


@transaction.atomic
def quote_draft_update(
    *, company: Company, quote_id: int, lines: Sequence[LineData], actor: Actor
) -> Quote:
    quote = quote_lock(company=company, pk=quote_id)
    if quote.status != Quote.Status.DRAFT:
        raise DomainError(InvoicingCode.QUOTE_FROZEN, _("An issued quote cannot be changed."))
    _write_lines(quote, lines)
    quote.save(update_fields=["net_amount", "vat_amount", "total_amount", "updated_at"])
    audit_record(
        company=company,
        subject=quote,
        kind="quote.draft_updated",
        actor=actor,
        after={"total_amount": str(quote.total_amount)},
    )
    return quote


@transaction.atomic
def quote_issue(*, company: Company, quote_id: int, actor: Actor, on: date) -> Quote:
    """Number and freeze a draft quote; its PDF is stored once the issue is committed."""
    quote = quote_lock(company=company, pk=quote_id)
    if quote.status != Quote.Status.DRAFT:
        raise DomainError(InvoicingCode.QUOTE_NOT_DRAFT, _("Only a draft quote can be issued."))
    quote.number = sequence_next(company=company, series=quote.series or company.quote_series)
    quote.issue_date = on
    quote.valid_until = on + timedelta(days=company.quote_validity_days)
    quote.status = Quote.Status.ISSUED
    quote.save(update_fields=["number", "issue_date", "valid_until", "status", "updated_at"])
    audit_record(
        company=company,
        subject=quote,
        kind="quote.issued",
        actor=actor,
        after={"number": quote.number, "valid_until": quote.valid_until.isoformat()},
    )

    def store() -> None:
        from encaisse.invoicing.documents.services import quote_document

        try:
            quote_document(company=company, quote_id=quote.pk)
        except Exception:
            logger.exception("document of quote %s not rendered at issue", quote.pk)

    transaction.on_commit(store)
    return quote


def _decide(
    *, company: Company, quote_id: int, actor: Actor, on: date, accepted: bool, reason: str
) -> Quote:
    quote = quote_lock(company=company, pk=quote_id)
    if quote.status != Quote.Status.ISSUED:
        raise DomainError(
            InvoicingCode.QUOTE_NOT_PENDING, _("Only an issued quote can be accepted or refused.")
        )
    if quote.issue_date and on < quote.issue_date:
        raise DomainError(
            InvoicingCode.QUOTE_DECISION_DATE, _("A decision cannot predate the quote.")
        )
    if accepted and quote.valid_until and on > quote.valid_until:
        raise DomainError(
            InvoicingCode.QUOTE_EXPIRED,
            _("This quote expired on %(d)s.") % {"d": quote.valid_until.isoformat()},
        )
    quote.status = Quote.Status.ACCEPTED if accepted else Quote.Status.REFUSED
    quote.decided_on = on
    quote.refusal_reason = "" if accepted else reason.strip()[:500]
    quote.save(update_fields=["status", "decided_on", "refusal_reason", "updated_at"])
    audit_record(
        company=company,
        subject=quote,
        kind="quote.accepted" if accepted else "quote.refused",
        actor=actor,
        after={"on": on.isoformat(), "reason": quote.refusal_reason},
    )
    return quote


@transaction.atomic
def quote_accept(*, company: Company, quote_id: int, actor: Actor, on: date) -> Quote:
    return _decide(company=company, quote_id=quote_id, actor=actor, on=on, accepted=True, reason="")


@transaction.atomic
def quote_refuse(
    *, company: Company, quote_id: int, actor: Actor, on: date, reason: str = ""
) -> Quote:
    return _decide(
        company=company, quote_id=quote_id, actor=actor, on=on, accepted=False, reason=reason
    )


def _deposit_nets(quote: Quote) -> dict[int, Decimal]:
    """Net amount per quote line position already charged by the issued deposit invoice."""
    deposit = quote.deposit_invoice
    if deposit is None or deposit.status == Invoice.Status.CANCELLED:
        return {}
    if deposit.status != Invoice.Status.ISSUED:
        raise DomainError(
            InvoicingCode.DEPOSIT_NOT_ISSUED, _("Issue or cancel the deposit invoice first.")
        )
    return {line.position: line.net_amount for line in deposit.lines.all()}


@transaction.atomic
def quote_convert(
    *,
    company: Company,
    quote_id: int,
    actor: Actor,
    deposit_rate: Decimal | None = None,
) -> Invoice:
    """Turn an accepted quote into a draft invoice, or a draft deposit invoice for a share.

    The deposit invoice charges `deposit_rate` of each line; the final invoice then charges
    each line's remainder, so deposit and final invoice add up to the quote exactly.
    """
    quote = quote_lock(company=company, pk=quote_id)
    if quote.status != Quote.Status.ACCEPTED:
        raise DomainError(
            InvoicingCode.QUOTE_NOT_ACCEPTED,
            _("Only an accepted quote can be converted to an invoice."),
        )
    lines = list(quote.lines.all())
    nature = quote.nature
    lang = document_language(quote.customer)
    t = labels(lang)
    if deposit_rate is not None:
        if not ZERO < deposit_rate < 1:
            raise DomainError(
                InvoicingCode.DEPOSIT_RATE,
                _("A deposit is a percentage strictly between 0 and 100."),
            )
        previous = quote.deposit_invoice
        if previous is not None and previous.status != Invoice.Status.CANCELLED:
            raise DomainError(
                InvoicingCode.DEPOSIT_EXISTS, _("This quote already has a deposit invoice.")
            )
        pct = percent_text(deposit_rate, lang)
        data = [
            LineData(
                description=f"{t['deposit']} {pct} - {line.description}",
                quantity=Decimal(1),
                unit_price=quantize(line.net_amount * deposit_rate),
                vat_rate=line.vat_rate,
            )
            for line in lines
        ]
        kind = "quote.deposit_invoiced"
    else:
        deposits = _deposit_nets(quote)
        if deposits:
            deposit_number = quote.deposit_invoice.number if quote.deposit_invoice else ""
            suffix = f"{t['balance_after_deposit']} {deposit_number}"
            data = [
                LineData(
                    description=f"{line.description} ({suffix})",
                    quantity=Decimal(1),
                    unit_price=line.net_amount - deposits.get(line.position, ZERO),
                    vat_rate=line.vat_rate,
                )
                for line in lines
            ]
        else:
            data = [
                LineData(
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    vat_rate=line.vat_rate,
                    discount_rate=line.discount_rate,
                )
                for line in lines
            ]
        kind = "quote.invoiced"
    invoice = invoice_draft_create(
        company=company,
        customer=quote.customer,
        lines=data,
        actor=actor,
        nature=nature,
        po_number=quote.po_number,
        payment_terms=quote.payment_terms,
        notes=f"{t['quote']} {t['number']} {quote.number} {t['of']} "
        f"{date_text(quote.issue_date, lang)}",
    )
    if deposit_rate is not None:
        quote.deposit_invoice = invoice
        quote.save(update_fields=["deposit_invoice", "updated_at"])
    else:
        quote.invoice = invoice
        quote.status = Quote.Status.INVOICED
        quote.save(update_fields=["invoice", "status", "updated_at"])
    audit_record(
        company=company,
        subject=quote,
        kind=kind,
        actor=actor,
        after={"invoice": invoice.pk, "total_amount": str(invoice.total_amount)},
    )
    return invoice
