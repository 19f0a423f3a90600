"""Delivery under SIGKILL: exactly once, or visibly uncertain (issue 13).

`dunning-send` runs as a real subprocess against the test's database and a real SMTP server on
loopback; it is killed six times during a DATA answer (three slow answers, three fast), then
run to the end. The full 30-kill run is `bench/delivery_faults.py`.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory
from encaisse.core.tests.shared_db import command_env, manage, run_command, shared_database
from encaisse.dunning.models import Reminder
from encaisse.dunning.services import dunning_run
from encaisse.dunning.tests.conftest import invoice_for
from encaisse.dunning.tests.faults import account, kill_loop, recording_smtp

pytestmark = pytest.mark.django_db(transaction=True)


def test_killed_delivery_sends_nothing_twice_and_loses_nothing(
    company: Company, tmp_path: Path
) -> None:
    # given 24 customers with an overdue invoice each: 24 email reminders queued
    for n in range(24):
        customer = CustomerFactory.create(company=company, email=f"c{n}@x.test")
        invoice_for(company, customer, "10.00")
    assert dunning_run(company=company, on=date(2025, 5, 16)).reminders_created == 24
    with recording_smtp() as (server, port), shared_database(tmp_path) as url:
        env = command_env(url, EMAIL_URL=f"smtp://127.0.0.1:{port}")
        argv = manage("dunning-send", "--company", company.slug)
        # when dunning-send is killed six times during a DATA answer, half of them slow
        kills = kill_loop(argv=argv, env=env, server=server, kills=6, rng=random.Random(13))
        # and then runs to the end
        final = run_command(url, "dunning-send", "--company", company.slug, **env)
        received = list(server.received)
    assert final.returncode == 0, final.stderr
    assert (kills.kills, kills.slow) == (6, 3)
    # then no reminder was received twice, none is marked sent without being received, and
    # every reminder is either sent or uncertain for a person to decide
    report = account(received, Reminder.objects.values_list("pk", "message_id", "state"))
    assert (report.reminders, report.duplicates, report.losses) == (24, 0, 0)
    assert report.mismatched_ids == 0
    assert report.sent + report.uncertain == 24
    assert 1 <= report.uncertain <= 6  # at most one message in flight per kill
