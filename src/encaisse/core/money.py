"""Money: Decimal with two places, rounded half up, never float.

>>> amount("1234.565")
Decimal('1234.57')
>>> parse_amount("1 234,56")
Decimal('1234.56')
>>> format_eur(Decimal("1234.5"))
'1\u202f234,50\xa0€'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


def quantize(value: Decimal) -> Decimal:
    """Round to the cent, half up, as French invoices and EN 16931 expect."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount(value: Decimal | int | str) -> Decimal:
    """Build a money amount; floats are refused because they carry binary noise."""
    if isinstance(value, float):
        raise TypeError("money amounts must not be built from float")
    try:
        return quantize(Decimal(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


_AMOUNT_CLEAN = re.compile(r"[\s\u00a0\u202f€$£]|EUR", re.IGNORECASE)


def parse_amount(text: str) -> Decimal:
    """Parse a human amount: '1 234,56', '1,234.56', '1234.56', '-12,5', '(12.50)'.

    The last separator followed by one or two digits is the decimal one, so both the
    French and the English conventions are read without being told which.
    """
    raw = _AMOUNT_CLEAN.sub("", text.strip())
    negative = raw.startswith("(") and raw.endswith(")")
    raw = raw.strip("()")
    if not raw or not re.fullmatch(r"[+-]?[\d.,']+", raw):
        raise ValueError(f"not an amount: {text!r}")
    sign = -1 if raw.startswith("-") or negative else 1
    raw = raw.lstrip("+-").replace("'", "")
    last_sep = max(raw.rfind(","), raw.rfind("."))
    head, tail = raw[:last_sep], raw[last_sep + 1 :]
    # A lone separator before exactly three digits groups thousands ("1,000") unless what
    # precedes it cannot be a leading group ("0,005", "1234,567").
    groups_thousands = (
        len(tail) == 3
        and raw.count(raw[last_sep]) == 1
        and 1 <= len(head.replace(",", "").replace(".", "")) <= 3
        and head.lstrip(",.")[:1] != "0"
    ) or raw.count(raw[last_sep]) > 1
    if last_sep >= 0 and not groups_thousands:
        integer, decimals = head, tail
    else:
        integer, decimals = raw, ""
    integer = integer.replace(",", "").replace(".", "")
    if not integer and not decimals:
        raise ValueError(f"not an amount: {text!r}")
    value = Decimal(f"{integer or '0'}.{decimals or '0'}")
    return quantize(sign * value)


def split(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` in proportion to `weights` so that the parts add up exactly.

    Largest remainder: each part is floored to the cent, then the missing cents go to
    the parts that lost most in flooring.
    """
    if not weights or sum(weights) <= 0:
        raise ValueError("weights must be positive")
    cents = int((quantize(total) * 100).to_integral_value())
    weight_sum = sum(weights)
    exact = [Decimal(cents) * w / weight_sum for w in weights]
    floors = [int(e.to_integral_value(rounding="ROUND_FLOOR")) for e in exact]
    missing = cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:missing]:
        floors[i] += 1
    return [Decimal(c) / 100 for c in floors]


def format_eur(value: Decimal, currency: str = "EUR") -> str:
    """French display: narrow no-break space for thousands, comma decimals, '€' after."""
    value = quantize(value)
    sign = "-" if value < 0 else ""
    integer, decimals = f"{abs(value):.2f}".split(".")
    groups: list[str] = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    symbol = "€" if currency == "EUR" else currency
    thousands = NARROW_NBSP.join(groups)
    return f"{sign}{thousands},{decimals}{NBSP}{symbol}"
