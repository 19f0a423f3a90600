"""The daily task through the real Redis broker and a real worker process (skipped without
Redis on 127.0.0.1:6379). The worker and the commands share a SQLite file of their own."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery

BROKER = "redis://127.0.0.1:6379/13"
BIN = Path(sys.executable).parent


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "CELERY_BROKER_URL": BROKER,
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "ENCAISSE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "encaisse.settings",
    }


def _encaisse(tmp_path: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 -- our own command
        [str(BIN / "encaisse"), *args],
        env=_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


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
    worker = subprocess.Popen(  # noqa: S603 -- celery from our venv
        [str(BIN / "celery"), "-A", "encaisse", "worker", "--pool=solo", "--loglevel=WARNING"],
        env=_env(tmp_path),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
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
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        app.control.purge()
