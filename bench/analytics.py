"""`make bench`: aged balance, DSO and the dashboard over 500 000 invoices on PostgreSQL.

A dedicated database `encaisse_bench_analytics` is migrated and, the first time, loaded with
`encaisse demo --customers 5000 --invoices 500000 --slug bench` (about 2 minutes), then
ANALYZEd. Then, in one Python process with DATABASE_URL set:

1. `analytics.selectors.aged_balance(company, on=today)` per customer and bucket, best of 3;
2. `analytics.selectors.dso(company, last 12 months)` (simple and countback), best of 3;
3. the full KPI sheet over 12 months (`selectors.kpis`), once;
4. the dashboard (`GET /` as the owner, Django test client): the first request computes the
   figures (cold), the next BENCH_REQUESTS (default 100) read them from the cache until the
   ledger changes; p50/p95 of those, then one request after a new payment (cold again).

Sizes: BENCH_ANALYTICS_INVOICES (default 500000), BENCH_ANALYTICS_CUSTOMERS (5000).
PostgreSQL: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/), BENCH_PG=0 to skip.
BENCH_ANALYTICS_RELOAD=1 drops and reloads the database. Figures to read, never assertions.
"""

from __future__ import annotations

import os
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
ENCAISSE = str(ROOT / ".venv" / "bin" / "encaisse")

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

def get():
    started = time.perf_counter()
    response = client.get("/")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed

cold = get()
print(f"dashboard cold (figures computed): {cold:.3f} s")
times = sorted(get() for _ in range(%(requests)d))
p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"dashboard warm over {len(times)} requests: "
      f"p50 {p(0.5) * 1000:.0f} ms, p95 {p(0.95) * 1000:.0f} ms")
customer = Customer.objects.filter(company=company).first()
make_payment(company=company, customer=customer, amount=Decimal("1.00"), received_on=on)
print(f"dashboard after a payment is recorded (figures recomputed): {get():.3f} s")
"""


def psql(sql: str, database: str = "postgres") -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- psql with our own fixed statements
        ["psql", f"{PG_URL}/{database}", "-qtAc", sql],  # noqa: S607 -- psql from PATH
        capture_output=True,
        text=True,
        check=False,
    )


def main() -> int:
    if os.environ.get("BENCH_PG", "1") == "0":
        print("BENCH_PG=0: skipped")
        return 0
    if psql("SELECT 1").returncode != 0:
        print(f"no PostgreSQL at {PG_URL}: skipped")
        return 0
    env = {**os.environ, "DATABASE_URL": f"{PG_URL}/{DATABASE}"}
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
    psql("ANALYZE", DATABASE)
    code = TIMER % {"slug": SLUG, "requests": REQUESTS}
    timer = [sys.executable, "-c", code]
    return subprocess.run(timer, env=env, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
