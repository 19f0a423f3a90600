"""Per-company locks (verrous): one dunning run, one delivery, one import at a time per company.

`company_lock(company, name)` holds the lock for a block, or raises `DomainError` with
`CoreCode.COMPANY_BUSY` and a message for people when another process holds it (after polling
for `wait` seconds). It is not re-entrant: a second holder in the same process is refused too.

- **PostgreSQL**: a session-level advisory lock, `pg_try_advisory_lock(key, company id)`, the key
  a constant derived from the name. Session level rather than transaction level because
  delivery commits once per message while it holds the lock; the block releases it, and a
  process that dies releases it with its connection. (A pooler in transaction mode, such as
  pgbouncer's, would break this: encaisse connects directly.)
- **SQLite**: `select_for_update` does nothing and advisory locks do not exist, so a row of
  `CompanyLock` per (company, name) is claimed by a conditional UPDATE (the row's holder must be
  the one just read). A holder is `host:pid:token`; SQLite's file lives on one machine, so a
  holder of this host whose process is gone is free at once, and any holder older than
  `STALE_AFTER` too. Take the lock outside the caller's transaction: the claim then commits at
  once and is visible to other processes (SQLite serialises writers, and a transaction that
  read before another writer committed cannot write).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company, CompanyLock

STALE_AFTER = timedelta(hours=1)  # SQLite only: a holder on another host, or a pid reused
POLL = 0.2  # seconds between two tries while waiting
IMPORT_LOCK = "import"  # bank statements, FEC and invoice files: they write the same ledger
IMPORT_WAIT = 120.0  # seconds: an import waits for the one in progress, then goes in turn
WEB_IMPORT_WAIT = 10.0  # seconds: an upload from the browser waits less, then says so

_held: set[tuple[str, int, str]] = set()
_held_guard = threading.Lock()


def lock_key(name: str) -> int:
    """The advisory lock's first key: a constant of the name, as a signed 32-bit integer.

    >>> lock_key("dunning-run")
    -562878007
    """
    value = zlib.crc32(f"encaisse:{name}".encode())
    return value - (1 << 32) if value >= 1 << 31 else value


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _gone(holder: str) -> bool:
    """Whether the process named by `holder` no longer runs (only knowable on this host)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # ours, yet not in `_held`: left by a block that never released it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _sqlite_try(company: Company, name: str, holder: str) -> bool:
    # The row, once per (company, name) ever: one statement whether it exists or not.
    row = CompanyLock(company=company, name=name)
    CompanyLock.objects.bulk_create([row], ignore_conflicts=True)
    current, since = (
        CompanyLock.objects.filter(company=company, name=name)
        .values_list("holder", "acquired_at")
        .get()
    )
    now = timezone.now()
    free = not current or _gone(current) or (since is not None and since < now - STALE_AFTER)
    if not free:
        return False
    claimed = CompanyLock.objects.filter(company=company, name=name, holder=current).update(
        holder=holder, acquired_at=now
    )
    return claimed == 1


def _sqlite_release(company: Company, name: str, holder: str) -> None:
    CompanyLock.objects.filter(company=company, name=name, holder=holder).update(
        holder="", acquired_at=None
    )


def _pg_try(company: Company, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_key(name), company.pk])
        row = cursor.fetchone()
    return bool(row and row[0])


def _pg_release(company: Company, name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [lock_key(name), company.pk])


def import_lock(company: Company, *, wait: float = IMPORT_WAIT) -> AbstractContextManager[None]:
    """The lock of the company's imports: a second import waits for the first to finish (the
    file is then checked against what the first wrote, so the same file adds nothing). A web
    request waits a few seconds only (`WEB_IMPORT_WAIT`), then says so."""
    busy = _("An import is already in progress for this company; try again in a moment.")
    return company_lock(company, IMPORT_LOCK, wait=wait, busy_message=busy)


@contextmanager
def company_lock(
    company: Company, name: str, *, wait: float = 0, busy_message: str | None = None
) -> Iterator[None]:
    """Hold the company's lock `name` for the block; refuse if still taken after `wait` s."""
    key = (connection.alias, company.pk, name)
    postgres = connection.vendor == "postgresql"
    holder = _holder()
    deadline = time.monotonic() + wait
    while True:
        with _held_guard:
            mine = key not in _held and (
                _pg_try(company, name) if postgres else _sqlite_try(company, name, holder)
            )
            if mine:
                _held.add(key)
        if mine:
            break
        if time.monotonic() >= deadline:
            raise DomainError(
                CoreCode.COMPANY_BUSY,
                busy_message
                or _("Another operation is in progress for this company; try again in a moment."),
                lock=name,
            )
        time.sleep(POLL)
    try:
        yield
    finally:
        with _held_guard:
            _held.discard(key)
            if postgres:
                _pg_release(company, name)
            else:
                _sqlite_release(company, name, holder)


__all__ = [
    "IMPORT_LOCK",
    "STALE_AFTER",
    "WEB_IMPORT_WAIT",
    "company_lock",
    "import_lock",
    "lock_key",
]
