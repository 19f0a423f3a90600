"""The daily task through the real Redis broker and a real worker process (skipped without
Redis on 127.0.0.1:6379, failed under CI=true)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from celery import Celery

from encaisse.core.tests.worker import celery_worker, encaisse

BROKER = "redis://127.0.0.1:6379/13"

pytestmark = pytest.mark.usefixtures("needs_redis")


def _encaisse(tmp_path: Path, *args: str) -> str:
    return encaisse(tmp_path, BROKER, *args)


def test_daily_run_through_redis_and_a_worker(tmp_path: Path) -> None:
    # given a small demo company in a database of its own
    _encaisse(tmp_path, "migrate", "-v0")
    _encaisse(
        tmp_path,
        "demo",
        "--customers",
        "10",
        "--invoices",
        "300",
        "--slug",
        "w",
        "--today",
        "2026-11-20",
    )
    expected = _encaisse(
        tmp_path,
        "dunning-run",
        "--company",
        "w",
        "--date",
        "2026-11-23",
        "--dry-run",
        "--format",
        "json",
    )
    app = Celery("probe", broker=BROKER)
    app.control.purge()
    with celery_worker(tmp_path, BROKER):
        try:
            # when the beat's task is sent through the broker
            app.send_task("encaisse.dunning.daily_run", kwargs={"on": "2026-11-23"})
            # then the worker decides the reminders and delivers them (mail files appear)
            db = tmp_path / "worker.sqlite3"
            deadline = time.monotonic() + 90
            created = sent = 0
            while time.monotonic() < deadline:
                with sqlite3.connect(db) as conn:
                    created = conn.execute("SELECT count(*) FROM dunning_reminder").fetchone()[0]
                    sent = conn.execute(
                        "SELECT count(*) FROM dunning_reminder WHERE state = 'sent'"
                    ).fetchone()[0]
                if created and sent:
                    break
                time.sleep(0.5)
            assert created == json.loads(expected)["reminders_created"] > 0
            assert sent > 0
            assert any((tmp_path / "mail").iterdir())
        finally:
            app.control.purge()
