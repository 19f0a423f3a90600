"""Reads for the worklist and the customer and invoice panels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from encaisse.collection.models import Promise
from encaisse.collection.selectors import promises_broken_unhandled
from encaisse.core.models import Company
from encaisse.dunning.models import Channel, Reminder


@dataclass(frozen=True, slots=True)
class Worklist:
    approvals: list[Reminder]
    calls: list[Reminder]
    failures: list[Reminder]
    uncertain: list[Reminder]
    broken_promises: list[Promise]


def _reminders(company: Company) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(company=company)
        .select_related("customer", "step")
        .prefetch_related("invoices")
    )


def dunning_worklist(company: Company, *, on: date, limit: int = 200) -> Worklist:
    """What a person must do today: approve, call, fix, decide on messages whose sending was
    interrupted (uncertain), and follow up broken promises (read from collection, which judges
    promises)."""
    return Worklist(
        approvals=list(
            _reminders(company)
            .filter(state=Reminder.State.PENDING_APPROVAL)
            .order_by("run_date", "id")[:limit]
        ),
        calls=list(
            _reminders(company)
            .filter(state=Reminder.State.QUEUED, channel=Channel.PHONE, run_date__lte=on)
            .order_by("run_date", "id")[:limit]
        ),
        failures=list(
            _reminders(company)
            .filter(
                Q(state=Reminder.State.FAILED)
                | (Q(state=Reminder.State.QUEUED) & ~Q(last_error=""))
            )
            .order_by("-updated_at", "-id")[:limit]
        ),
        uncertain=list(
            _reminders(company)
            .filter(state=Reminder.State.UNCERTAIN)
            .order_by("updated_at", "id")[:limit]
        ),
        broken_promises=promises_broken_unhandled(company, limit=limit),
    )


def reminders_for_customer(company: Company, customer_id: int) -> QuerySet[Reminder]:
    return _reminders(company).filter(customer_id=customer_id).order_by("-run_date", "-id")


def reminders_for_invoice(company: Company, invoice_id: int) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(company=company, lines__invoice_id=invoice_id)
        .select_related("step")
        .order_by("-run_date", "-id")
    )


def promises_for_customer(company: Company, customer_id: int) -> QuerySet[Promise]:
    return (
        Promise.objects.filter(company=company, customer_id=customer_id)
        .select_related("created_by")
        .prefetch_related("invoices")
        .order_by("-promised_on", "-id")
    )
