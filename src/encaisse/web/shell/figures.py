"""Figures pages (home, reports) read snapshots a worker may still be computing: what such a
page polls, and what it shows while it has nothing yet."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from encaisse.web.shell.access import StaffRequest

FIGURE_PAGES = {"home": "web:home", "reports": "analytics:reports"}


def figures_page(name: str) -> dict[str, str]:
    """What `web/_figures_status.html` needs besides the snapshot: what to poll and reload."""
    return {"name": name, "reload_url": reverse(FIGURE_PAGES[name])}


def figures_pending(request: StaffRequest, name: str, heading: str) -> HttpResponse:
    """A figures page with nothing to show yet: it polls until the worker has stored them."""
    context = {"heading": heading, **figures_page(name)}
    return render(request, "web/figures_pending.html", context)
