"""Celery tasks: the daily run for every company, and delivery of the outbox."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from encaisse.core.dates import today
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.dunning.services import deliver_pending, dunning_run


@shared_task(name="encaisse.dunning.daily_run")
def dunning_daily_run(on: str | None = None) -> dict[str, dict]:
    """Decide the reminders of every company, then deliver what needs no approval.

    A company whose run is already in progress (a manual run) is skipped: {"skipped": "busy"}.
    """
    from encaisse.core.dates import parse_date

    day = parse_date(on) if on else today()
    results = {}
    for company in Company.objects.order_by("pk"):
        try:
            results[company.slug] = dunning_run(company=company, on=day).as_json()
        except DomainError as exc:
            if exc.code != CoreCode.COMPANY_BUSY:
                raise
            results[company.slug] = {"skipped": "busy"}
    dunning_deliver.delay()
    return results


@shared_task(name="encaisse.dunning.deliver")
def dunning_deliver() -> dict[str, int]:
    result = deliver_pending(now=timezone.now())
    return {
        "sent": result.sent,
        "failed": result.failed,
        "retrying": result.retrying,
        "cancelled": result.cancelled,
        "uncertain": result.uncertain,
        "busy": result.busy,
    }
