"""Celery tasks: refresh a company's figures after a change, and every company's each night."""

from __future__ import annotations

from celery import shared_task

from encaisse.analytics import snapshots
from encaisse.core.dates import parse_date, today
from encaisse.core.models import Company


@shared_task(name="encaisse.analytics.refresh_figures")
def refresh_figures(company_id: int, name: str, on: str) -> float:
    """Recompute the figures `name` of a company as of `on`; returns the seconds it took."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None or name not in snapshots.COMPUTE:
        return 0.0
    return round(snapshots.refresh(company, name, on=parse_date(on)).seconds, 3)


@shared_task(name="encaisse.analytics.refresh_all")
def refresh_all_figures(on: str | None = None) -> dict[str, list[str]]:
    """After midnight, every company's figures for the new day, before anyone asks."""
    day = parse_date(on) if on else today()
    done: dict[str, list[str]] = {}
    for company in Company.objects.order_by("pk"):
        for name in sorted(snapshots.COMPUTE):
            snapshots.refresh(company, name, on=day)
            done.setdefault(company.slug, []).append(name)
    return done
