"""Customer holds (no reminder for a while), recorded with who and when."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from encaisse.core.actors import Actor
from encaisse.core.audit import audit_record
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.customers.services import customer_update


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
