"""SWIFT MT940 customer statements, several per file (with or without SWIFT blocks).

Fields start a line with `:tag:`; the next lines up to the next tag continue it. A statement
runs from `:20:` to `:62F:`/`:62M:`; `:25:` is the account, `:60F:`/`:60M:` the opening
balance (its currency is the statement's). Each `:61:` is a transaction (value date,
optional booking date, C/D/RC/RD mark, amount with a decimal comma, type, reference,
`//` bank reference) and the `:86:` after it its information, free text or structured
(`/NAME/…/REMI/…/IBAN/…` as Dutch banks send it, `?20…?32` as German banks do).

>>> content = (b":20:S1\\n:25:FR7630006000011234567890189\\n:28C:1\\n:60F:C250301EUR0,00\\n"
...     b":61:2503040304C1234,50NTRFNONREF//B1\\n:86:/NAME/DUPONT SAS/REMI/F-000042\\n"
...     b":62F:C250304EUR1234,50\\n-")
>>> tx = parse(content, "releve.sta").statements[0].transactions[0]
>>> tx.booking_date, tx.amount, tx.payer_name
(datetime.date(2025, 3, 4), Decimal('1234.50'), 'DUPONT SAS')
"""

from __future__ import annotations

import re
from datetime import date

from encaisse.payments.io import (
    BankTransaction,
    ParsedFile,
    ParsedStatement,
    compact_iban,
    decode_text,
    make_date,
    money,
    rejected,
)

_FIELD = re.compile(r"^:(\d\d[A-Z]?):(.*)$")
_LINE61 = re.compile(
    r"^(\d{2})(\d{2})(\d{2})(\d{4})? *(RC|RD|C|D)([A-Z])?(\d{1,15}(?:,\d{0,2})?)"
    r"([NSF][A-Z0-9]{3})?([^/]*?)(?://(.*))?$"
)
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})(\d{1,15}(?:,\d{0,2})?)$")
_SLASH_KEYS = (
    "EREF",
    "MARF",
    "CSID",
    "RTRN",
    "NAME",
    "IBAN",
    "BIC",
    "REMI",
    "CNTP",
    "ORDP",
    "BENM",
    "ULTD",
    "PURP",
    "ID",
    "ADDR",
    "CDTRREFTP",
    "CDTRREF",
    "CD",
    "ISSR",
    "TRCD",
    "USTD",
    "STRD",
    "TRTP",
    "ACCW",
    "FX",
    "FEES",
)


def _fields(text: str, filename: str) -> list[tuple[str, str, int]]:
    fields: list[tuple[str, str, int]] = []
    lines = [raw.rstrip().strip("\x01\x03") for raw in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        following = next((n for n in lines[number:] if n.strip()), "")
        m = _FIELD.match(line)
        if m:
            fields.append((m.group(1), m.group(2), number))
        elif (
            line.startswith("-")
            and (not following or following.startswith((":20:", "{")) or line != "-")
        ) or line.startswith(("{1:", "{2:", "{3:", "{4:", "{5:", "}")):
            fields.append(("END", "", number))
            if ":20:" in line:  # '{4:' followed by ':20:' on the same line
                rest = line[line.index(":20:") :]
                m = _FIELD.match(rest)
                if m:
                    fields.append((m.group(1), m.group(2), number))
        elif fields and fields[-1][0] != "END":
            tag, value, start = fields[-1]
            fields[-1] = (tag, f"{value}\n{line}", start)
    if not any(tag == "61" or tag == "20" for tag, _value, _line in fields):
        raise rejected(filename, "", ":20:", "no MT940 statement in the file")
    return fields


def _info(text: str) -> tuple[str, str, str, str]:
    """(label, reference, payer name, payer IBAN) from a :86: field."""
    flat = text.replace("\n", "")
    if flat.startswith("/") and any(f"/{k}/" in flat for k in ("NAME", "REMI", "EREF", "IBAN")):
        parts = re.split(r"/(" + "|".join(_SLASH_KEYS) + r")/", "/" + flat.lstrip("/") + "/")
        values: dict[str, str] = {}
        for key, value in zip(parts[1::2], parts[2::2], strict=False):
            values.setdefault(key, value.strip("/ "))
        if "CNTP" in values and "NAME" not in values:
            cntp = values["CNTP"].split("/")
            values["IBAN"] = cntp[0]
            values["NAME"] = cntp[2] if len(cntp) > 2 else ""
        remi = values.get("REMI", "")
        remi = re.sub(r"^(USTD|STRD)//?", "", remi).replace("CUR/", "")
        return (
            remi or flat,
            values.get("CDTRREF", ""),
            values.get("NAME", ""),
            compact_iban(values.get("IBAN", "")) if "IBAN" in values else "",
        )
    if re.match(r"^(\d{3})?\?\d\d", flat):
        codes = dict(re.findall(r"\?(\d\d)([^?]*)", flat))
        label = " ".join(
            codes[f"{n}"].strip() for n in [*range(20, 30), *range(60, 64)] if f"{n}" in codes
        )
        return (
            label,
            "",
            (codes.get("32", "") + codes.get("33", "")).strip(),
            compact_iban(codes.get("31", "")),
        )
    return " ".join(text.split()), "", "", ""


def parse(content: bytes, filename: str) -> ParsedFile:
    text = decode_text(content)
    statements: list[ParsedStatement] = []
    account = currency = statement_id = ""
    transactions: list[BankTransaction] = []
    current: dict[str, object] | None = None
    started = False

    def flush_line() -> None:
        nonlocal current
        if current is not None:
            transactions.append(BankTransaction(**current))  # type: ignore[arg-type]
            current = None

    def close() -> None:
        nonlocal transactions, started
        flush_line()
        if started:
            if not account:
                raise rejected(filename, "", ":25:", "the account is missing")
            statements.append(
                ParsedStatement(account, currency or "EUR", statement_id, tuple(transactions))
            )
        transactions, started = [], False

    for tag, value, line in _fields(text, filename):
        where = f"line {line}"
        if tag == "20":
            close()
            started, statement_id, account, currency = True, value.strip(), "", ""
        elif tag == "END":
            close()
        elif not started and tag in ("25", "60F", "60M", "61"):
            raise rejected(filename, where, f":{tag}:", "field before the :20: of a statement")
        elif tag == "25":
            account = re.sub(r"(?<=\d)[A-Z]{3}$", "", compact_iban(value.split("/")[-1]))
        elif tag in ("60F", "60M", "62F", "62M", "64", "65"):
            m = _BALANCE.match(value.strip().split("\n")[0])
            if not m:
                raise rejected(filename, where, f":{tag}:", f"bad balance {value.strip()!r}")
            currency = currency or m.group(3)
            if tag.startswith("62"):
                flush_line()
        elif tag == "61":
            flush_line()
            first = value.partition("\n")[0]
            m = _LINE61.match(first.strip())
            if not m:
                raise rejected(filename, where, ":61:", f"bad statement line {first!r}")
            yy, mm, dd, entry, mark, _funds, raw_amount, _type, ref, bank_ref = m.groups()
            value_date = make_date(2000 + int(yy), mm, dd, file=filename, where=where, field=":61:")
            booking = value_date
            if entry:
                booking = _booking(value_date, int(entry[:2]), int(entry[2:]), filename, where)
            amount = money(raw_amount, file=filename, where=where, field=":61: amount")
            sign = -1 if mark in ("D", "RC") else 1
            reference = (ref or "").strip()
            if reference.upper() in ("NONREF", "NOTPROVIDED"):
                reference = ""
            current = {
                "booking_date": booking,
                "value_date": value_date,
                "amount": sign * amount,
                "currency": currency or "EUR",
                "label": "",
                "reference": "",
                "payer_name": "",
                "payer_iban": "",
                "bank_id": (bank_ref or "").strip()[:100],
                "end_to_end_id": reference[:100],
                "where": where,
            }
        elif tag == "86" and current is not None:
            label, structured, name, iban = _info(value)
            current["label"] = " ".join(filter(None, (str(current["label"]), label)))[:500]
            current["reference"] = structured[:140]
            current["payer_name"] = name[:140]
            current["payer_iban"] = iban[:34]
    close()
    if not statements:
        raise rejected(filename, "", ":20:", "no MT940 statement in the file")
    return ParsedFile(filename, "mt940", tuple(statements))


def _booking(value_date: date, month: int, day: int, filename: str, where: str) -> date:
    year = value_date.year
    if month == 12 and value_date.month == 1:
        year -= 1
    elif month == 1 and value_date.month == 12:
        year += 1
    return make_date(year, month, day, file=filename, where=where, field=":61: entry date")
