"""Cells to checked invoice rows: dates, amounts, flags and identifiers, with errors as data.

Pure module: no database. Every row is read and every problem is collected, so that the
person fixing the file sees all of them at once, each with its line and field.

Dates: ISO (2025-03-31), compact (20250331), dd/mm/yyyy or m/d/yyyy. The convention of
slashed dates is decided once per file: if any date of the file can only be read one way
(31/03/2025, or 3/31/2025) that way is used for all of them; a file that has both is refused
(tell it with a date format); with nothing to decide by, day first (the French way). Cells
that a spreadsheet already typed as dates are taken as they are.

>>> date_convention(["3/31/2025", "4/1/2025"])
'mdy'
>>> parse_date_cell("4/1/2025", "mdy")
datetime.date(2025, 4, 1)
>>> parse_flag("Oui"), parse_flag(""), parse_flag("x")
(True, False, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siren as fr_siren

from encaisse.core.dates import parse_date
from encaisse.core.exceptions import FileProblem
from encaisse.core.money import parse_amount, quantize
from encaisse.invoicing.importer.mapping import Columns
from encaisse.invoicing.importer.reading import Cell, Row, cell_text

DateFormat = Literal["dmy", "mdy", "iso"]
DATE_FORMATS: tuple[DateFormat, ...] = ("dmy", "mdy", "iso")
DATE_FIELDS = ("issue_date", "due_date", "paid_date")

MAX_NUMBER = 35  # Invoice.number
MAX_REF = 50  # Customer.reference
MAX_NAME = 200  # Customer.name
MAX_AMOUNT = Decimal("999999999999.99")  # 14 digits, 2 decimals

TRUE_WORDS = frozenset({"yes", "y", "oui", "o", "1", "true", "vrai", "x", "litige", "disputed"})
FALSE_WORDS = frozenset({"no", "n", "non", "0", "false", "faux", "", "-"})

_SLASHED = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_ISO_LIKE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{8})$")
_TIME_SUFFIX = re.compile(r"^(\S+)[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One line of the file, checked: what the service needs to write an invoice."""

    line: int
    number: str
    customer_ref: str
    customer_name: str
    siren: str
    issue_date: date
    due_date: date | None  # None: from the customer's or the company's terms
    total: Decimal  # negative for a credit note
    currency: str
    paid_amount: Decimal  # what was already paid on it, 0 if nothing
    paid_date: date | None  # None with a paid amount: the payment is dated the import day
    disputed: bool

    @property
    def is_credit_note(self) -> bool:
        return self.total < 0


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def _strip_time(text: str) -> str:
    match = _TIME_SUFFIX.match(text)
    return match.group(1) if match else text


def date_convention(texts: Iterable[str]) -> DateFormat | None:
    """'dmy' or 'mdy' when a slashed date can be read only one way, None when none can.

    Raises CellError, quoting one date of each, when the texts show both conventions.
    """
    found: dict[str, str] = {}
    for text in texts:
        match = _SLASHED.match(_strip_time(text.strip()))
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            found.setdefault("dmy", text)
        elif second > 12 >= first:
            found.setdefault("mdy", text)
    if "dmy" in found and "mdy" in found:
        raise CellError(
            _(
                "The file mixes day-first (%(dmy)s) and month-first (%(mdy)s) dates; "
                "choose the date format."
            )
            % found
        )
    if "dmy" in found:
        return "dmy"
    if "mdy" in found:
        return "mdy"
    return None


def parse_date_cell(cell: Cell, convention: DateFormat) -> date:
    """A date from a typed cell or from text in the file's convention."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        # A number in a date column of a workbook: Excel's serial day count.
        if 1 <= cell < 2958466:
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        raise CellError(_("%(value)r is not a date.") % {"value": cell_text(cell)})
    text = _strip_time(cell_text(cell))
    if convention == "iso":
        wrong = not _ISO_LIKE.match(text)
    elif match := _SLASHED.match(text):
        first, second = int(match.group(1)), int(match.group(2))
        wrong = (convention == "dmy" and second > 12) or (convention == "mdy" and first > 12)
    else:
        wrong = False
    if not wrong:
        try:
            return parse_date(text, day_first=convention != "mdy")
        except ValueError:
            pass
    expected = {
        "dmy": _("dd/mm/yyyy or yyyy-mm-dd"),
        "mdy": _("mm/dd/yyyy or yyyy-mm-dd"),
        "iso": _("yyyy-mm-dd"),
    }[convention]
    raise CellError(
        _("%(value)r is not a date (expected %(expected)s).")
        % {"value": text, "expected": expected}
    )


def parse_amount_cell(cell: Cell) -> Decimal:
    """An amount from a typed cell or text with comma or dot decimals."""
    if isinstance(cell, bool):
        raise CellError(_("%(value)r is not an amount.") % {"value": cell_text(cell)})
    if isinstance(cell, int | Decimal):
        value = quantize(Decimal(cell))
    elif isinstance(cell, float):
        # repr() is the shortest text that gives the float back: 0.1 stays "0.1"
        value = quantize(Decimal(repr(cell)))
    else:
        try:
            value = parse_amount(cell_text(cell))
        except (ValueError, InvalidOperation):
            raise CellError(_("%(value)r is not an amount.") % {"value": cell_text(cell)}) from None
    if abs(value) > MAX_AMOUNT:
        raise CellError(_("%(value)s is too large an amount.") % {"value": value})
    return value


def parse_flag(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    word = cell_text(cell).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("%(value)r is not yes or no (yes/no, oui/non, 1/0, true/false, x).")
        % {"value": cell_text(cell)}
    )


def parse_siren(cell: Cell) -> str:
    text = "".join(ch for ch in cell_text(cell) if ch not in " .-\u00a0")
    try:
        return fr_siren.validate(text)
    except stdnum_exceptions.ValidationError:
        raise CellError(_("%(value)r is not a valid SIREN.") % {"value": cell_text(cell)}) from None


def _text(cell: Cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return cell_text(cell)


class _RowReader:
    """Reads the mapped cells of one row, remembering each cell's error."""

    def __init__(self, file: str, row: Row, columns: Columns, convention: DateFormat) -> None:
        self.file, self.row, self.columns, self.convention = file, row, columns, convention
        self.errors: list[FileProblem] = []

    @staticmethod
    def of(row: Row, columns: Columns, field: str) -> str:
        """The text of one mapped cell of a row."""
        index = columns.index.get(field)
        if index is None or index >= len(row.cells):
            return ""
        return _text(row.cells[index])

    def cell(self, field: str) -> Cell:
        index = self.columns.index.get(field)
        if index is None or index >= len(self.row.cells):
            return None
        return self.row.cells[index]

    def text(self, field: str) -> str:
        return _text(self.cell(field))

    def fail(self, field: str, message: str) -> None:
        self.errors.append(FileProblem(self.file, self.row.line, field, message, self.text(field)))

    def required(self, field: str) -> Cell | None:
        if self.text(field) == "":
            self.fail(field, _("This field is required."))
            return None
        return self.cell(field)

    def date(self, field: str, *, required: bool = False) -> date | None:
        cell = self.required(field) if required else self.cell(field)
        if cell is None or _text(cell) == "":
            return None
        try:
            return parse_date_cell(cell, self.convention)
        except CellError as exc:
            self.fail(field, str(exc))
            return None

    def amount(self, field: str, *, required: bool = False) -> Decimal | None:
        cell = self.required(field) if required else self.cell(field)
        if cell is None or _text(cell) == "":
            return None
        try:
            return parse_amount_cell(cell)
        except CellError as exc:
            self.fail(field, str(exc))
            return None

    def short_text(self, field: str, limit: int) -> str:
        text = self.text(field)
        if len(text) > limit:
            self.fail(field, _("Longer than %(limit)s characters.") % {"limit": limit})
        return text


def parse_rows(
    rows: Sequence[Row],
    columns: Columns,
    *,
    file: str,
    date_format: DateFormat | None = None,
) -> tuple[list[InvoiceRow], list[FileProblem]]:
    """Every row checked; the rows that passed and the errors of all that did not."""
    errors: list[FileProblem] = []
    convention = date_format
    if convention is None:
        texts = (
            row.cells[columns.index[field]]
            for field in DATE_FIELDS
            if field in columns
            for row in rows
            if columns.index[field] < len(row.cells)
        )
        try:
            convention = date_convention(cell for cell in texts if isinstance(cell, str)) or "dmy"
        except CellError as exc:
            return [], [FileProblem(file, None, "issue_date", str(exc))]
    parsed: list[InvoiceRow] = []
    first_line: dict[str, int] = {}
    for row in rows:
        invoice_row, row_errors = _parse_row(file, row, columns, convention)
        errors.extend(row_errors)
        number = invoice_row.number if invoice_row else _RowReader.of(row, columns, "number")
        if number and number in first_line:
            errors.append(
                FileProblem(
                    file,
                    row.line,
                    "number",
                    _("The number %(number)s is also on line %(other)s.")
                    % {"number": number, "other": first_line[number]},
                    number,
                )
            )
            continue
        if number:
            first_line[number] = row.line
        if invoice_row is not None:
            parsed.append(invoice_row)
    return parsed, errors


def _parse_row(
    file: str, row: Row, columns: Columns, convention: DateFormat
) -> tuple[InvoiceRow | None, list[FileProblem]]:
    r = _RowReader(file, row, columns, convention)
    number = r.short_text("number", MAX_NUMBER)
    if not number:
        r.fail("number", _("This field is required."))
    customer_ref = r.short_text("customer_ref", MAX_REF)
    customer_name = r.short_text("customer_name", MAX_NAME)
    if not customer_ref and not customer_name:
        field = "customer_ref" if "customer_ref" in columns else "customer_name"
        r.fail(field, _("A customer reference or name is required."))
    siren = ""
    if r.text("siren"):
        try:
            siren = parse_siren(r.cell("siren"))
        except CellError as exc:
            r.fail("siren", str(exc))
    issue_date = r.date("issue_date", required=True)
    due_date = r.date("due_date")
    if issue_date and due_date and due_date < issue_date:
        r.fail(
            "due_date",
            _("The due date %(due)s is before the issue date %(issue)s.")
            % {"due": due_date.isoformat(), "issue": issue_date.isoformat()},
        )
    total = r.amount("total", required=True)
    if total == 0:
        r.fail("total", _("The total must not be zero."))
    currency = r.text("currency").upper() or "EUR"
    if not re.fullmatch(r"[A-Z]{3}", currency):
        r.fail("currency", _("%(value)r is not a currency code such as EUR.") % {"value": currency})
    paid_date = r.date("paid_date")
    paid_amount = r.amount("paid_amount")
    open_amount = r.amount("open_amount")
    disputed = False
    if r.text("disputed"):
        try:
            disputed = parse_flag(r.cell("disputed"))
        except CellError as exc:
            r.fail("disputed", str(exc))
    paid = _paid(r, total, paid_amount, open_amount, paid_date)
    if r.errors or issue_date is None or total is None or paid is None:
        return None, r.errors
    return (
        InvoiceRow(
            line=row.line,
            number=number,
            customer_ref=customer_ref,
            customer_name=customer_name,
            siren=siren,
            issue_date=issue_date,
            due_date=due_date,
            total=total,
            currency=currency,
            paid_amount=paid,
            paid_date=paid_date if paid > 0 else None,
            disputed=disputed,
        ),
        [],
    )


def _paid(
    r: _RowReader,
    total: Decimal | None,
    paid_amount: Decimal | None,
    open_amount: Decimal | None,
    paid_date: date | None,
) -> Decimal | None:
    """What was already paid: the paid amount, else total - open, else all of it if dated."""
    if total is None:
        return None
    if total < 0:
        # A credit note is customer credit; refunds are not imported (see the command's help).
        return Decimal("0.00")
    for field, value in (("paid_amount", paid_amount), ("open_amount", open_amount)):
        if value is not None and value < 0:
            r.fail(field, _("An amount here must not be negative."))
            return None
    if paid_amount is not None:
        if paid_amount > total:
            r.fail(
                "paid_amount",
                _("The paid amount %(paid)s is more than the total %(total)s.")
                % {"paid": paid_amount, "total": total},
            )
            return None
        if open_amount is not None and paid_amount + open_amount != total:
            r.fail(
                "open_amount",
                _("Paid %(paid)s plus open %(open)s is not the total %(total)s.")
                % {"paid": paid_amount, "open": open_amount, "total": total},
            )
            return None
        return paid_amount
    if open_amount is not None:
        if open_amount > total:
            r.fail(
                "open_amount",
                _("The open amount %(open)s is more than the total %(total)s.")
                % {"open": open_amount, "total": total},
            )
            return None
        return total - open_amount
    if paid_date is not None:
        return total
    return Decimal("0.00")
