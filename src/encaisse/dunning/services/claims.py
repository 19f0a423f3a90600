"""Penalties and indemnities as a claim apart from the principal, and the ECB rates table."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.dates import parse_date
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer
from encaisse.dunning import penalties
from encaisse.dunning.models import EcbRate, PenaltyDecision
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.invoicing.services import LineData, invoice_draft_create, invoice_issue
from encaisse.payments.models import Allocation


def rate_history() -> tuple[penalties.RateChange, ...]:
    rows = [penalties.RateChange(r.effective, r.rate) for r in EcbRate.objects.all()]
    return tuple(rows) or penalties.ECB_MRO_HISTORY


@dataclass(frozen=True, slots=True)
class RatesUpdate:
    added: int
    changed: int


@transaction.atomic
def rates_update(*, path: Path) -> RatesUpdate:
    """Load a CSV of `date,rate` (rate in percent, e.g. 2.15); all rows or none."""
    rows: list[tuple[date, Decimal]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, record in enumerate(csv.reader(handle), start=1):
            if not record or not "".join(record).strip():
                continue
            if number == 1 and not record[0].strip()[:1].isdigit():
                continue  # header
            if len(record) < 2:
                raise ValueError(f"{path.name}: line {number}: expected date,rate")
            try:
                day = parse_date(record[0])
            except ValueError as exc:
                raise ValueError(f"{path.name}: line {number}: date: {exc}") from exc
            try:
                percent = Decimal(record[1].strip().replace(",", ".").rstrip("%").strip())
            except InvalidOperation as exc:
                raise ValueError(f"{path.name}: line {number}: rate: {record[1]!r}") from exc
            if not Decimal(-5) <= percent <= Decimal(30):
                raise ValueError(f"{path.name}: line {number}: rate: {percent} out of range")
            rows.append((day, (percent / 100).quantize(Decimal("0.0001"))))
    added = changed = 0
    for day, rate in rows:
        existing = EcbRate.objects.filter(effective=day).first()
        if existing is None:
            EcbRate.objects.create(effective=day, rate=rate)
            added += 1
        elif existing.rate != rate:
            existing.rate = rate
            existing.save(update_fields=["rate"])
            changed += 1
    return RatesUpdate(added, changed)


def is_professional(customer: Customer) -> bool:
    return customer.kind != Customer.Kind.CONSUMER


@dataclass(frozen=True, slots=True)
class InvoiceClaim:
    """Penalties and indemnity of one invoice as of a day, with the recorded decision if any."""

    segments: tuple[penalties.Segment, ...]
    penalty: Decimal
    indemnity: Decimal
    decision: PenaltyDecision | None

    @property
    def total(self) -> Decimal:
        return self.penalty + self.indemnity


def invoice_claim_compute(
    *,
    invoice: Invoice,
    on: date,
    payments: Iterable[tuple[date, Decimal]],
    credited: Decimal,
    company: Company,
    history: Sequence[penalties.RateChange],
) -> tuple[tuple[penalties.Segment, ...], Decimal, Decimal]:
    """Penalty segments, penalty and indemnity of an invoice until paid (or until `on`)."""
    assert invoice.due_date is not None
    principal = invoice.total_amount - credited
    received = sorted((d, a) for d, a in payments if d <= on)
    paid = sum((a for _d, a in received), ZERO)
    until = received[-1][0] if received and paid >= principal else on
    segments = penalties.penalty_segments(
        principal,
        due_date=invoice.due_date,
        paid_on=until,
        payments=[p for p in received if p[0] < until],
        history=history,
        contractual_rate=company.penalty_rate,
    )
    penalty = sum((s.amount for s in segments), ZERO)
    indemnity = penalties.recovery_indemnity(
        due_date=invoice.due_date,
        paid_on=until,
        professional=is_professional(invoice.customer),
        amount=company.recovery_indemnity,
    )
    return tuple(segments), penalty, indemnity


def invoice_claim(*, company: Company, invoice_id: int, on: date) -> InvoiceClaim:
    invoice = with_open_amount(
        Invoice.objects.filter(company=company, kind=Invoice.Kind.INVOICE).select_related(
            "customer"
        )
    ).get(pk=invoice_id)
    payments = list(
        Allocation.objects.filter(company=company, invoice_id=invoice_id).values_list(
            "payment__received_on", "amount"
        )
    )
    decision = PenaltyDecision.objects.filter(company=company, invoice_id=invoice_id).first()
    if invoice.status != Invoice.Status.ISSUED or invoice.due_date is None:
        return InvoiceClaim((), ZERO, ZERO, decision)
    segments, penalty, indemnity = invoice_claim_compute(
        invoice=invoice,
        on=on,
        payments=payments,
        credited=invoice.credited_amount,
        company=company,
        history=rate_history(),
    )
    return InvoiceClaim(segments, penalty, indemnity, decision)


@transaction.atomic
def penalty_decide(
    *, company: Company, invoice_id: int, kind: str, actor: Actor, on: date, note: str = ""
) -> PenaltyDecision:
    """Record what happens to an invoice's penalties: kept, invoiced (a penalty invoice) or
    waived. Paying the principal never drops them silently: only this decision does."""
    if kind not in PenaltyDecision.Kind.values:
        raise DomainError("penalty_decision_unknown", _("Unknown decision."))
    if PenaltyDecision.objects.filter(company=company, invoice_id=invoice_id).exists():
        raise DomainError("penalty_decided", _("A decision was already recorded for it."))
    claim = invoice_claim(company=company, invoice_id=invoice_id, on=on)
    if claim.total <= 0:
        raise DomainError("penalty_none", _("This invoice owes no penalty."))
    invoice = Invoice.objects.select_related("customer").get(company=company, pk=invoice_id)
    penalty_invoice = None
    if kind == PenaltyDecision.Kind.INVOICED:
        lines = [
            LineData(
                _("Late-payment penalties, invoice %(number)s") % {"number": invoice.number},
                Decimal(1),
                claim.penalty,
                Decimal(0),
            )
        ]
        if claim.indemnity:
            lines.append(
                LineData(_("Fixed recovery indemnity"), Decimal(1), claim.indemnity, Decimal(0))
            )
        draft = invoice_draft_create(
            company=company,
            customer=invoice.customer,
            lines=[line for line in lines if line.unit_price > 0],
            actor=actor,
            notes=_("Penalties outside the scope of VAT."),
        )
        penalty_invoice = invoice_issue(company=company, invoice_id=draft.pk, actor=actor, on=on)
    decision = PenaltyDecision.objects.create(
        company=company,
        invoice=invoice,
        kind=kind,
        computed_on=on,
        penalty_amount=claim.penalty,
        indemnity_amount=claim.indemnity,
        penalty_invoice=penalty_invoice,
        note=note,
        decided_by=actor_user(actor),
    )
    audit_record(
        company=company,
        subject=invoice,
        kind=f"dunning.penalty_{kind}",
        actor=actor,
        after={"penalty": str(claim.penalty), "indemnity": str(claim.indemnity)},
    )
    return decision
