"""E-invoicing lifecycle (cycle de vie): the statuses an issued e-invoice goes through.

A platform connector (plateforme agréée) or a user records them; encaisse records 212
"Encaissée" itself when an invoice becomes fully paid. 207 (disputed) and 210 (refused)
open a dispute, which stops reminders until it is resolved: collection owns disputes, so
callers record statuses through `collection.services.invoice_lifecycle_record`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice, LifecycleEvent, LifecycleStatus
from encaisse.invoicing.services import invoice_lock

DISPUTING = frozenset({LifecycleStatus.DISPUTED, LifecycleStatus.REFUSED})


@transaction.atomic
def lifecycle_record(
    *,
    company: Company,
    invoice_id: int,
    status: str,
    on: date,
    actor: Actor,
    source: str = LifecycleEvent.Source.STAFF,
    amount: Decimal | None = None,
    platform: str = "",
    message: str = "",
) -> LifecycleEvent:
    """Record one lifecycle status of an issued invoice or credit note."""
    try:
        invoice = invoice_lock(company=company, pk=invoice_id)
    except Invoice.DoesNotExist as exc:
        raise DomainError(InvoicingCode.INVOICE_UNKNOWN, _("Unknown invoice.")) from exc
    if invoice.status != Invoice.Status.ISSUED:
        raise DomainError(
            InvoicingCode.LIFECYCLE_NOT_ISSUED,
            _("Only an issued invoice has e-invoicing statuses."),
        )
    if status not in LifecycleStatus.values:
        raise DomainError(
            InvoicingCode.LIFECYCLE_STATUS, _("Unknown e-invoicing status %(s)s.") % {"s": status}
        )
    if invoice.issue_date and on < invoice.issue_date:
        raise DomainError(
            InvoicingCode.LIFECYCLE_DATE, _("A status cannot predate the invoice's issue date.")
        )
    if amount is not None and not Decimal(0) < amount <= invoice.total_amount:
        raise DomainError(
            InvoicingCode.LIFECYCLE_AMOUNT,
            _("The amount must be positive and at most the invoice total."),
        )
    event = LifecycleEvent.objects.create(
        company=company,
        invoice=invoice,
        status=status,
        occurred_on=on,
        amount=amount,
        source=source,
        platform=platform[:100],
        message=message[:500],
    )
    audit_record(
        company=company,
        subject=invoice,
        kind="invoice.lifecycle",
        actor=actor,
        after={
            "status": status,
            "label": str(LifecycleStatus(status).label),
            "on": on.isoformat(),
            "source": source,
        },
    )
    return event


def lifecycle_paid_record(*, company: Company, invoice_id: int, on: date) -> None:
    """Record 212 "Encaissée" once, when an invoice has just become fully paid."""
    invoice = Invoice.objects.get(company=company, pk=invoice_id)
    if invoice.is_credit_note or invoice.status != Invoice.Status.ISSUED:
        return
    if LifecycleEvent.objects.filter(
        company=company, invoice=invoice, status=LifecycleStatus.PAID
    ).exists():
        return
    LifecycleEvent.objects.create(
        company=company,
        invoice=invoice,
        status=LifecycleStatus.PAID,
        occurred_on=max(on, invoice.issue_date or on),
        amount=invoice.total_amount,
        source=LifecycleEvent.Source.SYSTEM,
    )


def lifecycle_events(company: Company, invoice: Invoice) -> QuerySet[LifecycleEvent]:
    return LifecycleEvent.objects.filter(company=company, invoice=invoice).order_by(
        "occurred_on", "id"
    )
