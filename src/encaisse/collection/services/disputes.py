"""Disputes (litiges): opened on all or part of an invoice, then resolved or rejected.

These services are the only writers of `Invoice.disputed`: after each change they set it to
whether the invoice still has an open dispute. Invoicing sits below collection and cannot ask,
so the flag is a stored copy that lists, analytics and templates read without a join.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from encaisse.collection.errors import CollectionCode
from encaisse.collection.models import Dispute
from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import AuditEvent, Company
from encaisse.core.money import ZERO, quantize
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import invoice_lock

BULK_ROWS = 1000


def open_amount(invoice: Invoice) -> Decimal:
    """What is left to pay on the invoice, from its stored settlement (ADR 0004)."""
    return invoice.total_amount - invoice.paid_total - invoice.credited_total


def disputed_flag_refresh(company: Company, invoice_ids: Iterable[int]) -> int:
    """Set `Invoice.disputed` of the given invoices to whether an open dispute exists."""
    ids = sorted(set(invoice_ids))
    written = 0
    for start in range(0, len(ids), BULK_ROWS):
        written += Invoice.objects.filter(
            company=company, pk__in=ids[start : start + BULK_ROWS]
        ).update(
            disputed=Exists(
                Dispute.objects.filter(
                    company=company, invoice=OuterRef("pk"), status=Dispute.Status.OPEN
                )
            )
        )
    return written


def _snapshot(dispute: Dispute) -> dict[str, object]:
    return {
        "dispute": dispute.pk,
        "amount": str(dispute.amount),
        "reason": dispute.reason,
        "text": dispute.reason_text,
        "status": dispute.status,
    }


@transaction.atomic
def dispute_open(
    *,
    company: Company,
    invoice_id: int,
    reason: str,
    actor: Actor,
    on: date,
    amount: Decimal | None = None,
    text: str = "",
    owner: User | None = None,
    due_on: date | None = None,
) -> Dispute:
    """Open a dispute on an issued invoice, for its whole open amount (`amount` None) or a part
    of it: reminders of the invoice stop until the dispute is resolved or rejected."""
    try:
        invoice = invoice_lock(company=company, pk=invoice_id)
    except Invoice.DoesNotExist as exc:
        raise DomainError(InvoicingCode.INVOICE_UNKNOWN, _("Unknown invoice.")) from exc
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status != Invoice.Status.ISSUED:
        raise DomainError(
            CollectionCode.DISPUTE_NOT_ISSUED, _("Only an issued invoice can be disputed.")
        )
    if reason not in Dispute.Reason.values:
        raise DomainError(CollectionCode.DISPUTE_REASON, _("Unknown dispute reason."))
    left = open_amount(invoice)
    if left <= ZERO:
        raise DomainError(
            CollectionCode.DISPUTE_NOTHING_OWED, _("Nothing is left to pay on this invoice.")
        )
    value = left if amount is None else quantize(amount)
    if not ZERO < value <= left:
        raise DomainError(
            CollectionCode.DISPUTE_AMOUNT,
            _("The disputed amount must be positive and at most the open amount %(open)s.")
            % {"open": left},
        )
    if due_on is not None and due_on < on:
        raise DomainError(
            CollectionCode.DISPUTE_DUE_ON, _("The resolution date cannot be in the past.")
        )
    dispute = Dispute.objects.create(
        company=company,
        invoice=invoice,
        amount=value,
        reason=reason,
        reason_text=text.strip(),
        owner=owner,
        opened_on=on,
        due_on=due_on,
    )
    disputed_flag_refresh(company, [invoice.pk])
    audit_record(
        company=company,
        subject=invoice,
        kind="collection.dispute_opened",
        actor=actor,
        after=_snapshot(dispute),
    )
    return dispute


def _close(
    *, company: Company, dispute_id: int, status: str, resolution: str, actor: Actor, on: date
) -> Dispute:
    try:
        dispute = Dispute.objects.select_for_update().get(company=company, pk=dispute_id)
    except Dispute.DoesNotExist as exc:
        raise DomainError(CollectionCode.DISPUTE_UNKNOWN, _("Unknown dispute.")) from exc
    if dispute.status != Dispute.Status.OPEN:
        raise DomainError(CollectionCode.DISPUTE_CLOSED, _("This dispute is already closed."))
    if on < dispute.opened_on:
        raise DomainError(
            CollectionCode.DISPUTE_DATE,
            _("A dispute cannot be closed before the day it was opened."),
        )
    dispute.status, dispute.resolution, dispute.resolved_on = status, resolution.strip(), on
    dispute.save(update_fields=["status", "resolution", "resolved_on"])
    disputed_flag_refresh(company, [dispute.invoice_id])
    audit_record(
        company=company,
        subject=dispute.invoice,
        kind=f"collection.dispute_{status}",
        actor=actor,
        before={"status": Dispute.Status.OPEN.value},
        after={"status": status, "dispute": dispute.pk, "resolution": dispute.resolution},
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *, company: Company, dispute_id: int, actor: Actor, on: date, resolution: str = ""
) -> Dispute:
    """Settle a dispute (a credit note, a redelivery, an explanation accepted): dunning of the
    invoice resumes for what is still owed once no other dispute is open."""
    return _close(
        company=company,
        dispute_id=dispute_id,
        status=Dispute.Status.RESOLVED,
        resolution=resolution,
        actor=actor,
        on=on,
    )


@transaction.atomic
def dispute_reject(
    *, company: Company, dispute_id: int, actor: Actor, on: date, resolution: str = ""
) -> Dispute:
    """Refuse a dispute as unfounded: the whole claim stands and dunning resumes."""
    return _close(
        company=company,
        dispute_id=dispute_id,
        status=Dispute.Status.REJECTED,
        resolution=resolution,
        actor=actor,
        on=on,
    )


@transaction.atomic
def invoice_disputes_resolve(
    *, company: Company, invoice_id: int, actor: Actor, on: date, resolution: str = ""
) -> list[Dispute]:
    """Resolve every open dispute of an invoice (the invoice page's "clear dispute")."""
    ids = list(
        Dispute.objects.filter(
            company=company, invoice_id=invoice_id, status=Dispute.Status.OPEN
        ).values_list("pk", flat=True)
    )
    return [
        dispute_resolve(company=company, dispute_id=pk, actor=actor, on=on, resolution=resolution)
        for pk in ids
    ]


@transaction.atomic
def disputes_open_bulk(
    *,
    company: Company,
    texts: Mapping[int, str],
    actor: Actor,
    on: date,
    reason: str = Dispute.Reason.OTHER,
) -> list[Dispute]:
    """Open one dispute for the whole open amount on each invoice of `texts` (invoice id → free
    text) in a few queries: imports and the demo generator bring thousands at once. Invoices
    that are not issued, with nothing left to pay (nothing to pause) or already disputed are
    passed over."""
    user = actor_user(actor)
    invoices: list[Invoice] = []
    ids = sorted(texts)
    for start in range(0, len(ids), BULK_ROWS):
        invoices.extend(
            Invoice.objects.filter(
                company=company,
                pk__in=ids[start : start + BULK_ROWS],
                kind=Invoice.Kind.INVOICE,
                status=Invoice.Status.ISSUED,
                disputed=False,
            ).only("pk", "total_amount", "paid_total", "credited_total")
        )
    disputes = Dispute.objects.bulk_create(
        [
            Dispute(
                company=company,
                invoice_id=invoice.pk,
                amount=open_amount(invoice),
                reason=reason,
                reason_text=texts[invoice.pk].strip(),
                opened_on=on,
            )
            for invoice in sorted(invoices, key=lambda i: i.pk)
            if open_amount(invoice) > ZERO
        ],
        batch_size=BULK_ROWS,
    )
    disputed_flag_refresh(company, [d.invoice_id for d in disputes])
    invoice_type = ContentType.objects.get_for_model(Invoice)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                company=company,
                actor=user,
                subject_type=invoice_type,
                subject_id=d.invoice_id,
                kind="collection.dispute_opened",
                after=_snapshot(d),
            )
            for d in disputes
        ],
        batch_size=BULK_ROWS,
    )
    return disputes
