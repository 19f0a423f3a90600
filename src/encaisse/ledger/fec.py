"""FEC (Fichier des Écritures Comptables, LPF A47 A-1): read and write the flat-file format.

A pure module: plain values in and out, no database. The reader streams the file once and
keeps in memory only what an accounts-receivable import needs: the lines of the customer
accounts (411...), one small summary per entry (is it a sale, a bank movement?) and totals
per account, so a file of a million lines costs a few hundred megabytes at most.

Format rules applied (DOMAIN-FR §8): first line names the columns; fields separated by a tab
or by `|` (one choice per file, sniffed from the header); UTF-8 (BOM stripped), else
Windows-1252 / ISO 8859-15; dates YYYYMMDD; amounts with a comma (a dot is accepted), no
thousands separator, sign first; alphanumeric fields stripped of their padding. The
`Montant` + `Sens` variant replaces `Debit` and `Credit`. Extra columns are ignored. Every
entry (JournalCode + EcritureNum) and the file as a whole must balance.

>>> text = HEADER_LINE + "\\n" + "\\n".join([
...     "VE\\tVentes\\t1\\t20250115\\t411000\\tClients\\tC1\\tDupont\\tF1\\t20250115\\tFacture"
...     "\\t120,00\\t0,00\\t\\t\\t20250115\\t\\t",
...     "VE\\tVentes\\t1\\t20250115\\t706000\\tVentes\\t\\t\\tF1\\t20250115\\tFacture"
...     "\\t0,00\\t120,00\\t\\t\\t20250115\\t\\t"])
>>> fec = parse_fec(text.encode(), "demo.txt")
>>> (fec.entry_count, fec.line_count, fec.customer_lines[0].debit)
(1, 2, Decimal('120.00'))
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.core.spreadsheet import safe_text

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
HEADER_LINE = "\t".join(COLUMNS)
OPTIONAL_COLUMNS = frozenset({"montantdevise", "idevise"})
AMOUNT_COLUMNS = ("Debit", "Credit")
SIGNED_COLUMNS = ("Montant", "Sens")
DEBIT_SENS = frozenset({"d", "+1", "1", "+", "debit", "débit"})
CREDIT_SENS = frozenset({"c", "-1", "-", "credit", "crédit"})
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_ERRORS = 50

_ZEROS = dict.fromkeys(("", "0", "0,00", "0.00", "0000000000,00", "-0,00"), ZERO)
_AMOUNT = re.compile(r"[+-]?\d+(?:[.,]\d*)?|[+-]?[.,]\d+", re.ASCII)
_DATE = re.compile(r"\d{8}")


@dataclass(frozen=True, slots=True)
class FecLine:
    """One line (écriture line) of an FEC, every field parsed."""

    journal_code: str
    journal_lib: str
    entry_num: str
    entry_date: date
    account: str
    account_lib: str
    aux_num: str
    aux_lib: str
    piece_ref: str
    piece_date: date | None
    label: str
    debit: Decimal
    credit: Decimal
    letter: str = ""
    letter_date: date | None = None
    valid_date: date | None = None
    currency_amount: Decimal | None = None
    currency: str = ""
    line: int = 0  # line in the file (header = 1); 0 when built in memory

    @property
    def customer_key(self) -> str:
        """The customer sub-ledger id, else the account itself (411DUPONT)."""
        return self.aux_num or self.account

    @property
    def amount(self) -> Decimal:
        """Debit minus credit: positive on what the customer owes."""
        return self.debit - self.credit

    def fingerprint(self) -> str:
        """Identity of the line without its lettering, which a later export may add."""
        parts = (
            self.journal_code,
            self.entry_num,
            self.entry_date.isoformat(),
            self.account,
            self.aux_num,
            self.piece_ref,
            self.piece_date.isoformat() if self.piece_date else "",
            self.label,
            str(self.debit),
            str(self.credit),
        )
        return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


@dataclass(slots=True)
class AccountTotal:
    account: str
    label: str
    lines: int = 0
    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


@dataclass(slots=True)
class EntrySummary:
    """What the other lines of an entry say about its customer lines."""

    journal_code: str
    journal_lib: str
    entry_num: str
    first_line: int
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    sales: bool = False  # touches a revenue (7) or VAT collected (4457) account
    bank: bool = False  # touches a bank or cash account (51, 53)
    net: Decimal = ZERO  # credit - debit on class 7
    vat: Decimal = ZERO  # credit - debit on 4457

    @property
    def key(self) -> tuple[str, str]:
        return (self.journal_code, self.entry_num)


@dataclass(slots=True)
class FecFile:
    """What an AR import needs from a whole FEC file."""

    filename: str
    encoding: str
    separator: str
    line_count: int = 0
    debit_total: Decimal = ZERO
    credit_total: Decimal = ZERO
    entries: dict[tuple[str, str], EntrySummary] = field(default_factory=dict)
    accounts: dict[str, AccountTotal] = field(default_factory=dict)
    customer_lines: list[FecLine] = field(default_factory=list)

    @property
    def entry_count(self) -> int:
        return len(self.entries)


Source = bytes | Callable[[], IO[bytes]]


def parse_fec(
    source: Source,
    filename: str,
    *,
    customer_prefixes: Sequence[str] = ("411",),
    max_errors: int = MAX_ERRORS,
) -> FecFile:
    """Read a whole FEC; raise FileRejected naming every problem (up to `max_errors`).

    `source` is the file's bytes or a callable opening it (binary), so a large file is
    streamed and can be read again when it turns out not to be UTF-8.
    """
    opener: Callable[[], IO[bytes]] = (
        (lambda: io.BytesIO(source)) if isinstance(source, bytes) else source
    )
    for encoding in ("utf-8-sig", "cp1252", "iso-8859-15"):
        try:
            return _Reader(filename, encoding, tuple(customer_prefixes), max_errors).read(opener)
        except UnicodeDecodeError:
            continue
    raise AssertionError("iso-8859-15 decodes any byte")  # pragma: no cover


class _Reader:
    def __init__(
        self, filename: str, encoding: str, prefixes: tuple[str, ...], max_errors: int
    ) -> None:
        self.file = filename
        self.encoding = encoding
        self.prefixes = prefixes
        self.max_errors = max_errors
        self.errors: list[FileProblem] = []
        self.dates: dict[str, date] = {}

    def error(self, line: int | None, column: str, message: str, value: str = "") -> None:
        if len(self.errors) < self.max_errors:
            self.errors.append(FileProblem(self.file, line, column, message, value[:80]))

    def read(self, opener: Callable[[], IO[bytes]]) -> FecFile:
        with opener() as raw:
            if self.encoding == "utf-8-sig":
                head = raw.read(4096)
                if b"\x00" in head:
                    raise FileRejected(
                        [FileProblem(self.file, None, "", "not a text file (binary content)")]
                    )
                raw.seek(0)
            return self._read_text(_text_lines(raw, self.encoding))

    def _read_text(self, lines: Iterator[str]) -> FecFile:
        header_raw = next(lines, "")
        while header_raw and not header_raw.strip():
            header_raw = next(lines, "")
        if not header_raw.strip():
            raise FileRejected([FileProblem(self.file, None, "", "the file is empty")])
        sep = "\t" if header_raw.count("\t") >= header_raw.count("|") else "|"
        names = [name.strip() for name in header_raw.split(sep)]
        while names and not names[-1]:  # a trailing separator
            names.pop()
        columns = self._columns(names)
        fec = FecFile(self.file, self.encoding.replace("-sig", ""), sep)
        width = len(header_raw.split(sep))
        self.c_journal, self.c_num = columns["journalcode"], columns["ecriturenum"]
        self.c_account, self.c_date = columns["comptenum"], columns["ecrituredate"]
        self.c_debit, self.c_credit = columns["debit"], columns["credit"]
        for number, line in enumerate(lines, start=2):
            if not line or line.isspace():
                continue
            cells = line.split(sep)
            if len(cells) != width:
                self.error(
                    number,
                    "",
                    f"{len(cells)} fields where the header has {width} "
                    f"(is there a {'tab' if sep == chr(9) else '|'} inside a label?)",
                    line,
                )
            else:
                self._line(fec, number, cells, columns)
            if len(self.errors) >= self.max_errors:
                break
        if not self.errors:
            self._check_balances(fec)
        if self.errors:
            raise FileRejected(self.errors)
        if fec.line_count == 0:
            raise FileRejected([FileProblem(self.file, None, "", "the file has no entry line")])
        return fec

    def _columns(self, names: list[str]) -> dict[str, int]:
        index: dict[str, int] = {}
        for position, name in enumerate(names):
            key = name.casefold()
            if key in index:
                raise FileRejected(
                    [FileProblem(self.file, 1, name, "this column appears twice in the header")]
                )
            index[key] = position
        signed = all(c.casefold() in index for c in SIGNED_COLUMNS) and not any(
            c.casefold() in index for c in AMOUNT_COLUMNS
        )
        required = [
            c
            for c in COLUMNS
            if c.casefold() not in OPTIONAL_COLUMNS and not (signed and c in AMOUNT_COLUMNS)
        ]
        missing = [c for c in required if c.casefold() not in index]
        if signed:
            index["debit"] = index["montant"]
            index["credit"] = -1
        if len(missing) == len(required):
            raise FileRejected(
                [
                    FileProblem(
                        self.file,
                        1,
                        "",
                        "not an FEC: the first line must name the columns "
                        f"({', '.join(COLUMNS)}), separated by tabs or |",
                    )
                ]
            )
        if missing:
            raise FileRejected(
                [
                    FileProblem(self.file, 1, name, "this column is missing from the header")
                    for name in missing
                ]
            )
        return index

    def _date(self, number: int, column: str, text: str, *, required: bool) -> date | None:
        if not text:
            if required:
                self.error(number, column, "a date is required (YYYYMMDD)")
            return None
        found = self.dates.get(text)
        if found is not None:
            return found
        if _DATE.fullmatch(text):
            try:
                found = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                found = None
        if found is None:
            self.error(number, column, "not a date: expected YYYYMMDD", text)
            return None
        self.dates[text] = found
        return found

    def _amount(self, number: int, column: str, text: str) -> Decimal | None:
        if not text:
            return ZERO
        # The usual shape, 1234,56: digits, a comma or a dot, two digits (no regex, no rounding).
        head = text[:-3]
        if (
            len(text) > 3
            and text[-3] in ",."
            and text[-2:].isdigit()
            and (head.isdigit() or (head[:1] == "-" and head[1:].isdigit()))
            and text.isascii()  # str.isdigit() also accepts "²" or Arabic-Indic digits
        ):
            return Decimal(f"{head}.{text[-2:]}")
        if not _AMOUNT.fullmatch(text):
            self.error(
                number, column, "not an amount: expected digits with a comma (-1250,00)", text
            )
            return None
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
            self.error(number, column, "not an amount", text)
            return None
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
        if rounded != value:
            self.error(number, column, "more than two decimals", text)
            return None
        return rounded

    def _line(self, fec: FecFile, number: int, cells: list[str], col: dict[str, int]) -> None:
        def cell(name: str) -> str:
            position = col.get(name, -1)
            return cells[position].strip() if position >= 0 else ""

        journal = cells[self.c_journal].strip()
        entry_num = cells[self.c_num].strip()
        account = cells[self.c_account].strip()
        if not (journal and entry_num and account):
            for name, value in (
                ("JournalCode", journal),
                ("EcritureNum", entry_num),
                ("CompteNum", account),
            ):
                if not value:
                    self.error(number, name, "this field is required")
            return
        date_text = cells[self.c_date].strip()
        entry_date = self.dates.get(date_text) or self._date(
            number, "EcritureDate", date_text, required=True
        )
        if self.c_credit >= 0:
            text = cells[self.c_debit].strip()
            debit = _ZEROS.get(text)
            if debit is None:
                debit = self._amount(number, "Debit", text)
            text = cells[self.c_credit].strip()
            credit = _ZEROS.get(text)
            if credit is None:
                credit = self._amount(number, "Credit", text)
        else:
            debit, credit = self._signed(number, cell("montant"), cell("sens"))
        if debit is None or credit is None or entry_date is None:
            return
        fec.line_count += 1
        fec.debit_total += debit
        fec.credit_total += credit
        total = fec.accounts.get(account)
        if total is None:
            total = fec.accounts[account] = AccountTotal(account, cell("comptelib"))
        total.lines += 1
        total.debit += debit
        total.credit += credit
        key = (journal, entry_num)
        entry = fec.entries.get(key)
        if entry is None:
            entry = fec.entries[key] = EntrySummary(journal, cell("journallib"), entry_num, number)
        entry.debit += debit
        entry.credit += credit
        if account[:1] == "7":
            entry.sales = True
            entry.net += credit - debit
        elif account[:4] == "4457":
            entry.sales = True
            entry.vat += credit - debit
        elif account[:2] in ("51", "53"):
            entry.bank = True
        if not account.startswith(self.prefixes):
            return
        piece_date = self._date(number, "PieceDate", cell("piecedate"), required=False)
        letter_date = self._date(number, "DateLet", cell("datelet"), required=False)
        valid_date = self._date(number, "ValidDate", cell("validdate"), required=False)
        currency_text = cell("montantdevise")
        currency_amount = self._amount(number, "Montantdevise", currency_text)
        fec.customer_lines.append(
            FecLine(
                journal_code=journal,
                journal_lib=cell("journallib"),
                entry_num=entry_num,
                entry_date=entry_date,
                account=account,
                account_lib=cell("comptelib"),
                aux_num=cell("compauxnum"),
                aux_lib=cell("compauxlib"),
                piece_ref=cell("pieceref"),
                piece_date=piece_date,
                label=cell("ecriturelib"),
                debit=debit,
                credit=credit,
                letter=cell("ecriturelet"),
                letter_date=letter_date,
                valid_date=valid_date,
                currency_amount=currency_amount if currency_text else None,
                currency=cell("idevise"),
                line=number,
            )
        )

    def _signed(self, number: int, amount: str, sens: str) -> tuple[Decimal | None, Decimal]:
        value = self._amount(number, "Montant", amount)
        direction = sens.casefold()
        if direction in DEBIT_SENS:
            return value, ZERO
        if direction in CREDIT_SENS:
            return (ZERO, value) if value is not None else (None, ZERO)
        self.error(number, "Sens", "expected D or C (or +1 / -1)", sens)
        return None, ZERO

    def _check_balances(self, fec: FecFile) -> None:
        for entry in fec.entries.values():
            if entry.debit != entry.credit:
                self.error(
                    entry.first_line,
                    "EcritureNum",
                    f"entry {entry.journal_code} {entry.entry_num} does not balance: "
                    f"debit {entry.debit} ≠ credit {entry.credit}",
                    entry.entry_num,
                )
        if fec.debit_total != fec.credit_total:
            self.error(
                None,
                "",
                f"the file does not balance: debit {fec.debit_total} ≠ credit {fec.credit_total}",
            )


def _text_lines(raw: IO[bytes], encoding: str) -> Iterator[str]:
    """The decoded lines of a binary stream, read by large chunks; CR, LF or CRLF end a line."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    pending = ""
    while True:
        chunk = raw.read(1 << 20)
        text = pending + decoder.decode(chunk, final=not chunk)
        if chunk and text.endswith("\r"):  # maybe the first half of a CRLF
            text, pending = text[:-1], "\r"
        else:
            pending = ""
        parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not chunk:
            yield from parts
            return
        pending = parts.pop() + pending
        yield from parts


# Writing ------------------------------------------------------------------------------------


def format_amount(value: Decimal) -> str:
    """1250.5 -> '1250,50'; sign first, comma, no thousands separator."""
    return f"{value.quantize(CENT, rounding=ROUND_HALF_UP):.2f}".replace(".", ",")


def format_date(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


_UNSAFE = re.compile(r"[\t|\r\n]+")


def _text(value: str) -> str:
    """A text field: no separator or line break inside, and never read as a formula by a
    spreadsheet (a leading `= + - @` gets an apostrophe, `core.spreadsheet`)."""
    return safe_text(_UNSAFE.sub(" ", value).strip())


def format_line(line: FecLine) -> str:
    return "\t".join(
        (
            _text(line.journal_code),
            _text(line.journal_lib),
            _text(line.entry_num),
            format_date(line.entry_date),
            _text(line.account),
            _text(line.account_lib),
            _text(line.aux_num),
            _text(line.aux_lib),
            _text(line.piece_ref),
            format_date(line.piece_date),
            _text(line.label),
            format_amount(line.debit),
            format_amount(line.credit),
            _text(line.letter),
            format_date(line.letter_date),
            format_date(line.valid_date),
            format_amount(line.currency_amount) if line.currency_amount is not None else "",
            _text(line.currency),
        )
    )


def write_fec(lines: Iterable[FecLine]) -> Iterator[str]:
    """The file's text, line by line (CRLF), header first."""
    yield HEADER_LINE + "\r\n"
    for line in lines:
        yield format_line(line) + "\r\n"


def fec_filename(siren: str, closing: date) -> str:
    """`<SIREN>FEC<AAAAMMJJ>.txt`, the name A47 A-1 asks for."""
    return f"{siren}FEC{closing:%Y%m%d}.txt"
