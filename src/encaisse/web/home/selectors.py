"""Reads for the staff home page: the dashboard's figures, kept as a snapshot."""

from __future__ import annotations

from datetime import date

from encaisse.analytics import snapshots
from encaisse.analytics.dashboard import HomeFigures
from encaisse.core.models import Company


def home_figures(company: Company, *, on: date) -> snapshots.Snapshot[HomeFigures]:
    """The dashboard's figures as of `on`: stored, recomputed, or stale while a worker
    recomputes them."""
    return snapshots.figures(company, "home", on=on)
