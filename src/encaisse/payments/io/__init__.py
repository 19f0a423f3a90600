"""Bank statement files (relevés bancaires) read into plain values, one module per format.

Pure package: bytes in, `ParsedFile` out, no database. Every refusal is a `FileRejected`
whose problem names the file, where in it (a line number or an XML path) and the field, so
a person can find the problem without reading code. `parse_bank_file` decides the format
from the content when it is not given.

>>> parsed = parse_bank_file(b":20:S1\\n:25:FR7630006000011234567890189\\n:28C:1\\n"
...     b":60F:C250101EUR0,00\\n:61:2501020102C12,50NTRFNONREF\\n:86:F-000042\\n"
...     b":62F:C250102EUR12,50\\n-", "r.sta")
>>> parsed.format, parsed.statements[0].transactions[0].amount
('mt940', Decimal('12.50'))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from encaisse.core.exceptions import FileProblem, FileRejected

FORMATS = ("camt", "ofx", "mt940", "cfonb120", "csv")
CENT = Decimal("0.01")


_NUMBERED = re.compile(r"(?:line|record) (\d+)")


def rejected(file: str, where: str, field: str, message: str) -> FileRejected:
    """A bank file refused: `where` is "line N", "record N" (CFONB), an XML path or ''."""
    numbered = _NUMBERED.fullmatch(where)
    line = int(numbered[1]) if numbered else None
    return FileRejected([FileProblem(file, line, field, message, where=where)])


@dataclass(frozen=True, slots=True)
class BankTransaction:
    """One movement on the account: credit when `amount` > 0, debit when < 0."""

    booking_date: date
    amount: Decimal
    currency: str = "EUR"
    value_date: date | None = None
    label: str = ""
    reference: str = ""  # structured creditor reference (RF..., invoice number)
    payer_name: str = ""  # the counterparty: debtor of a credit, creditor of a debit
    payer_iban: str = ""
    bank_id: str = ""  # the bank's own id of the transaction (AcctSvcrRef, FITID...)
    end_to_end_id: str = ""
    where: str = ""  # line or XML path in the file, for messages


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    account: str  # IBAN when known, else the bank's account number
    currency: str
    statement_id: str = ""
    transactions: tuple[BankTransaction, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    file: str
    format: str
    statements: tuple[ParsedStatement, ...]

    @property
    def transactions(self) -> list[BankTransaction]:
        return [t for s in self.statements for t in s.transactions]


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1 (never fails)."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


_AMOUNT = re.compile(r"[+-]?(\d{1,15})([.,]\d*)?")


def money(text: str, *, file: str, where: str, field: str, comma: bool = False) -> Decimal:
    """An amount of the file to the cent; more than two non-zero decimals is refused."""
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if comma:
        raw = raw.replace(".", "").replace(",", ".")
    if not _AMOUNT.fullmatch(raw.replace(",", ".")):
        raise rejected(file, where, field, f"not an amount: {text!r}")
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation as exc:  # pragma: no cover - the regex already refused it
        raise rejected(file, where, field, f"not an amount: {text!r}") from exc
    if value != value.quantize(CENT):
        raise rejected(file, where, field, f"more than two decimals: {text!r}")
    return value.quantize(CENT)


def make_date(
    y: int | str, m: int | str, d: int | str, *, file: str, where: str, field: str
) -> date:
    try:
        return date(int(y), int(m), int(d))
    except (TypeError, ValueError) as exc:
        raise rejected(file, where, field, f"not a date: {y}-{m}-{d}") from exc


def compact_iban(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


def detect_format(content: bytes) -> str:
    """The format of a bank file from its first bytes; 'csv' when nothing else fits."""
    head = decode_text(content[:4000]).lstrip("\ufeff \r\n\t")
    upper = head.upper()
    if "OFXHEADER" in upper or "<OFX>" in upper or "<?OFX" in upper:
        return "ofx"
    if head.startswith("<") and "camt.05" in head:
        return "camt"
    if head.startswith("<"):
        return "camt"  # any other XML: the CAMT parser says what is wrong with it
    if re.search(r"(^|\n|\{4:\s*\n?):20:", head) or head.startswith("{1:"):
        return "mt940"
    first = head.split("\n", 1)[0].rstrip("\r")
    if re.match(r"0[1457]\d{5}", first) and (len(first) >= 100 or len(head) >= 120):
        return "cfonb120"
    return "csv"


def parse_bank_file(
    content: bytes,
    filename: str,
    *,
    format: str | None = None,
    csv_mapping: Mapping[str, str] | None = None,
) -> ParsedFile:
    """Read a bank file of any supported format into statements and transactions."""
    from encaisse.payments.io import camt05x, cfonb120, csv, mt940, ofx

    fmt = format or detect_format(content)
    if not content.strip():
        raise rejected(filename, "", "", "the file is empty")
    if fmt == "camt":
        return camt05x.parse(content, filename)
    if fmt == "ofx":
        return ofx.parse(content, filename)
    if fmt == "mt940":
        return mt940.parse(content, filename)
    if fmt == "cfonb120":
        return cfonb120.parse(content, filename)
    if fmt == "csv":
        return csv.parse(content, filename, mapping=csv_mapping)
    raise rejected(filename, "", "format", f"unknown format {fmt!r}")
