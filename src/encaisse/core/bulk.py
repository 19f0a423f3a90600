"""Bulk writes for generators and importers: rows straight to the driver, ids handed out first.

Used where the ORM's per-object work would dominate (demo generation, FEC import of a million
lines). The callers keep the invariants themselves and write inside one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Model


class BulkTable:
    """Inserts many rows of one model: `columns` given per row, other fields at their default.

    Values must be ready for the driver (str, int, bool, date, Decimal, None). PostgreSQL
    gets them through COPY, SQLite through one executemany; both skip the ORM's per-object
    work, which dominates a bulk_create of millions of rows.
    """

    def __init__(self, model: type[Model], columns: Sequence[str], now: datetime) -> None:
        fields = {f.name: f for f in model._meta.concrete_fields}
        if unknown := [c for c in columns if c not in fields]:
            raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
        names = [str(fields[c].column) for c in columns]
        constants = []
        for field in fields.values():
            if field.name in columns or field.primary_key:
                continue
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            value = now if auto else field.get_default()
            names.append(str(field.column))
            constants.append(field.get_db_prep_save(value, connection))
        self.constants = tuple(constants)
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(name) for name in names)
        self.placeholders = ", ".join(["%s"] * len(names))

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> None:
        full_rows = [row + self.constants for row in rows]
        if not full_rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                copy_sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in full_rows:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    # Names come from the model's metadata, quoted; values are parameters.
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({self.placeholders})",  # noqa: S608
                    full_rows,
                )


class IdBlock:
    """Primary keys handed out before the rows are written, so children can point at them.

    PostgreSQL draws them from the table's own sequence (safe with concurrent writers);
    SQLite continues after the largest id, which is safe because the transaction already
    holds the database's write lock (the company row was written first).
    """

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.next_id: int | None = None

    def take(self, count: int) -> list[int]:
        if count == 0:
            return []
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id "
                    "FROM generate_series(1, %s) ORDER BY id",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if self.next_id is None:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                self.next_id = (cursor.fetchone()[0] or 0) + 1
        first = self.next_id
        self.next_id += count
        return list(range(first, first + count))
