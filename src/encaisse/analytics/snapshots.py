"""Figures that scan the whole ledger, served from their last computation while a worker
refreshes them (stale-while-revalidate).

The dashboard reads two years of settlements and every open item: about 15 s at 500 000
invoices, far beyond what a page may take, and any payment changes them. So each set of figures
is computed by a registered function, stored with the ledger state and the day it describes
(`FigureSnapshot`), and read back while both are unchanged. When the ledger has moved on:

- with a broker (`CELERY_BROKER_URL`), the page shows the previous figures, marked stale with
  the time they were computed, and one refresh task is queued (a claim on the row keeps a burst
  of page views from queueing more than one);
- without a broker (the embedded default, small ledgers) the figures are recomputed at once,
  as every task runs in-process there.

With a broker, the first computation of a company's figures is queued too (it takes as long
as any other): `figures` raises `FiguresPendingError` and the page waits for the worker. A
snapshot whose format no longer loads (after an upgrade) counts as missing.
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from encaisse.analytics.models import FigureSnapshot
from encaisse.analytics.selectors import ledger_stamp
from encaisse.core.models import Company
from encaisse.core.tasks import task_enqueue

log = logging.getLogger(__name__)

T = TypeVar("T")
FORMAT = 1  # bump when a registered function's result changes shape: old rows are recomputed
CLAIM_TIMEOUT = timedelta(minutes=15)  # a refresh claimed longer ago is presumed lost
Compute = Callable[[Company, date], Any]
COMPUTE: dict[str, Compute] = {}


def register(name: str) -> Callable[[Compute], Compute]:
    """Register `fn(company, on)` as the computation of the figures called `name`."""

    def decorator(fn: Compute) -> Compute:
        COMPUTE[name] = fn
        return fn

    return decorator


@dataclass(frozen=True, slots=True)
class Snapshot(Generic[T]):
    value: T
    as_of: date
    computed_at: datetime
    fresh: bool  # computed on the current ledger state for the day asked
    seconds: float  # how long the computation took


class FiguresPendingError(Exception):
    """No figures to show yet: their first computation is queued for a worker."""


@dataclass(frozen=True, slots=True)
class Status:
    computed_at: datetime | None
    fresh: bool
    computing: bool  # a refresh is claimed and not yet stored


def figures_status(company: Company, name: str, *, on: date) -> Status:
    """Whether the stored figures are current, without loading them (polled by the page)."""
    row = (
        FigureSnapshot.objects.filter(company=company, name=name)
        .values_list("as_of", "stamp", "computed_at", "refresh_requested_at")
        .first()
    )
    if row is None:
        return Status(None, False, False)
    as_of, stamp, computed_at, requested_at = row
    fresh = as_of == on and stamp == ledger_stamp(company)
    return Status(computed_at, fresh, requested_at is not None)


def figures(company: Company, name: str, *, on: date) -> Snapshot[Any]:
    """The figures `name` of `company` as of `on`: stored, recomputed, or stale while a worker
    recomputes them (see the module docstring).

    Raises FiguresPendingError when there is a broker and no figures to show yet."""
    stamp = ledger_stamp(company)
    row = FigureSnapshot.objects.filter(company=company, name=name).first()
    value = _load(row) if row is not None else None
    if row is not None and value is not None and row.as_of == on and row.stamp == stamp:
        return Snapshot(value, row.as_of, row.computed_at, True, row.seconds)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return refresh(company, name, on=on)
    request_refresh(row or _placeholder(company, name, on=on), on=on)
    if value is None:
        raise FiguresPendingError(name)
    assert row is not None
    return Snapshot(value, row.as_of, row.computed_at, False, row.seconds)


def refresh(company: Company, name: str, *, on: date) -> Snapshot[Any]:
    """Compute the figures now and store them with the ledger state they were computed on.

    The stamp is read first: a change made during the computation leaves the stored figures
    stamped older than the ledger, so the next read refreshes them again."""
    stamp = ledger_stamp(company)
    started = time.perf_counter()
    value = COMPUTE[name](company, on)
    seconds = time.perf_counter() - started
    now = timezone.now()
    fields = {
        "as_of": on,
        "stamp": stamp,
        "computed_at": now,
        "seconds": seconds,
        "data": pickle.dumps((FORMAT, value), protocol=pickle.HIGHEST_PROTOCOL),
        "refresh_requested_at": None,
    }
    try:
        with transaction.atomic():
            FigureSnapshot.objects.update_or_create(company=company, name=name, defaults=fields)
    except IntegrityError:  # another process stored its first computation at the same time
        FigureSnapshot.objects.filter(company=company, name=name).update(**fields)
    return Snapshot(value, on, now, True, seconds)


REFRESH_TASK = "encaisse.analytics.refresh_figures"  # analytics/tasks.py


def request_refresh(row: FigureSnapshot, *, on: date) -> bool:
    """Queue one refresh of `row`'s figures, unless one is already on its way; True if queued.

    The claim is a conditional UPDATE, so of concurrent requests only one wins it."""
    now = timezone.now()
    unclaimed = Q(refresh_requested_at__isnull=True) | Q(
        refresh_requested_at__lt=now - CLAIM_TIMEOUT
    )
    claimed = FigureSnapshot.objects.filter(unclaimed, pk=row.pk).update(refresh_requested_at=now)
    if not claimed:
        return False
    args = (row.company_id, row.name, on.isoformat())
    transaction.on_commit(lambda: _send(REFRESH_TASK, args))
    return True


def _placeholder(company: Company, name: str, *, on: date) -> FigureSnapshot:
    """The row a first computation is claimed on: no data, so it loads as missing."""
    defaults = {"as_of": on, "stamp": "", "computed_at": timezone.now(), "data": b""}
    row, _ = FigureSnapshot.objects.get_or_create(company=company, name=name, defaults=defaults)
    return row


def _send(task: str, args: tuple[Any, ...]) -> None:
    try:
        task_enqueue(task, *args)
    except Exception as exc:  # the broker is down: the stale figures stay, the claim expires
        log.warning("could not queue the refresh of %s: %s", args, exc)


def _load(row: FigureSnapshot) -> Any | None:
    try:
        version, value = pickle.loads(bytes(row.data))  # noqa: S301 -- written by refresh() only
    except Exception:  # a class renamed or moved since: recompute
        return None
    return value if version == FORMAT else None
