"""Promises to pay (promesses de paiement): recorded, then judged kept or broken once their date
plus grace has passed, always with an audit row per promise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from encaisse.collection.errors import CollectionCode
from encaisse.collection.models import Promise
from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import AuditEvent, Company
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice

DEFAULT_GRACE_DAYS = 3


@transaction.atomic
def promise_create(
    *,
    company: Company,
    customer: Customer,
    promised_on: date,
    amount: Decimal,
    actor: Actor,
    on: date,
    contact_name: str = "",
    invoice_ids: Sequence[int] = (),
    note: str = "",
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> Promise:
    """Record a promise to pay: dunning of the invoices (all of the customer's when none is
    named) waits until the promised date plus the grace days; broken, dunning resumes."""
    if customer.company_id != company.pk:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    if amount <= 0:
        raise DomainError(CollectionCode.PROMISE_AMOUNT, _("The promised amount must be positive."))
    if promised_on < on:
        raise DomainError(
            CollectionCode.PROMISE_DATE, _("The promised date cannot be in the past.")
        )
    invoices = list(
        Invoice.objects.filter(company=company, customer=customer, pk__in=list(invoice_ids))
    )
    if len(invoices) != len(set(invoice_ids)):
        raise DomainError(InvoicingCode.INVOICE_UNKNOWN, _("Unknown invoice."))
    promise = Promise.objects.create(
        company=company,
        customer=customer,
        promised_on=promised_on,
        amount=amount,
        contact_name=contact_name.strip(),
        grace_days=grace_days,
        note=note,
        created_by=actor_user(actor),
    )
    promise.invoices.set(invoices)
    audit_record(
        company=company,
        subject=customer,
        kind="collection.promise_created",
        actor=actor,
        after={
            "promise": promise.pk,
            "promised_on": promised_on.isoformat(),
            "amount": str(amount),
            "by": promise.contact_name,
        },
    )
    return promise


@transaction.atomic
def promise_close(
    *, company: Company, promise_id: int, state: str, actor: Actor, on: date
) -> Promise:
    """Close an open promise by hand: kept, broken or cancelled."""
    promise = Promise.objects.select_for_update().get(company=company, pk=promise_id)
    if state not in (Promise.State.KEPT, Promise.State.BROKEN, Promise.State.CANCELLED):
        raise DomainError(CollectionCode.PROMISE_STATE, _("Unknown state."))
    if promise.state != Promise.State.OPEN:
        raise DomainError(CollectionCode.PROMISE_CLOSED, _("This promise is already closed."))
    before = promise.state
    promise.state, promise.closed_on = state, on
    promise.save(update_fields=["state", "closed_on"])
    audit_record(
        company=company,
        subject=promise.customer,
        kind="collection.promise_closed",
        actor=actor,
        before={"state": before},
        after={"state": state, "promise": promise.pk},
    )
    return promise


@dataclass(frozen=True, slots=True)
class SettleResult:
    kept: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)


def _owed(company: Company, invoice_ids: set[int] | None = None) -> tuple[set[int], set[int]]:
    """Issued invoices with something left to pay (stored settlement, ADR 0004), and their
    customers."""
    qs = Invoice.objects.filter(
        company=company, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
    ).filter(total_amount__gt=F("paid_total") + F("credited_total"))
    if invoice_ids is not None:
        qs = qs.filter(pk__in=sorted(invoice_ids))
    rows = list(qs.values_list("id", "customer_id"))
    return {i for i, _c in rows}, {c for _i, c in rows}


@transaction.atomic
def promises_settle(*, company: Company, on: date) -> SettleResult:
    """Judge every open promise whose date plus grace days is before `on`: kept when nothing it
    covered (its invoices, or all of the customer's when it names none) is still owed, broken
    otherwise. Set-based: a fixed number of queries, one audit row per promise changed.

    Runs before the dunning run decides, so a broken promise no longer pauses anything and is
    shown on the worklist (`promises_broken_unhandled`).
    """
    due = {
        row["id"]: row
        for row in Promise.objects.filter(company=company, state=Promise.State.OPEN)
        .values("id", "customer_id", "promised_on", "grace_days")
        .order_by("id")
        if row["promised_on"] + timedelta(days=row["grace_days"]) < on
    }
    if not due:
        return SettleResult()
    listed: dict[int, list[int]] = defaultdict(list)
    for promise_id, invoice_id in Promise.invoices.through.objects.filter(
        promise__company=company, promise_id__in=sorted(due)
    ).values_list("promise_id", "invoice_id"):
        listed[promise_id].append(invoice_id)
    owed_invoices, owed_customers = _owed(company)
    result = SettleResult()
    for promise_id, row in due.items():
        covered = listed.get(promise_id)
        owed = (
            any(i in owed_invoices for i in covered)
            if covered
            else row["customer_id"] in owed_customers
        )
        (result.broken if owed else result.kept).append(promise_id)
    for ids, state in ((result.broken, Promise.State.BROKEN), (result.kept, Promise.State.KEPT)):
        if ids:
            Promise.objects.filter(company=company, pk__in=ids, state=Promise.State.OPEN).update(
                state=state, closed_on=on
            )
    customer_type = ContentType.objects.get_for_model(Customer)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                company=company,
                subject_type=customer_type,
                subject_id=due[promise_id]["customer_id"],
                kind="collection.promise_closed",
                before={"state": Promise.State.OPEN.value},
                after={"state": state.value, "promise": promise_id, "on": on.isoformat()},
            )
            for ids, state in (
                (result.broken, Promise.State.BROKEN),
                (result.kept, Promise.State.KEPT),
            )
            for promise_id in ids
        ],
        batch_size=1000,
    )
    return result


@transaction.atomic
def promise_follow_up(*, company: Company, promise_id: int, actor: Actor, on: date) -> Promise:
    """Take a broken promise off the worklist: someone called the customer about it."""
    promise = Promise.objects.select_for_update().get(company=company, pk=promise_id)
    if promise.state != Promise.State.BROKEN or promise.followed_up_on is not None:
        raise DomainError(
            CollectionCode.PROMISE_NOT_BROKEN, _("Only a broken promise can be followed up.")
        )
    promise.followed_up_on = on
    promise.save(update_fields=["followed_up_on"])
    audit_record(
        company=company,
        subject=promise.customer,
        kind="collection.promise_followed_up",
        actor=actor,
        after={"promise": promise.pk, "on": on.isoformat()},
    )
    return promise
