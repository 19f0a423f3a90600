"""Gapless numbering: one counter row per (company, series), locked while a number is taken.

The counter is incremented inside the caller's transaction, so a rollback gives the number
back and no gap appears; concurrent issuers wait on the row lock (PostgreSQL) or on the
database write lock (SQLite).
"""

from __future__ import annotations

from django.db import transaction

from encaisse.core.models import Company, Sequence

NUMBER_WIDTH = 6


def format_number(series: str, number: int) -> str:
    """`F-000042`: alphanumerics and '-' only, well under the 35 characters of EN 16931."""
    return f"{series}-{number:0{NUMBER_WIDTH}d}"


def sequence_next(*, company: Company, series: str) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("sequence_next must run inside the issuing transaction")
    Sequence.objects.get_or_create(company=company, series=series)
    sequence = Sequence.objects.select_for_update().get(company=company, series=series)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return format_number(series, sequence.last_number)
