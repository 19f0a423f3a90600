"""Reads of collection: what pauses dunning today, disputes, promises for the worklist."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from encaisse.collection.models import Dispute, Promise
from encaisse.collection.pauses import DunningPauses, Pause, PauseReason
from encaisse.core.models import Company
from encaisse.customers.models import Customer


def dunning_pauses(company: Company, on: date) -> DunningPauses:
    """What is paused on `on`, and why, for the whole company in four queries.

    Disputes and promises are read as they stand (open now), holds against `on`.

    - an open dispute pauses its invoice (the whole invoice for now, even when only a part is
      disputed; the pause carries the disputed amount);
    - an open promise pauses the invoices it names, or all of the customer's when it names
      none, up to and including its date plus grace days;
    - a customer hold pauses all of the customer's invoices up to and including its end date,
      or without end.
    """
    invoices: dict[int, list[Pause]] = defaultdict(list)
    customers: dict[int, list[Pause]] = defaultdict(list)
    for invoice_id, disputed in (
        Dispute.objects.filter(company=company, status=Dispute.Status.OPEN)
        .values("invoice_id")
        .annotate(disputed=Sum("amount"))
        .order_by("invoice_id")
        .values_list("invoice_id", "disputed")
    ):
        invoices[invoice_id].append(Pause(PauseReason.DISPUTE, amount=Decimal(disputed)))
    promises = {
        row["id"]: row
        for row in Promise.objects.filter(company=company, state=Promise.State.OPEN)
        .values("id", "customer_id", "promised_on", "grace_days")
        .order_by("id")
        if on <= row["promised_on"] + timedelta(days=row["grace_days"])
    }
    listed: dict[int, list[int]] = defaultdict(list)
    if promises:
        for promise_id, invoice_id in Promise.invoices.through.objects.filter(
            promise__company=company, promise__state=Promise.State.OPEN
        ).values_list("promise_id", "invoice_id"):
            if promise_id in promises:
                listed[promise_id].append(invoice_id)
    promised_invoice: dict[int, date] = {}
    promised_customer: dict[int, date] = {}
    for promise_id, row in promises.items():
        until = row["promised_on"] + timedelta(days=row["grace_days"])
        targets = (
            [(promised_invoice, i) for i in listed[promise_id]]
            if promise_id in listed
            else [(promised_customer, row["customer_id"])]
        )
        for ends, key in targets:
            ends[key] = max(until, ends.get(key, until))
    for invoice_id, until in promised_invoice.items():
        invoices[invoice_id].append(Pause(PauseReason.PROMISE, until=until))
    for customer_id, until in promised_customer.items():
        customers[customer_id].append(Pause(PauseReason.PROMISE, until=until))
    for customer_id, reason, hold_until in (
        Customer.objects.filter(company=company)
        .exclude(on_hold_reason="")
        .filter(Q(on_hold_until__isnull=True) | Q(on_hold_until__gte=on))
        .values_list("id", "on_hold_reason", "on_hold_until")
        .order_by("id")
    ):
        customers[customer_id].append(Pause(PauseReason.HOLD, until=hold_until, note=reason))
    return DunningPauses(
        on=on,
        invoices={k: tuple(v) for k, v in invoices.items()},
        customers={k: tuple(v) for k, v in customers.items()},
    )


def disputes_for_invoice(company: Company, invoice_id: int) -> QuerySet[Dispute]:
    return (
        Dispute.objects.filter(company=company, invoice_id=invoice_id)
        .select_related("owner")
        .order_by("-opened_on", "-id")
    )


def promises_broken_unhandled(company: Company, *, limit: int = 200) -> list[Promise]:
    """Broken promises nobody has followed up yet, nor replaced by a newer promise of the
    same customer: each is a call to make (the worklist shows them)."""
    newer = Promise.objects.filter(
        company=company, customer_id=OuterRef("customer_id"), created_at__gt=OuterRef("created_at")
    )
    return list(
        Promise.objects.filter(
            company=company, state=Promise.State.BROKEN, followed_up_on__isnull=True
        )
        .exclude(Exists(newer))
        .select_related("customer")
        .order_by("closed_on", "id")[:limit]
    )
