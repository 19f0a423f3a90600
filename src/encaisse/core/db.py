"""Database helpers for money computed in SQL.

SQLite evaluates decimal arithmetic in floating point, so a sum or difference computed in
SQL can come back as 0.180000000000001 or -7e-15: enough to make `open_amount > 0` lie.
Every money expression computed in SQL goes through `money_expr`, which rounds to the cent
in the database (exact on PostgreSQL) and quantizes the value read back.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import DecimalField, Expression, Func, Model, Value

from encaisse.core.money import CENT, quantize

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)
ZERO_VALUE = Value(Decimal("0.00"), output_field=MONEY)


def _quantize(value: Any, expression: Any, connection: Any) -> Decimal | None:
    return None if value is None else quantize(Decimal(value))


class RoundedMoney(Func):
    function = "ROUND"
    template = "%(function)s(%(expressions)s, 2)"
    output_field = MONEY

    def get_db_converters(self, connection: Any) -> list[Callable[..., Any]]:
        return [*super().get_db_converters(connection), _quantize]


def money_expr(expression: Expression | Func) -> RoundedMoney:
    return RoundedMoney(expression, output_field=MONEY)


def quantized(value: Decimal | None) -> Decimal:
    """A money value read from an aggregate, to the cent (None as zero)."""
    return quantize(value) if value is not None else Decimal("0.00")


__all__ = ["CENT", "MONEY", "ZERO_VALUE", "money_expr", "quantized"]


STATISTICS_MIN_ROWS = 10_000


def statistics_refresh(*models: type[Model], inserted: int) -> None:
    """ANALYZE tables a transaction has just filled in bulk, before it reads them back.

    PostgreSQL plans a query on the statistics the tables had before the insert (empty, on a
    first import): a read-back of a million fresh rows then runs as nested loops for minutes.
    ANALYZE may run inside the transaction; SQLite plans without such statistics. Below
    `STATISTICS_MIN_ROWS` inserted rows no plan can go that wrong, and the statistics the
    planner had (autovacuum's) are left as they were.
    """
    if connection.vendor != "postgresql" or inserted < STATISTICS_MIN_ROWS:
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute("ANALYZE " + connection.ops.quote_name(model._meta.db_table))
