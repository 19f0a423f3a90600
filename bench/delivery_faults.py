"""`make bench`: delivery under SIGKILL, the issue's bar (30 kills, half with a slow answer).

For each database (a fresh SQLite file var/bench/delivery_faults.sqlite3 and, when a server
answers, a fresh PostgreSQL database `encaisse_bench_delivery`), in a subprocess of its own
with DATABASE_URL set: migrate; a company with FAULT_REMINDERS customers (default 100), each
with one invoice overdue, decided by one dunning run (one email reminder each); an SMTP server
on loopback (`dunning.tests.faults.RecordingSmtp`) answering DATA after 0.5 s or at once;
`dunning-send` started as a subprocess and SIGKILLed during a DATA answer FAULT_KILLS times
(default 30, every other one slow), then run to the end. Prints the kills and what the server
received against the reminders' states: duplicates and losses must be 0; the uncertain ones
wait for a person. Figures to read, never assertions.

BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/), BENCH_PG=0 to skip PostgreSQL.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
REMINDERS = int(os.environ.get("FAULT_REMINDERS", "100"))
KILLS = int(os.environ.get("FAULT_KILLS", "30"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
PG_DATABASE = "encaisse_bench_delivery"
SLUG = "faults"


def one_database(label: str) -> None:
    """Runs inside a subprocess whose DATABASE_URL is the bench database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    from encaisse.core.tests.factories import CompanyFactory, CustomerFactory, make_invoice
    from encaisse.dunning.models import Reminder
    from encaisse.dunning.services import dunning_run
    from encaisse.dunning.tests.faults import account, kill_loop, recording_smtp

    call_command("migrate", verbosity=0)
    company = CompanyFactory.create(slug=SLUG, legal_name="Fautes SAS")
    for n in range(REMINDERS):
        customer = CustomerFactory.create(company=company, email=f"c{n}@x.test")
        make_invoice(
            company=company, customer=customer, amount="10.00", issued_on=date(2025, 4, 15)
        )
    created = dunning_run(company=company, on=date(2025, 5, 16)).reminders_created
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "encaisse.settings",
    }
    argv = [sys.executable, "-m", "encaisse.manage", "dunning-send", "--company", SLUG]
    started = time.perf_counter()
    with recording_smtp() as (server, port):
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
        kills = kill_loop(argv=argv, env=env, server=server, kills=KILLS, rng=random.Random(13))
        server.slow = False
        final = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 -- our own command
        received = list(server.received)
    seconds = time.perf_counter() - started
    report = account(received, Reminder.objects.values_list("pk", "message_id", "state"))
    print(
        f"[{label}] reminders {created}, kills {kills.kills} ({kills.slow} slow, "
        f"{kills.kills - kills.slow} fast), runs {kills.runs + 1}, last run: "
        f"{final.stdout.strip() or final.stderr.strip()[-200:]}"
    )
    print(f"[{label}] {report.as_text()}, Message-ID mismatches {report.mismatched_ids}")
    print(f"[{label}] {seconds:.1f} s wall for the kills and the final run")
    print(json.dumps({"database": label, "kills": kills.kills, **report_dict(report)}))


def report_dict(report: object) -> dict[str, int]:
    fields = ("reminders", "received", "sent", "uncertain", "duplicates", "losses")
    return {name: getattr(report, name) for name in fields}


def run_for(label: str, database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(SRC)}
    env.pop("CELERY_BROKER_URL", None)
    done = subprocess.run(  # noqa: S603 -- this script, on one database
        [sys.executable, __file__, "--one", label], env=env, cwd=ROOT, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"[{label}] failed")


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        one_database(sys.argv[2])
        return
    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    sqlite = var / "delivery_faults.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    run_for("sqlite", f"sqlite:///{sqlite}")
    if os.environ.get("BENCH_PG", "1") == "0":
        return
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:
        print(f"[postgresql] skipped: {exc}")
        return
    run_for("postgresql", f"{PG_URL}/{PG_DATABASE}")


if __name__ == "__main__":
    main()
