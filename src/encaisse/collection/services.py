"""Promises to pay and customer holds: what pauses dunning, recorded with who and when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.collection.models import Promise
from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.customers.services import customer_update
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
        raise DomainError("customer_unknown", _("Unknown customer."))
    if amount <= 0:
        raise DomainError("promise_amount", _("The promised amount must be positive."))
    if promised_on < on:
        raise DomainError("promise_date", _("The promised date cannot be in the past."))
    invoices = list(
        Invoice.objects.filter(company=company, customer=customer, pk__in=list(invoice_ids))
    )
    if len(invoices) != len(set(invoice_ids)):
        raise DomainError("invoice_unknown", _("Unknown invoice."))
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
def promise_close(*, company: Company, promise_id: int, state: str, actor: Actor) -> Promise:
    promise = Promise.objects.select_for_update().get(company=company, pk=promise_id)
    if state not in (Promise.State.KEPT, Promise.State.BROKEN, Promise.State.CANCELLED):
        raise DomainError("promise_state", _("Unknown state."))
    before = promise.state
    promise.state = state
    promise.save(update_fields=["state"])
    audit_record(
        company=company,
        subject=promise.customer,
        kind="collection.promise_closed",
        actor=actor,
        before={"state": before},
        after={"state": state, "promise": promise.pk},
    )
    return promise


@transaction.atomic
def customer_hold_set(
    *, company: Company, customer_id: int, reason: str, until: date | None, actor: Actor
) -> Customer:
    """Put a customer on hold (no reminder) with a reason and an optional end, or lift it."""
    reason = reason.strip()
    before = Customer.objects.get(company=company, pk=customer_id)
    customer = customer_update(
        company=company,
        customer_id=customer_id,
        actor=actor,
        on_hold_reason=reason,
        on_hold_until=until if reason else None,
    )
    audit_record(
        company=company,
        subject=customer,
        kind="customer.hold_changed",
        actor=actor,
        before={"reason": before.on_hold_reason, "until": _iso(before.on_hold_until)},
        after={"reason": customer.on_hold_reason, "until": _iso(customer.on_hold_until)},
    )
    return customer


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
