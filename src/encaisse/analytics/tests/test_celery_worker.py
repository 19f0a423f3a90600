"""Stale figures refreshed by a real worker process through the real Redis broker (skipped
without Redis on 127.0.0.1:6379, failed under CI=true): what the worker stores is what the next
page view reads."""

from __future__ import annotations

import json
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pytest

from encaisse.core.tests.worker import celery_worker, encaisse

BROKER = "redis://127.0.0.1:6379/11"

pytestmark = pytest.mark.usefixtures("needs_redis")

# Runs in `encaisse shell` on the test's database: what a page view does, then a payment.
VIEW = """
import json
from decimal import Decimal
from encaisse.analytics import snapshots
from encaisse.core.dates import today
from encaisse.core.models import Company
from encaisse.payments.services import payment_record
company = Company.objects.get(slug="w")
try:
    snapshot = snapshots.figures(company, "home", on=today())
    result = {"fresh": snapshot.fresh, "open": str(snapshot.value.open_amount)}
except snapshots.FiguresPendingError:
    snapshot, result = None, {"pending": True}
if snapshot and "%(pay)s" == "yes":
    owing = snapshot.value.top_customers[0]  # owes the most: 100.00 is all allocated
    customer = company.customer_set.get(pk=owing.pk)
    payment_record(company=company, customer=customer, amount=Decimal("100.00"),
                   received_on=today(), actor=None)  # allocated oldest due first
print(json.dumps(result))
"""


def _view(tmp_path: Path, *, pay: bool = False) -> dict:
    out = encaisse(tmp_path, BROKER, "shell", "-c", VIEW % {"pay": "yes" if pay else "no"})
    return json.loads(out.strip().splitlines()[-1])


def _wait_for_the_worker(tmp_path: Path) -> None:
    """Until the claimed refresh is stored (the claim is cleared), at most a minute."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        with sqlite3.connect(tmp_path / "worker.sqlite3") as conn:
            (claimed,) = conn.execute(
                "SELECT refresh_requested_at IS NOT NULL FROM analytics_figuresnapshot"
            ).fetchone()
        if not claimed:
            return
    pytest.fail("the worker did not store the figures within a minute")


def test_a_worker_computes_and_refreshes_the_figures_that_the_next_view_reads(
    tmp_path: Path,
) -> None:
    encaisse(tmp_path, BROKER, "migrate", "-v0")
    encaisse(tmp_path, BROKER, "demo", "--customers", "10", "--invoices", "300", "--slug", "w")
    with celery_worker(tmp_path, BROKER):
        # the first view has nothing to show: the worker computes the figures
        assert _view(tmp_path) == {"pending": True}
        _wait_for_the_worker(tmp_path)
        # given those figures, then a payment of 100.00
        first = _view(tmp_path, pay=True)
        assert first["fresh"]
        # when the page is viewed: the previous figures, and a refresh for the worker
        stale = _view(tmp_path)
        assert stale == {"fresh": False, "open": first["open"]}
        _wait_for_the_worker(tmp_path)
    # then the next view reads the worker's figures: fresh, the payment counted
    after = _view(tmp_path)
    assert after["fresh"]
    assert Decimal(after["open"]) == Decimal(first["open"]) - Decimal("100.00")
