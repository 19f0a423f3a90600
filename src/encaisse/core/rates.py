"""ECB main refinancing rates (taux de refinancement de la BCE): the history that late
penalties are computed with, shipped with the code and updated from a CSV by an operator."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from encaisse.core import penalties
from encaisse.core.dates import parse_date
from encaisse.core.models import EcbRate


def rate_history() -> tuple[penalties.RateChange, ...]:
    rows = [penalties.RateChange(r.effective, r.rate) for r in EcbRate.objects.all()]
    return tuple(rows) or penalties.ECB_MRO_HISTORY


@dataclass(frozen=True, slots=True)
class RatesUpdate:
    added: int
    changed: int


@transaction.atomic
def rates_update(*, path: Path) -> RatesUpdate:
    """Load a CSV of `date,rate` (rate in percent, e.g. 2.15); all rows or none."""
    rows: list[tuple[date, Decimal]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, record in enumerate(csv.reader(handle), start=1):
            if not record or not "".join(record).strip():
                continue
            if number == 1 and not record[0].strip()[:1].isdigit():
                continue  # header
            if len(record) < 2:
                raise ValueError(f"{path.name}: line {number}: expected date,rate")
            try:
                day = parse_date(record[0])
            except ValueError as exc:
                raise ValueError(f"{path.name}: line {number}: date: {exc}") from exc
            try:
                percent = Decimal(record[1].strip().replace(",", ".").rstrip("%").strip())
            except InvalidOperation as exc:
                raise ValueError(f"{path.name}: line {number}: rate: {record[1]!r}") from exc
            if not Decimal(-5) <= percent <= Decimal(30):
                raise ValueError(f"{path.name}: line {number}: rate: {percent} out of range")
            rows.append((day, (percent / 100).quantize(Decimal("0.0001"))))
    added = changed = 0
    for day, rate in rows:
        existing = EcbRate.objects.filter(effective=day).first()
        if existing is None:
            EcbRate.objects.create(effective=day, rate=rate)
            added += 1
        elif existing.rate != rate:
            existing.rate = rate
            existing.save(update_fields=["rate"])
            changed += 1
    return RatesUpdate(added, changed)
