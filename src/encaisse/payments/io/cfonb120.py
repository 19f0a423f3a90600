"""French CFONB 120 bank statements (relevé de comptes, format 120 caractères).

Records of 120 characters, one per line or all run together without line breaks:
`01` old balance, `04` movement, `05` complement of the movement before it (qualifier
`LIB` label, `NPY` payer name, `IPY` payer id, `RCN`/`REF` reference...), `07` new
balance. Amounts are 14 digits whose last character carries the sign and last digit
(`{`, `A`-`I`: positive 0-9; `}`, `J`-`R`: negative 0-9), with the number of decimals in
column 20. A positive movement is a credit to the account.

>>> signed_amount("0000000001234E", 2)
Decimal('123.45')
>>> signed_amount("0000000000322J", 2)
Decimal('-32.21')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from encaisse.payments.io import (
    BankTransaction,
    ParsedFile,
    ParsedStatement,
    decode_text,
    make_date,
    rejected,
)

_POSITIVE = "{ABCDEFGHI"
_NEGATIVE = "}JKLMNOPQR"


def signed_amount(raw: str, decimals: int) -> Decimal:
    """The amount of a 14-character CFONB field; ValueError when it is not one."""
    if len(raw) != 14 or not raw[:13].isdigit():
        raise ValueError(raw)
    last = raw[13]
    if last in _POSITIVE:
        sign, digit = 1, _POSITIVE.index(last)
    elif last in _NEGATIVE:
        sign, digit = -1, _NEGATIVE.index(last)
    elif last.isdigit():
        sign, digit = 1, int(last)
    else:
        raise ValueError(raw)
    return sign * Decimal(int(raw[:13] + str(digit))).scaleb(-decimals)


@dataclass
class _Movement:
    where: str
    fields: dict[str, object]
    complements: list[tuple[str, str]] = field(default_factory=list)


def _records(text: str, filename: str) -> list[tuple[int, str]]:
    lines = [line.rstrip("\r") for line in text.split("\n")]
    lines = [line for line in lines if line.strip()]
    if len(lines) == 1 and len(lines[0]) > 120:
        flat = lines[0]
        if len(flat.rstrip()) > (len(flat) // 120) * 120 and len(flat) % 120:
            raise rejected(
                filename, "", "", f"{len(flat)} characters without line breaks: not records of 120"
            )
        return [(i + 1, flat[i * 120 : (i + 1) * 120]) for i in range(len(flat) // 120)]
    records = []
    for number, line in enumerate(lines, start=1):
        if len(line) > 120 and line[120:].strip():
            raise rejected(filename, f"record {number}", "", f"{len(line)} characters, not 120")
        records.append((number, line[:120].ljust(120)))
    return records


def _date(raw: str, filename: str, where: str, field_name: str) -> date:
    if not re.fullmatch(r"\d{6}", raw):
        raise rejected(filename, where, field_name, f"not a date DDMMYY: {raw!r}")
    return make_date(
        2000 + int(raw[4:]), raw[2:4], raw[:2], file=filename, where=where, field=field_name
    )


def parse(content: bytes, filename: str) -> ParsedFile:
    text = decode_text(content)
    statements: list[ParsedStatement] = []
    movements: list[_Movement] = []
    account = ""
    currency = "EUR"
    opened = False

    def close() -> None:
        nonlocal movements
        statements.append(
            ParsedStatement(account, currency, "", tuple(_transaction(m) for m in movements))
        )
        movements = []

    for number, record in _records(text, filename):
        where = f"record {number}"
        code = record[:2]
        if code not in ("01", "04", "05", "07"):
            raise rejected(filename, where, "record code", f"unknown record code {code!r}")
        decimals_raw = record[19].replace(" ", "2")  # left blank by some banks
        if not decimals_raw.isdigit():
            raise rejected(filename, where, "decimals", f"not a digit: {decimals_raw!r}")
        decimals = int(decimals_raw)
        rec_account = f"{record[2:7]}{record[11:16]}{record[21:32]}".replace(" ", "")
        if code == "01":
            if opened:
                close()
            opened, account, currency = True, rec_account, record[16:19].strip() or "EUR"
            _amount(record, decimals, filename, where)
            continue
        if not opened and code == "04":  # movements exported alone, without balances
            opened, account, currency = True, rec_account, record[16:19].strip() or "EUR"
        if not opened:
            raise rejected(filename, where, "record code", f"record {code} before any 01")
        if code == "07":
            _amount(record, decimals, filename, where)
            close()
            opened = False
        elif code == "04":
            amount = _amount(record, decimals, filename, where)
            booking = _date(record[34:40], filename, where, "booking date")
            value_raw = record[42:48]
            value_date = (
                _date(value_raw, filename, where, "value date") if value_raw.strip() else None
            )
            reference = record[104:120].strip()
            movements.append(
                _Movement(
                    where,
                    {
                        "booking_date": booking,
                        "value_date": value_date,
                        "amount": amount,
                        "currency": record[16:19].strip() or currency,
                        "label": record[48:79].strip(),
                        "bank_id": "",
                        "end_to_end_id": reference,
                        "where": where,
                    },
                )
            )
        elif code == "05":
            if not movements:
                raise rejected(filename, where, "record code", "05 without a 04 before it")
            movements[-1].complements.append((record[45:48], record[48:118].strip()))
    if opened:
        close()
    if not statements:
        raise rejected(filename, "", "record code", "no statement (record 01) in the file")
    return ParsedFile(filename, "cfonb120", tuple(statements))


def _amount(record: str, decimals: int, filename: str, where: str) -> Decimal:
    raw = record[90:104]
    try:
        return signed_amount(raw, decimals).quantize(Decimal("0.01"))
    except (ValueError, ArithmeticError) as exc:
        raise rejected(filename, where, "amount", f"not a CFONB amount: {raw!r}") from exc


def _transaction(movement: _Movement) -> BankTransaction:
    fields = dict(movement.fields)
    labels = [str(fields["label"])]
    for qualifier, info in movement.complements:
        if qualifier in ("LIB", "LCC", "LC2", "MMO"):
            labels.append(info)
        elif qualifier == "NPY":
            fields["payer_name"] = info[:140]
        elif qualifier in ("RCN", "REF"):
            fields["reference"] = info[:140]
        elif qualifier == "IPY" and re.fullmatch(r"[A-Z]{2}\d\d[A-Z0-9]{10,30}", info):
            fields["payer_iban"] = info
    fields["label"] = " ".join(filter(None, labels))[:500]
    return BankTransaction(**fields)  # type: ignore[arg-type]
