"""Faults, each on a server of the test's own (never the shared ones on 5432 and 6379).

(a) PostgreSQL restarted in the middle of `encaisse import-fec`: the import is all or
nothing, ends with one line and a non-zero exit, and the same import then succeeds.
(b) Redis (the Celery broker) down while the staff app serves: pages answer 200 and the
work that would be queued (figures refresh, document rendering after issue) is dropped with
a warning instead of failing the request.

A test that cannot start its server skips, or fails under CI=true (`service_missing`).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from celery import current_app
from django.test import Client

from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.core.tests.needs import service_missing
from encaisse.invoicing.models import Invoice
from encaisse.ledger.tests.fecdata import fec_text, row

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parent.parent
# Debian's PostgreSQL binaries, the newest installed version (.ci/run installs one).
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), default=Path("/nonexistent"))
PG_PORT = 5499
REDIS_PORT = 6399
SALES = 10_000  # invoices in the FEC file: an import long enough to be cut in the middle


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(  # noqa: S603 -- PostgreSQL's own binaries, fixed arguments
        [*prefix, *command], capture_output=True, text=True, timeout=60, check=False
    )


class OwnPostgres:
    def __init__(self, datadir: Path) -> None:
        self.datadir = datadir
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres"

    def ctl(self, action: str) -> None:
        options = f"-p {PG_PORT} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), "-o", options, "-l",
            str(self.datadir / "log"), "-w", "-m", "fast", action,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    def sql(self, query: str) -> str:
        done = subprocess.run(  # noqa: S603 -- psql on our own server
            ["psql", self.url, "-qtAc", query],  # noqa: S607
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return done.stdout.strip()


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    """A throwaway PostgreSQL on 127.0.0.1:5499, removed afterwards."""
    if not (PG_BIN / "initdb").exists() or shutil.which("psql") is None:
        service_missing("no PostgreSQL binaries under /usr/lib/postgresql")
    if not _port_free(PG_PORT):
        service_missing(f"port {PG_PORT} is taken: cannot start a PostgreSQL of our own")
    datadir = Path(tempfile.mkdtemp(prefix="encaisse-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    init = _as_postgres(str(PG_BIN / "initdb"), "-D", str(datadir), "-A", "trust", "-U", "postgres")
    if init.returncode != 0:
        shutil.rmtree(datadir, ignore_errors=True)
        service_missing(f"initdb failed: {init.stderr.strip()[:200]}")
    server = OwnPostgres(datadir)
    server.ctl("start")
    try:
        yield server
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop")
        shutil.rmtree(datadir, ignore_errors=True)


def encaisse(database_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(  # noqa: S603 -- our own command
        [sys.executable, "-m", "encaisse.manage", *args],
        env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def big_fec(path: Path) -> None:
    rows = []
    for n in range(1, SALES + 1):
        number = f"F{n:06d}"
        aux = f"C{n % 500:03d}"
        rows.append(
            row("VE", str(n), "20250110", "411000", "120,00", aux=aux, aux_lib=aux, ref=number)
        )
        rows.append(row("VE", str(n), "20250110", "706000", credit="120,00", ref=number))
    path.write_bytes(fec_text(*rows))


@pytest.mark.postgres
def test_postgres_restarted_during_an_import_leaves_nothing_then_the_import_works(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    # given a migrated database, a company and an FEC of SALES invoices
    migrated = encaisse(own_postgres.url, "migrate", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    created = encaisse(
        own_postgres.url, "company-create", "--name", "Faults SAS", "--siren", "732829320",
        "--slug", "faults",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    fec = tmp_path / "732829320FEC20251231.txt"
    big_fec(fec)
    env = {**os.environ, "DATABASE_URL": own_postgres.url, "PYTHONPATH": str(ROOT / "src")}

    # when the server restarts while the import writes
    importing = subprocess.Popen(  # noqa: S603 -- our own command
        [sys.executable, "-m", "encaisse.manage", "import-fec", str(fec), "--company", "faults"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    writing = (
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
        "AND backend_type = 'client backend' AND backend_xid IS NOT NULL"
    )
    deadline = time.monotonic() + 60
    while own_postgres.sql(writing) == "0":
        assert importing.poll() is None, "the import ended before it wrote: a bigger file"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.05)
    own_postgres.ctl("restart")
    _out, err = importing.communicate(timeout=60)

    # then one line, a non-zero exit, nothing of the file
    assert importing.returncode != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert own_postgres.sql("SELECT count(*) FROM invoicing_invoice") == "0"
    assert own_postgres.sql("SELECT count(*) FROM customers_customer") == "0"

    # and when it is run again, all of it
    again = encaisse(own_postgres.url, "import-fec", str(fec), "--company", "faults")
    assert again.returncode == 0, again.stderr
    assert own_postgres.sql("SELECT count(*) FROM invoicing_invoice") == str(SALES)


@pytest.fixture
def own_redis() -> Iterator[str]:
    """A throwaway Redis on 127.0.0.1:6399 (no persistence); its URL."""
    server = shutil.which("redis-server")
    if server is None or shutil.which("redis-cli") is None:
        service_missing("no redis-server to start one of our own")
    if not _port_free(REDIS_PORT):
        service_missing(f"port {REDIS_PORT} is taken: cannot start a Redis of our own")
    workdir = Path(tempfile.mkdtemp(prefix="encaisse-faults-redis-"))
    subprocess.run(  # noqa: S603 -- redis-server, loopback only, fixed arguments
        [server, "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--daemonize", "yes"],
        check=True, timeout=10,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while _port_free(REDIS_PORT):
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        stop_redis()
        shutil.rmtree(workdir, ignore_errors=True)


def stop_redis() -> None:
    subprocess.run(  # noqa: S603 -- our own Redis only, by its port
        ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],  # noqa: S607
        capture_output=True, timeout=10, check=False,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not _port_free(REDIS_PORT) and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def broker(own_redis: str, settings: Any) -> Iterator[str]:
    """Celery sends to our Redis, as a deployment with CELERY_BROKER_URL set does."""
    conf = current_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_BROKER_URL = own_redis
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ENCAISSE_DOCUMENTS_AT_ISSUE = True
    conf.update(broker_url=own_redis, task_always_eager=False)
    _new_connections()
    # Celery's first look-up of a task by name loads every app's tasks, and its Django fixup
    # configures logging again then (handlers replaced): done here, not inside the test.
    current_app.loader.import_default_modules()
    try:
        yield own_redis
    finally:
        conf.update(saved)
        _new_connections()


def _new_connections() -> None:
    # The app keeps a pool of broker connections: open the next ones with the current URL.
    if current_app._pool is not None:
        current_app._pool.force_close_all()
        current_app._pool = None


def test_staff_pages_are_served_while_redis_is_down(
    broker: str,
    company: Company,
    owner: Membership,
    owner_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a company with an invoice and a draft, whose figures were never computed
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 15))
    draft = make_invoice(company=company, customer=customer, amount="50.00", issued_on=None)

    # when Redis stops
    stop_redis()
    with warnings_logged() as logged, django_capture_on_commit_callbacks(execute=True):
        pages = {url: owner_client.get(url).status_code for url in STAFF_PAGES}
        issued = owner_client.post(f"/invoices/{draft.pk}/issue/", {"issue_date": "2025-02-01"})

    # then every page is served, the issue is done, and what was not queued is said
    assert pages == dict.fromkeys(STAFF_PAGES, 200)
    assert issued.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.ISSUED
    text = "\n".join(logging.Formatter().format(record) for record in logged)
    assert f"document task of invoice {draft.pk} not queued" in text
    assert "could not queue the refresh" in text
    assert "Traceback" not in text


@contextmanager
def warnings_logged() -> Iterator[list[logging.LogRecord]]:
    """The records of WARNING and above logged meanwhile, whatever handlers are configured."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append  # type: ignore[method-assign]  # collect, never print
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield records
    finally:
        root.removeHandler(handler)


STAFF_PAGES = ["/", "/customers/", "/invoices/", "/payments/", "/dunning/worklist/", "/reports/"]
