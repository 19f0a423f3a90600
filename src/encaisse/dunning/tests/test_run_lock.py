"""One dunning run at a time per company (issue 13): a second run exits with one French line.

The runs are real `dunning-run` subprocesses on the test's database; the lock is held by
another real process.
"""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pytest

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory
from encaisse.core.tests.lock_holder import holding
from encaisse.core.tests.shared_db import command_env, manage, run_command, shared_database
from encaisse.dunning.models import Reminder, ReminderInvoice
from encaisse.dunning.services.runs import RUN_LOCK
from encaisse.dunning.tests.conftest import invoice_for

pytestmark = pytest.mark.django_db(transaction=True)
BUSY = "Erreur : Une relance est déjà en cours pour cette société\u00a0; réessayez dans un instant."


def _overdue(company: Company, count: int) -> None:
    for n in range(count):
        invoice_for(company, CustomerFactory.create(company=company, email=f"c{n}@x.test"), "10")


def test_a_run_meeting_a_run_in_progress_exits_with_one_line(
    company: Company, tmp_path: Path
) -> None:
    # given three overdue invoices and another process holding the company's run lock
    _overdue(company, 3)
    args = ("dunning-run", "--company", company.slug, "--date", "2025-05-16", "--format", "json")
    with shared_database(tmp_path) as url:
        with holding(url, company.slug, RUN_LOCK):
            # when a run starts meanwhile
            busy = run_command(url, *args)
        # and once the lock is released
        after = run_command(url, *args)
    # then the first exits with one French line and writes nothing; the second runs
    assert (busy.returncode, busy.stderr.strip(), busy.stdout) == (1, BUSY, "")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["reminders_created"] == 3
    assert Reminder.objects.count() == 3


def test_a_killed_holder_leaves_no_lock_behind(company: Company, tmp_path: Path) -> None:
    # given a process holding the run lock, killed without a chance to release it
    _overdue(company, 2)
    with shared_database(tmp_path) as url:
        with holding(url, company.slug, RUN_LOCK) as holder:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
        # when a run starts
        done = run_command(url, "dunning-run", "--company", company.slug, "--date", "2025-05-16")
    # then it runs
    assert done.returncode == 0, done.stderr
    assert Reminder.objects.count() == 2


def test_two_runs_at_once_one_completes_no_traceback_no_duplicate(
    company: Company, tmp_path: Path
) -> None:
    # given forty overdue invoices
    _overdue(company, 40)
    args = ("dunning-run", "--company", company.slug, "--date", "2025-05-16", "--format", "json")
    with shared_database(tmp_path) as url:
        # when two runs start together (a beat run meeting a manual run)
        runs = [
            subprocess.Popen(  # noqa: S603 -- our own command
                manage(*args),
                env=command_env(url),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
    # then each either ran or exited with the one line, never a traceback
    created = 0
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert "Traceback" not in err
        if run.returncode == 0:
            created += json.loads(out)["reminders_created"]
        else:
            assert (run.returncode, err.strip()) == (1, BUSY)
    # and the reminders were written once
    assert created == Reminder.objects.count() == 40
    assert ReminderInvoice.objects.count() == 40
