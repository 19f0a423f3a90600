"""`make bench`: dunning run time over 100 000 open invoices, and messages rendered per second.

Each database starts empty: a fresh SQLite file (var/bench/dunning.sqlite3) and, when a server
answers, a fresh PostgreSQL database `encaisse_bench_dunning`. Steps, in subprocesses with
DATABASE_URL set:

1. `encaisse migrate`, then `encaisse demo --customers C --invoices N --slug dunbench`;
2. every allocation of the demo is removed (raw SQL, bench database only) and the settlement
   stored on invoices refreshed, so that all the demo's invoices are open: the demo pays most
   of them, the target is about open ones;
3. `encaisse dunning-run --company dunbench --date D --dry-run --format json` (decide only)
   and then the real run (decide and write the outbox), end to end, wall time;
4. inside one process: `render_message` over the run's batches, messages per second.

Sizes: BENCH_INVOICES (default 100000), BENCH_CUSTOMERS (default 1000). PostgreSQL:
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/), BENCH_PG=0 to skip it.
Figures to read, never assertions.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
PG_DATABASE = "encaisse_bench_dunning"
SLUG = "dunbench"
DAY = "2026-11-23"  # a Monday: the history of the demo ends that day

PREPARE = """
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
import django
django.setup()
from django.db import connection
from encaisse.core.models import Company
from encaisse.invoicing.selectors import invoice_list
from encaisse.payments.settlement import settlement_refresh
company = Company.objects.get(slug=%(slug)r)
with connection.cursor() as cursor:
    cursor.execute("DELETE FROM payments_allocation WHERE company_id = %%s", [company.pk])
# invoices store what settled them (ADR 4): without this they would still read as paid
settlement_refresh(company)
with connection.cursor() as cursor:
    # the demo inserts in bulk: refresh the planner's statistics as autovacuum would
    cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
print(json.dumps({"open": invoice_list(company, open_only=True).count()}))
"""

RENDER = """
import json, os, time
from datetime import date
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
import django
django.setup()
from encaisse.core.models import Company
from encaisse.dunning.models import ReminderInvoice
from encaisse.dunning.services.rendering import (
    InvoiceLine, Recipient, render_message, templates_for)
company = Company.objects.get(slug=%(slug)r)
templates = templates_for(company)
grouped = {}
for row in ReminderInvoice.objects.filter(company=company).values_list(
    "reminder_id", "reminder__step__template_key", "invoice__number", "invoice__issue_date",
    "invoice__due_date", "invoice__total_amount", "open_amount", "penalty_amount"
):
    key, lines = grouped.setdefault(row[0], (row[1], []))
    lines.append(InvoiceLine(*row[2:]))
batches = list(grouped.values())
recipient = Recipient(name="Client", contact="Mme Martin", email="a@b.test")
started = time.perf_counter()
for key, lines in batches:
    render_message(templates=templates, template_key=key, company=company,
                   recipient=recipient, invoices=lines, on=date(2026, 11, 23))
seconds = time.perf_counter() - started
print(json.dumps({"messages": len(batches), "seconds": seconds}))
"""


def encaisse_command() -> list[str]:
    script = Path(sys.executable).with_name("encaisse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "encaisse.manage"]


CPU: dict[str, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], database_url: str) -> tuple[float, str]:
    """Wall time and stdout; the child's CPU time (user + sys) is kept in CPU["last"]."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CELERY_BROKER_URL", None)
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 -- our own commands, fixed arguments
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    CPU["last"] = _children_cpu() - cpu
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{done.stderr[-2000:]}")
    return seconds, done.stdout


def python(code: str, database_url: str) -> dict:
    _seconds, out = run([sys.executable, "-c", code % {"slug": SLUG}], database_url)
    return json.loads(out.strip().splitlines()[-1])


def bench(label: str, database_url: str) -> None:
    cmd = encaisse_command()
    run([*cmd, "migrate", "-v0"], database_url)
    demo_seconds, _ = run(
        [
            *cmd,
            "demo",
            "--force",  # bench runs with DEBUG off, as a server would
            "--customers",
            str(CUSTOMERS),
            "--invoices",
            str(INVOICES),
            "--slug",
            SLUG,
            "--today",
            DAY,
        ],
        database_url,
    )
    open_count = python(PREPARE, database_url)["open"]
    start_seconds, _ = run([*cmd, "check", "-v0"], database_url)
    start_cpu = CPU["last"]
    dry_seconds, dry_out = run(
        [*cmd, "dunning-run", "--company", SLUG, "--date", DAY, "--dry-run", "--format", "json"],
        database_url,
    )
    dry_cpu = CPU["last"]
    run_seconds, run_out = run(
        [*cmd, "dunning-run", "--company", SLUG, "--date", DAY, "--format", "json"], database_url
    )
    run_cpu = CPU["last"]
    again_seconds, again_out = run(
        [*cmd, "dunning-run", "--company", SLUG, "--date", DAY, "--format", "json"], database_url
    )
    again_cpu = CPU["last"]
    load = os.getloadavg()[0]
    result = json.loads(run_out)
    render = python(RENDER, database_url)
    rate = render["messages"] / render["seconds"] if render["seconds"] else 0.0
    print(f"[{label}] demo {INVOICES} invoices / {CUSTOMERS} customers: {demo_seconds:.1f} s")
    print(f"[{label}] open invoices: {open_count}")
    print(f"[{label}] command start-up (encaisse check): {start_seconds:.2f} s / {start_cpu:.2f} s")
    print(f"[{label}] load average while measuring: {load:.1f} (figures below: wall / CPU)")
    print(f"[{label}] dunning-run --dry-run (decide only): {dry_seconds:.2f} s / {dry_cpu:.2f} s")
    print(
        f"[{label}] dunning-run (decide + write outbox): {run_seconds:.2f} s / {run_cpu:.2f} s, "
        f"{result['reminders_created']} reminders, skipped {result['skipped']}"
    )
    print(
        f"[{label}] second run same day: {again_seconds:.2f} s / {again_cpu:.2f} s, "
        f"created {json.loads(again_out)['reminders_created']}"
    )
    print(f"[{label}] messages rendered: {rate:.0f}/s ({render['messages']} messages)")
    json.loads(dry_out)


def main() -> None:
    var = ROOT / "var" / "bench"
    var.mkdir(parents=True, exist_ok=True)
    sqlite = var / "dunning.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    bench("sqlite", f"sqlite:///{sqlite}")
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
    bench("postgresql", f"{PG_URL}/{PG_DATABASE}")


if __name__ == "__main__":
    main()
