"""Bank statements exported as CSV (or XLSX) by online banking, with a saved column mapping.

The table is read like the invoice importer reads its files (UTF-8, Windows-1252 or Latin-1;
`; , tab |` separators). Usual French and English headers are recognised ("Date opération",
"Libellé", "Débit", "Crédit", "Montant"...); a mapping `field -> column` names the others
and is saved for the company by the import service. Fields: see `FIELDS`. An amount is
either one signed `amount` column or a `debit` and a `credit` column.

>>> content = "Date;Libellé;Débit;Crédit\\n04/03/2025;VIR DUPONT SAS F-000042;;1 234,50\\n".encode()
>>> tx = parse(content, "releve.csv").statements[0].transactions[0]
>>> tx.booking_date, tx.amount, tx.label
(datetime.date(2025, 3, 4), Decimal('1234.50'), 'VIR DUPONT SAS F-000042')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from encaisse.core.dates import parse_date
from encaisse.core.money import parse_amount
from encaisse.invoicing.importer.mapping import normalise_header
from encaisse.invoicing.importer.reading import Row, read_table
from encaisse.payments.io import (
    BankTransaction,
    ParsedFile,
    ParsedStatement,
    compact_iban,
    rejected,
)

FIELDS = (
    "date",
    "value_date",
    "amount",
    "debit",
    "credit",
    "currency",
    "label",
    "reference",
    "payer_name",
    "payer_iban",
    "transaction_id",
    "account",
)
_HEADERS = {
    "date": "Date | Date opération | Date operation | Date comptable | Date de comptabilisation"
    " | Booking date | Transaction date | Posted | Date op",
    "value_date": "Date de valeur | Date valeur | Value date",
    "amount": "Montant | Montant EUR | Montant (EUR) | Amount | Montant opération",
    "debit": "Débit | Debit | Débit EUR | Débit (EUR) | Withdrawal",
    "credit": "Crédit | Credit | Crédit EUR | Crédit (EUR) | Deposit",
    "currency": "Devise | Currency | Monnaie",
    "label": "Libellé | Libelle | Libellé opération | Description | Label | Détail | Memo"
    " | Libellé simplifié | Communication",
    "reference": "Référence | Reference | Réf | Référence de paiement | Payment reference",
    "payer_name": "Tiers | Nom du tiers | Émetteur | Donneur d'ordre | Payer | Counterparty"
    " | Nom contrepartie | Contrepartie",
    "payer_iban": "IBAN | IBAN tiers | IBAN émetteur | IBAN contrepartie | Counterparty IBAN",
    "transaction_id": "ID transaction | Identifiant | Transaction ID | N° opération | Id",
    "account": "Compte | Numéro de compte | Account",
}
_RECOGNISED = {
    normalise_header(h.strip()): f for f, text in _HEADERS.items() for h in text.split("|")
}


def _columns(
    header: tuple[str, ...], mapping: Mapping[str, str] | None, filename: str
) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        found = _RECOGNISED.get(normalise_header(name))
        if found and found not in index:
            index[found] = i
    for field, column in (mapping or {}).items():
        if field not in FIELDS:
            raise rejected(
                filename, "", field, f"unknown field in the mapping ({', '.join(FIELDS)})"
            )
        if not column:
            index.pop(field, None)
            continue
        wanted = normalise_header(column)
        matches = [i for i, name in enumerate(header) if normalise_header(name) == wanted]
        if not matches:
            raise rejected(filename, "line 1", field, f"no column {column!r} in the file")
        index[field] = matches[0]
    if "date" not in index:
        raise rejected(filename, "line 1", "date", "no date column (map date=Column)")
    if "amount" not in index and not ("debit" in index or "credit" in index):
        raise rejected(
            filename, "line 1", "amount", "no amount column (map amount=, or debit= and credit=)"
        )
    return index


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _is_header(cells: Sequence[str], mapping: Mapping[str, str] | None) -> bool:
    mapped = {normalise_header(c) for c in (mapping or {}).values() if c}
    names = [normalise_header(str(c)) for c in cells if c]
    return sum(1 for n in names if n in _RECOGNISED or n in mapped) >= 2


def parse(content: bytes, filename: str, *, mapping: Mapping[str, str] | None = None) -> ParsedFile:
    table = read_table(content, filename, is_header=lambda cells: _is_header(cells, mapping))
    index = _columns(table.header, mapping, filename)
    by_account: dict[str, list[BankTransaction]] = {}
    for row in table.rows:
        where = f"line {row.line}"

        def cell(field: str, row: Row = row) -> str:
            i = index.get(field)
            return _cell_text(row.cells[i]) if i is not None and i < len(row.cells) else ""

        def amount_of(field: str, where: str = where) -> Decimal:
            text = cell(field)
            try:
                return parse_amount(text) if text else Decimal(0)
            except ValueError as exc:
                raise rejected(filename, where, field, f"not an amount: {text!r}") from exc

        def date_of(field: str, where: str = where) -> date | None:
            text = cell(field)
            if not text:
                return None
            try:
                return parse_date(
                    re.sub(r"[.-]", "/", text) if re.match(r"\d\d[.-]", text) else text
                )
            except ValueError as exc:
                raise rejected(filename, where, field, f"not a date: {text!r}") from exc

        booking = date_of("date")
        if booking is None:
            raise rejected(filename, where, "date", "the date is missing")
        if "amount" in index:
            amount = amount_of("amount")
        else:
            amount = abs(amount_of("credit")) - abs(amount_of("debit"))
        if amount != amount.quantize(Decimal("0.01")):
            raise rejected(filename, where, "amount", "more than two decimals")
        by_account.setdefault(cell("account"), []).append(
            BankTransaction(
                booking_date=booking,
                value_date=date_of("value_date"),
                amount=amount.quantize(Decimal("0.01")),
                currency=cell("currency").upper() or "EUR",
                label=cell("label")[:500],
                reference=cell("reference")[:140],
                payer_name=cell("payer_name")[:140],
                payer_iban=compact_iban(cell("payer_iban"))[:34],
                bank_id=cell("transaction_id")[:100],
                where=where,
            )
        )
    statements = tuple(
        ParsedStatement(compact_iban(account), lines[0].currency, "", tuple(lines))
        for account, lines in by_account.items()
    )
    if not statements:
        raise rejected(filename, "", "", "no transaction in the file")
    return ParsedFile(filename, "csv", statements)
