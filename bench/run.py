"""`make bench`: demo generation rate and balance-report time at 100 000 invoices.

Each database starts empty: a fresh SQLite file (var/bench/bench.sqlite3) and, when a server
answers, a fresh PostgreSQL database `encaisse_bench`. Everything runs in subprocesses with
DATABASE_URL set, as an operator would run it:

1. `encaisse migrate`;
2. `encaisse demo --customers C --invoices N --slug bench` (rate = invoices / wall time,
   and the rate the command reports for its own work);
3. `encaisse report balance --company bench --format json`, end to end, best of 3;
4. `customer_balances(company, as_of=today)` timed inside one Python process, best of 3.

Sizes: BENCH_INVOICES (default 100000) and BENCH_CUSTOMERS (default 1000). PostgreSQL:
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/), BENCH_PG=0 to skip it.
These are figures to read, never assertions.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
CUSTOMERS = int(os.environ.get("BENCH_CUSTOMERS", "1000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
PG_DATABASE = "encaisse_bench"
SLUG = "bench"
SEED = "1"
REPEAT = 3

SELECTOR_TIMER = """
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
import django
django.setup()
from encaisse.core.dates import today
from encaisse.core.models import Company
from encaisse.ledger.positions import customer_balances
company = Company.objects.get(slug=%(slug)r)
times, rows = [], 0
for _ in range(%(repeat)d):
    started = time.perf_counter()
    rows = len(customer_balances(company, as_of=today()))
    times.append(time.perf_counter() - started)
print(json.dumps({"best": min(times), "rows": rows}))
"""


@dataclass
class Figures:
    database: str
    demo_seconds: float | None = None
    demo_summary: str = ""
    report_seconds: float | None = None
    report_rows: int | None = None
    selector_seconds: float | None = None
    selector_rows: int | None = None
    note: str = ""


def encaisse_command() -> list[str]:
    script = Path(sys.executable).with_name("encaisse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "encaisse.manage"]


def run(args: list[str], database_url: str) -> tuple[float, str]:
    """Run a command with DATABASE_URL set; its wall time and stdout. Fails loudly."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 -- our own commands, fixed arguments
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{' '.join(args[-4:])} failed: {last}")
    return seconds, done.stdout


def bench(database: str, database_url: str) -> Figures:
    figures = Figures(database)
    cli = encaisse_command()
    print(f"[{database}] migrate", flush=True)
    run([*cli, "migrate", "--noinput", "-v0"], database_url)
    print(f"[{database}] demo: {CUSTOMERS} customers, {INVOICES} invoices", flush=True)
    figures.demo_seconds, out = run(
        [
            *cli,
            "demo",
            "--force",  # bench runs with DEBUG off, as a server would
            "--customers",
            str(CUSTOMERS),
            "--invoices",
            str(INVOICES),
            "--seed",
            SEED,
            "--slug",
            SLUG,
        ],
        database_url,
    )
    figures.demo_summary = out.strip()
    print(f"[{database}] {figures.demo_summary}", flush=True)
    try:
        times = []
        for _ in range(REPEAT):
            seconds, out = run(
                [*cli, "report", "balance", "--company", SLUG, "--format", "json"], database_url
            )
            times.append(seconds)
            figures.report_rows = len(json.loads(out))
        figures.report_seconds = min(times)
    except RuntimeError as exc:
        figures.note = str(exc)
    _seconds, out = run(
        [sys.executable, "-c", SELECTOR_TIMER % {"slug": SLUG, "repeat": REPEAT}], database_url
    )
    selector = json.loads(out.strip().splitlines()[-1])
    figures.selector_seconds, figures.selector_rows = selector["best"], selector["rows"]
    return figures


def sqlite_url() -> str:
    path = ROOT / "var" / "bench" / "bench.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_url() -> str | None:
    """A fresh `encaisse_bench` database, or None (with the reason printed) when unreachable."""
    if os.environ.get("BENCH_PG") == "0":
        print("PostgreSQL skipped (BENCH_PG=0)")
        return None
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:  # any failure means: no PostgreSQL to measure here
        print(f"PostgreSQL skipped: {PG_URL} unreachable ({str(exc).strip().splitlines()[0]})")
        return None
    return f"{PG_URL}/{PG_DATABASE}"


def _seconds(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f} s"


def table(results: list[Figures]) -> str:
    headers = (
        "database",
        "demo (wall)",
        "invoices/s (wall)",
        "invoices/s (command)",
        "balance report CLI",
        "customer_balances()",
    )
    rows = []
    for f in results:
        rate = f"{INVOICES / f.demo_seconds:,.0f}" if f.demo_seconds else "n/a"
        own = re.search(r"\(([\d.]+) invoices/s\)", f.demo_summary)
        rows.append(
            (
                f.database,
                _seconds(f.demo_seconds),
                rate,
                f"{float(own.group(1)):,.0f}" if own else "n/a",
                f"{_seconds(f.report_seconds)} ({f.report_rows} rows)"
                if f.report_seconds is not None
                else "n/a",
                f"{_seconds(f.selector_seconds)} ({f.selector_rows} rows)",
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(line.rstrip() for line in lines)


def main() -> int:
    print(f"encaisse bench: {INVOICES:,} invoices, {CUSTOMERS:,} customers, seed {SEED}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)\n")
    results = [bench("SQLite", sqlite_url())]
    url = postgres_url()
    if url is not None:
        results.append(bench("PostgreSQL", url))
    print()
    print(table(results))
    print(
        "\ndemo (wall): `encaisse demo` end to end, process start included; "
        "balance report CLI: `encaisse report balance --format json` end to end, best of "
        f"{REPEAT}; customer_balances(): the selector alone in one process, best of {REPEAT}."
    )
    for f in results:
        if f.note:
            print(f"{f.database}: {f.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
