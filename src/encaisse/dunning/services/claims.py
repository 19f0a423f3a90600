"""Penalties and indemnities as a claim apart from the principal, and the ECB rates table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.core import penalties
from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.core.rates import rate_history
from encaisse.customers.models import Customer
from encaisse.dunning.errors import DunningCode
from encaisse.dunning.models import PenaltyDecision
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.invoicing.services import LineData, invoice_draft_create, invoice_issue
from encaisse.payments.models import Allocation


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
    claim = penalties.claim_compute(
        invoice.total_amount - invoice.credited_amount,
        due_date=invoice.due_date,
        on=on,
        payments=payments,
        history=rate_history(),
        contractual_rate=company.penalty_rate,
        professional=is_professional(invoice.customer),
        indemnity_amount=company.recovery_indemnity,
    )
    return InvoiceClaim(claim.segments, claim.penalty, claim.indemnity, decision)


@transaction.atomic
def penalty_decide(
    *, company: Company, invoice_id: int, kind: str, actor: Actor, on: date, note: str = ""
) -> PenaltyDecision:
    """Record what happens to an invoice's penalties: kept, invoiced (a penalty invoice) or
    waived. Paying the principal never drops them silently: only this decision does."""
    if kind not in PenaltyDecision.Kind.values:
        raise DomainError(DunningCode.PENALTY_DECISION_UNKNOWN, _("Unknown decision."))
    if PenaltyDecision.objects.filter(company=company, invoice_id=invoice_id).exists():
        raise DomainError(DunningCode.PENALTY_DECIDED, _("A decision was already recorded for it."))
    claim = invoice_claim(company=company, invoice_id=invoice_id, on=on)
    if claim.total <= 0:
        raise DomainError(DunningCode.PENALTY_NONE, _("This invoice owes no penalty."))
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
