"""Commands (dunning-run, dunning-send, rates-update) and Celery tasks run eagerly."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from encaisse.core.models import Company, EcbRate
from encaisse.customers.models import Customer
from encaisse.dunning.models import Reminder
from encaisse.dunning.tasks import dunning_daily_run
from encaisse.dunning.tests.conftest import invoice_for

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_dunning_run_json_then_nothing_new(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "100.00")
    first = json.loads(
        run("dunning-run", "--company", "acme", "--date", "2025-05-16", "--format", "json")
    )
    assert first == {
        "date": "2025-05-16",
        "reminders_created": 1,
        "by_step": {"J+1": 1},
        "by_channel": {"email": 1},
        "skipped": {},
    }
    second = json.loads(
        run("dunning-run", "--company", "acme", "--date", "2025-05-16", "--format", "json")
    )
    assert second["reminders_created"] == 0
    assert second["skipped"] == {"not_due": 1}


def test_dunning_run_dry_run_table(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "100.00")
    out = run("dunning-run", "--company", "acme", "--date", "16/05/2025", "--dry-run")
    assert out.splitlines()[0] == "Dry run 2025-05-16: 1 reminder(s)"
    assert "J+1" in out
    assert Reminder.objects.count() == 0


def test_dunning_run_bad_date_is_one_line(company: Company) -> None:
    with pytest.raises(CommandError, match="Date invalide 'yesterday'"):
        run("dunning-run", "--company", "acme", "--date", "yesterday")


def test_dunning_send_uses_django_email(company: Company, garage: Customer, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    invoice_for(company, garage, "100.00")
    run("dunning-run", "--company", "acme", "--date", "2025-05-16")
    out = run("dunning-send", "--company", "acme")
    assert out.strip() == "sent 1, failed 0, retrying 0, cancelled 0, uncertain 0"
    assert [m.to for m in mail.outbox] == [["compta@garage.test"]]


def test_rates_update(tmp_path: Path) -> None:
    path = tmp_path / "ecb.csv"
    path.write_text("date,rate\n2025-06-11,2.15\n2026-07-01,1.90\n", encoding="utf-8")
    assert run("rates-update", str(path)).strip() == "1 rate(s) added, 0 changed"
    assert EcbRate.objects.get(effective=date(2026, 7, 1)).rate == Decimal("0.0190")
    assert EcbRate.objects.count() == 20  # 19 shipped by the migration


def test_rates_update_refuses_a_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "ecb.csv"
    path.write_text("date,rate\n2026-07-01,1.90\n2026-09-01,abc\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"ecb.csv: line 3: rate: 'abc'"):
        run("rates-update", str(path))
    assert not EcbRate.objects.filter(effective=date(2026, 7, 1)).exists()


def test_daily_task_runs_eagerly_and_delivers(company: Company, garage: Customer, settings) -> None:
    # given Celery without a broker (tasks run in-process), the locmem mail backend
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from encaisse.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    invoice_for(company, garage, "100.00")
    # when the beat's daily task runs for 16 May
    try:
        result = dunning_daily_run.delay(on="2025-05-16").get()
    finally:
        app.conf.task_always_eager = eager
    # then the company's reminder is decided and delivered
    assert result["acme"]["reminders_created"] == 1
    assert Reminder.objects.get().state == "sent"
    assert len(mail.outbox) == 1


def test_daily_task_skips_a_company_whose_run_is_in_progress(
    company: Company, other_company: Company
) -> None:
    from encaisse.core.locks import company_lock
    from encaisse.dunning.services.runs import RUN_LOCK
    from encaisse.dunning.tasks import dunning_daily_run

    # given a manual run holding the first company
    with company_lock(company, RUN_LOCK):
        # when the beat's run comes
        results = dunning_daily_run(on="2025-05-16")
    # then that company is skipped, the other runs
    assert results[company.slug] == {"skipped": "busy"}
    assert results[other_company.slug]["reminders_created"] == 0
