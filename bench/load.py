"""`make bench`: 50 staff users on the 500 000-invoice company, through gunicorn, on loopback.

Target (DESIGN.md): p95 < 300 ms, 0 errors. Reuses the PostgreSQL database that
bench/analytics.py builds (`encaisse_bench_analytics`, built the same way when missing), then:

1. makes BENCH_LOAD_USERS (default 50) staff users `load01`... with a credit-manager
   membership in the company (once);
2. starts gunicorn on 127.0.0.1 (2 sync workers, this checkout's code, no broker: figures are
   read from the snapshot the warm-up computes);
3. logs every user in (not timed), asks each page once (warm-up: the dashboard and reports
   figures are computed then, not during the run);
4. for BENCH_LOAD_SECONDS (default 60), each user, in its own thread, asks a page drawn from
   PAGES (home, customers, a customer, invoice lists with filters, an invoice, payments,
   worklist, reports), then thinks BENCH_LOAD_THINK seconds (default "1-3", as locust's
   `between(1, 3)`);
5. prints per page and overall p50/p95/p99, requests, errors and the load average.

Every request goes to 127.0.0.1; the run is bounded in time and each request by a 30 s timeout.
Figures to read, never assertions.
"""

from __future__ import annotations

import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
from analytics import DATABASE, PG_URL, SLUG, ensure_database, psql

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
THINK = tuple(float(t) for t in os.environ.get("BENCH_LOAD_THINK", "1-3").split("-"))
WORKERS = os.environ.get("BENCH_LOAD_WORKERS", "2")
PASSWORD = "load-bench-password"  # noqa: S105 -- a throwaway password of a bench database
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
TIMEOUT = 30

SETUP = r"""
import json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
import django
django.setup()
from django.contrib.auth.models import User
from encaisse.core.models import Company, Membership, Role
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice

company = Company.objects.get(slug=%(slug)r)
for n in range(1, %(users)d + 1):
    user, created = User.objects.get_or_create(username=f"load{n:02d}")
    if created:
        user.set_password(%(password)r)
        user.save()
    Membership.objects.get_or_create(
        company=company, user=user, defaults={"role": Role.CREDIT_MANAGER}
    )
customers = list(
    Customer.objects.filter(company=company).order_by("?").values_list("pk", flat=True)[:50]
)
invoices = list(
    Invoice.objects.filter(company=company, kind="invoice")
    .exclude(number="").order_by("?").values_list("pk", flat=True)[:50]
)
names = list(Customer.objects.filter(pk__in=customers[:10]).values_list("name", flat=True))
print(json.dumps({
    "customers": customers, "invoices": invoices, "names": names,
    "invoice_count": Invoice.objects.filter(company=company).count(),
    "customer_count": Customer.objects.filter(company=company).count(),
}))
"""


def pages(sample: dict[str, list]) -> list[tuple[str, int, object]]:
    """(label, weight, url or a function giving one): what staff open, how often."""
    customers, invoices, names = sample["customers"], sample["invoices"], sample["names"]

    def word() -> str:
        return random.choice(names).split()[0]

    return [
        ("home", 3, "/"),
        ("customer list", 2, "/customers/"),
        ("customer search", 1, lambda: f"/customers/?q={word()}"),
        ("customer page", 3, lambda: f"/customers/{random.choice(customers)}/"),
        ("invoice list", 2, "/invoices/"),
        ("invoice list, open", 2, "/invoices/?status=open"),
        ("invoice list, overdue 90+", 1, "/invoices/?bucket=90%2B"),
        ("invoice search", 1, lambda: f"/invoices/?q={word()}"),
        ("invoice page", 3, lambda: f"/invoices/{random.choice(invoices)}/"),
        ("payment list", 2, "/payments/"),
        ("worklist", 2, "/dunning/worklist/"),
        ("reports", 1, "/reports/"),
    ]


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/login/", timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    answer = session.post(
        f"{base}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{base}/login/"},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"{username} could not log in: {answer.status_code}")
    return session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login/", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def percentile(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def drive(base: str, sessions: list[requests.Session], mix: list) -> dict[str, list]:
    """Each session in its own thread until the deadline; (seconds, ok) per request and page."""
    results: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    lock = threading.Lock()
    labels = [label for label, _, _ in mix]
    weights = [weight for _, weight, _ in mix]
    urls = {label: url for label, _, url in mix}
    deadline = time.monotonic() + SECONDS

    def user(session: requests.Session) -> None:
        time.sleep(random.uniform(0, THINK[1]))
        while time.monotonic() < deadline:
            label = random.choices(labels, weights)[0]
            url = urls[label]
            path = url() if callable(url) else url
            started = time.perf_counter()
            try:
                ok = session.get(base + path, timeout=TIMEOUT).status_code == 200
            except requests.RequestException:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                results[label].append((elapsed, ok))
            time.sleep(random.uniform(*THINK))

    threads = [threading.Thread(target=user, args=(s,)) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + TIMEOUT + THINK[1] + 5)
    return results


def report(results: dict[str, list]) -> None:
    everything = [r for rows in results.values() for r in rows]
    print(f"{'page':28} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for label, rows in [*sorted(results.items()), ("ALL", everything)]:
        times = [t for t, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        print(
            f"{label:28} {len(rows):8d} {errors:6d} {percentile(times, 0.5):7.0f} "
            f"{percentile(times, 0.95):7.0f} {percentile(times, 0.99):7.0f}"
        )
    print(f"throughput {len(everything) / SECONDS:.1f} requests/s")


def main() -> int:
    if os.environ.get("BENCH_PG", "1") == "0":
        print("BENCH_PG=0: skipped")
        return 0
    if psql("SELECT 1").returncode != 0:
        print(f"no PostgreSQL at {PG_URL}: skipped")
        return 0
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_URL}/{DATABASE}",
        "PYTHONPATH": str(ROOT / "src"),  # this checkout's code, as the other benches run it
        "ALLOWED_HOSTS": "127.0.0.1",
        # Production settings (DEBUG off, a key of its own) but plain http: the bench talks to
        # gunicorn on loopback, where a TLS proxy would sit in front of it in production.
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CELERY_BROKER_URL": "",
    }
    ensure_database(env)
    setup = SETUP % {"slug": SLUG, "users": USERS, "password": PASSWORD}
    sample = json.loads(
        subprocess.run(  # noqa: S603 -- our own setup code
            [sys.executable, "-c", setup], env=env, check=True, capture_output=True, text=True
        ).stdout
    )
    print(
        f"company: {sample['invoice_count']} invoices and credit notes, "
        f"{sample['customer_count']} customers; {USERS} staff users, {SECONDS:.0f} s, "
        f"think {THINK[0]:g}-{THINK[1]:g} s, gunicorn {WORKERS} sync workers"
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 -- gunicorn from our venv, loopback only
        [
            *(GUNICORN, "encaisse.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", WORKERS, "--timeout", "300", "--log-level", "warning"),
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for(base)
        sessions = [login(base, f"load{n:02d}") for n in range(1, USERS + 1)]
        mix = pages(sample)
        started = time.perf_counter()
        for _label, _, url in mix:  # warm-up: figures, templates, caches of both workers
            for _ in range(2):
                sessions[0].get(base + (url() if callable(url) else url), timeout=600)
        print(f"warm-up (figures computed once) {time.perf_counter() - started:.1f} s")
        before = os.getloadavg()
        results = drive(base, sessions, mix)
        after = os.getloadavg()
        report(results)
        print(
            "load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f} "
            "(1, 5, 15 min; 2 cores)".format(*before, *after)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
