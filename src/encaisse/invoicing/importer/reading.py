"""Reading a spreadsheet file (CSV or XLSX) into rows of cells, whatever tool wrote it.

Pure module: bytes in, a `Table` out; no database. The format is decided by the content,
not by the file name: an XLSX file is a ZIP archive, anything else must be text. A CSV file
may be UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), or else
Windows-1252 / Latin-1 (what French spreadsheets save by default); its delimiter is the one
of `; , tab |` that splits the first lines into the most consistent columns.

>>> table = read_table(b"N\\xb0 facture;Montant\\r\\nF1;12,50\\r\\n", "old.csv")
>>> table.header, table.rows[0].line, table.rows[0].cells
(('N° facture', 'Montant'), 2, ('F1', '12,50'))
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from encaisse.core.exceptions import FileProblem, FileRejected

Cell = str | int | float | Decimal | date | datetime | bool | None

DELIMITERS = (";", ",", "\t", "|")
SNIFF_LINES = 30  # lines looked at to choose the delimiter
HEADER_SEARCH_ROWS = 20
# PDF, PNG, JPEG, GIF, gzip, 7z, RAR: files people pick by mistake.
_OTHER_FORMATS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
)  # a header may follow a few title lines (exports with a preamble)


class UnreadableFileError(Exception):
    """Inside this module: the file cannot be read as a table at all; `message` says why.
    `read_table` turns it into a FileRejected naming the file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Row:
    line: int  # as a spreadsheet shows it: the first row of the file is line 1
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]  # rows after the header, blank ones left out


def read_table(
    content: bytes, filename: str, *, is_header: Callable[[Sequence[str]], bool] | None = None
) -> Table:
    """Rows of a CSV or XLSX file with its header row.

    The header is the first non-blank row, or, when `is_header` is given, the first of the
    first rows it accepts (exports often start with a title and a blank line). A file that
    is no table at all is refused with FileRejected, one problem naming the file.
    """
    try:
        return _table(content, filename, is_header=is_header)
    except UnreadableFileError as exc:
        raise FileRejected([FileProblem(filename, None, "", exc.message)]) from exc


def _table(
    content: bytes, filename: str, *, is_header: Callable[[Sequence[str]], bool] | None
) -> Table:
    rows = _read_rows(content, filename)
    non_blank = [row for row in rows if not _is_blank(row.cells)]
    if not non_blank:
        raise UnreadableFileError(_("The file is empty."))
    header_index = 0
    if is_header is not None:
        for index, row in enumerate(non_blank[:HEADER_SEARCH_ROWS]):
            if is_header(_header_cells(row.cells)):
                header_index = index
                break
    header_row = non_blank[header_index]
    data = tuple(non_blank[header_index + 1 :])
    if not data:
        raise UnreadableFileError(_("The file has a header line but no data lines."))
    return Table(header=_header_cells(header_row.cells), header_line=header_row.line, rows=data)


def _header_cells(cells: Sequence[Cell]) -> tuple[str, ...]:
    header = [cell_text(cell) for cell in cells]
    while header and not header[-1]:
        header.pop()
    return tuple(header)


def cell_text(cell: Cell) -> str:
    """A cell as the text a person would read in it ('' for an empty cell)."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _is_blank(cells: Sequence[Cell]) -> bool:
    return all(cell_text(cell) == "" for cell in cells)


def _read_rows(content: bytes, filename: str) -> list[Row]:
    if not content.strip():
        raise UnreadableFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFileError(
            _("This is an old Excel 97-2003 (.xls) file: save it as .xlsx or .csv and try again.")
        )
    if content.startswith(_OTHER_FORMATS):
        raise UnreadableFileError(_("The file is not a CSV or XLSX spreadsheet."))
    text = decode(content)
    if text.lstrip().startswith("<"):
        raise UnreadableFileError(_("The file is XML or HTML, not a CSV or XLSX spreadsheet."))
    return _read_csv(text)


def decode(content: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else cp1252, else Latin-1."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFileError(_("The file is not a CSV or XLSX spreadsheet.")) from exc
    if b"\x00" in content:
        raise UnreadableFileError(_("The file is not a CSV or XLSX spreadsheet."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
    if any(ch in text for ch in "\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x1a\x1b"):
        raise UnreadableFileError(_("The file is not a CSV or XLSX spreadsheet."))
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one width above 1."""
    sample = text.splitlines()[:SNIFF_LINES]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = Counter(len(cells) for cells in csv.reader(sample, delimiter=delimiter) if cells)
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
        score = (count, width) if width > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        return [Row(line, tuple(cells)) for line, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise UnreadableFileError(
            _("Line %(line)s cannot be read as CSV: %(reason)s")
            % {"line": reader.line_num, "reason": exc}
        ) from exc


def _read_xlsx(content: bytes) -> list[Row]:
    from openpyxl import load_workbook  # imported here: a CSV import does not pay for it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a ZIP that is not a workbook
        raise UnreadableFileError(_("The file is not a CSV or XLSX spreadsheet.")) from exc
    try:
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            # Some writers record wrong dimensions; read every row that is really there.
            sheet.reset_dimensions()
        return [
            Row(line, tuple(cells))
            for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
