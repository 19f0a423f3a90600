"""`make bench`: aged balance, DSO and the dashboard over 500 000 invoices on PostgreSQL.

A dedicated database `encaisse_bench_analytics` is migrated and, the first time, loaded with
`encaisse demo --customers 5000 --invoices 500000 --slug bench` (about 2 minutes), then
VACUUM ANALYZEd. Then, in one Python process with DATABASE_URL set:

1. `analytics.selectors.aged_balance(company, on=today)` per customer and bucket, best of 3;
2. `analytics.selectors.dso(company, last 12 months)` (simple and countback), best of 3;
3. the full KPI sheet over 12 months (`selectors.kpis`), once;
4. the dashboard and the reports page (`GET /`, `GET /reports/` as the owner, Django test
   client): their first view ever (with Redis, the page that waits while a worker computes the
   figures, and the time until it has; without, the computation in the request), then
   BENCH_REQUESTS (default 100) requests on the stored snapshot, p50/p95;
5. a payment is recorded: with Redis up, a real Celery worker (same database, broker
   BENCH_BROKER, default redis://127.0.0.1:6379/12) recomputes the figures while the page
   serves the previous ones: p50/p95 of the requests meanwhile and the time until the figures
   are fresh; without Redis, the one request that recomputes them in-process;
6. other staff pages at that size (invoice lists, customers, a customer, payments), p50/p95.

Sizes: BENCH_ANALYTICS_INVOICES (default 500000), BENCH_ANALYTICS_CUSTOMERS (5000).
PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/), BENCH_PG=0 to skip.
BENCH_ANALYTICS_RELOAD=1 drops and reloads the database. Figures to read, never assertions.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVOICES = int(os.environ.get("BENCH_ANALYTICS_INVOICES", "500000"))
CUSTOMERS = int(os.environ.get("BENCH_ANALYTICS_CUSTOMERS", "5000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
DATABASE = "encaisse_bench_analytics"
SLUG = "bench"
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/12")
ENCAISSE = str(ROOT / ".venv" / "bin" / "encaisse")
CELERY = str(ROOT / ".venv" / "bin" / "celery")

TIMER = r"""
import os, statistics, time
from datetime import timedelta
from decimal import Decimal
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
import django
django.setup()
from django.conf import settings
settings.ALLOWED_HOSTS = ["*"]
from django.test import Client
from encaisse.analytics import kpi, selectors
from encaisse.core.dates import today
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import make_payment
from encaisse.analytics.models import FigureSnapshot
from encaisse.analytics.snapshots import figures_status
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice

company = Company.objects.get(slug=%(slug)r)
on = today()
year = kpi.Period(on - timedelta(days=364), on)
print(f"ledger: {Invoice.objects.filter(company=company).count()} invoices and credit notes")

def best(label, fn, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    print(f"{label}: best {min(times):.3f} s of {repeat} (first {times[0]:.3f} s)")
    return result

rows = best("aged balance per customer and bucket", lambda: selectors.aged_balance(company, on=on))
print(f"  {len(rows)} customers owing, total {kpi.aging_totals(rows).total} EUR")
dso = best("DSO simple + countback, 12 months", lambda: selectors.dso(company, year))
print(f"  countback {dso.dso_countback} d, simple {dso.dso_simple} d")
sheet = best("KPI sheet, 12 months", lambda: selectors.kpis(company, year), 1)
b = sheet.behaviour
print(f"  ADL weighted {b.average_days_late_weighted} d over {b.count} invoices")

membership = Membership.objects.filter(company=company, role="owner").select_related("user").first()
client = Client()
client.force_login(membership.user)
session = client.session
session["company_id"] = company.pk
session.save()

def get(url="/"):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed

def percentiles(label, times):
    times = sorted(times)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(f"{label} over {len(times)} requests: "
          f"p50 {p(0.5) * 1000:.0f} ms, p95 {p(0.95) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")

def ready(name):
    status = figures_status(company, name, on=on)
    return status.fresh and not status.computing

get("/payments/")  # the process's first request loads URLs and templates: not the dashboard's
FigureSnapshot.objects.filter(company=company).delete()
if settings.CELERY_TASK_ALWAYS_EAGER:
    print(f"dashboard, first computation ever (in the request): {get():.3f} s")
    print(f"reports page, first computation ever (in the request): {get('/reports/'):.3f} s")
else:
    started = time.perf_counter()
    print(f"dashboard, first view ever (queues the computation): {get() * 1000:.0f} ms")
    print(f"reports page, first view ever (queues it): {get('/reports/') * 1000:.0f} ms")
    while not (ready("home") and ready("reports")):
        time.sleep(0.2)
    print(f"  both sets of figures computed by the worker {time.perf_counter() - started:.1f} s "
          "after the first view")
percentiles("dashboard, figures current", [get() for _ in range(%(requests)d)])
percentiles("reports page, figures current", [get("/reports/") for _ in range(%(requests)d)])

customer = Customer.objects.filter(company=company).first()
make_payment(company=company, customer=customer, amount=Decimal("1.00"), received_on=on)
if settings.CELERY_TASK_ALWAYS_EAGER:
    print(f"no broker: dashboard after a payment (recomputed in the request): {get():.3f} s")
else:
    changed = time.perf_counter()
    stale = [get()]  # queues the refresh: the worker recomputes while the page serves
    while not ready("home"):
        stale.append(get())
        time.sleep(0.05)
    fresh_after = time.perf_counter() - changed
    row = FigureSnapshot.objects.get(company=company, name="home")
    percentiles("dashboard after a payment, stale figures served while the worker recomputes",
                stale)
    print(f"  fresh figures {fresh_after:.1f} s after the payment "
          f"(worker computation {row.seconds:.1f} s)")
    percentiles("dashboard, figures current again", [get() for _ in range(%(requests)d)])

for label, url in (
    ("invoice list", "/invoices/"),
    ("invoice list, open ones", "/invoices/?status=open"),
    ("invoice list, > 90 days bucket", f"/invoices/?bucket=90%%2B&as_of={on.isoformat()}"),
    ("customer list", "/customers/"),
    ("customer page", f"/customers/{customer.pk}/"),
    ("payment list", "/payments/"),
):
    get(url)
    percentiles(label, [get(url) for _ in range(20)])
"""


def psql(sql: str, database: str = "postgres") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- psql with our own fixed statements
        ["psql", f"{PG_URL}/{database}", "-qtAc", sql],  # noqa: S607 -- psql from PATH
        capture_output=True,
        text=True,
        check=False,
    )


def ensure_database(env: dict[str, str]) -> None:
    """Migrate `encaisse_bench_analytics` and load the 500k-invoice company the first time
    (BENCH_ANALYTICS_RELOAD=1: from scratch); bench/load.py reuses it."""
    found = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'")  # noqa: S608
    exists = found.stdout.strip()
    if os.environ.get("BENCH_ANALYTICS_RELOAD") == "1" and exists:
        psql(f'DROP DATABASE "{DATABASE}"')
        exists = ""
    if not exists:
        psql(f'CREATE DATABASE "{DATABASE}"')
    subprocess.run([ENCAISSE, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 -- our own command, fixed arguments
        [
            ENCAISSE,
            "demo",
            "--force",  # bench runs with DEBUG off, as a server would
            "--customers",
            str(CUSTOMERS),
            "--invoices",
            str(INVOICES),
            "--slug",
            SLUG,
            "--if-absent",
        ],
        env=env,
        check=True,
    )
    print(f"demo company ready in {time.perf_counter() - started:.1f} s")
    psql("VACUUM ANALYZE", DATABASE)  # as autovacuum leaves a loaded database


def main() -> int:
    if os.environ.get("BENCH_PG", "1") == "0":
        print("BENCH_PG=0: skipped")
        return 0
    if psql("SELECT 1").returncode != 0:
        print(f"no PostgreSQL at {PG_URL}: skipped")
        return 0
    env = {**os.environ, "DATABASE_URL": f"{PG_URL}/{DATABASE}"}
    ensure_database(env)
    code = TIMER % {"slug": SLUG, "requests": REQUESTS}
    timer = [sys.executable, "-c", code]
    if not _redis_up():
        print("no Redis: figures are recomputed in-process after a change")
        return subprocess.run(timer, env=env, check=False).returncode  # noqa: S603
    env["CELERY_BROKER_URL"] = BROKER
    worker = subprocess.Popen(  # noqa: S603 -- celery from our venv
        [CELERY, "-A", "encaisse", "worker", "--pool=solo", "--loglevel=WARNING"], env=env
    )
    try:
        return subprocess.run(timer, env=env, check=False).returncode  # noqa: S603
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _redis_up() -> bool:
    host, port = BROKER.split("//")[1].split("/")[0].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
