"""Which column of the file holds which field: recognised headers, then the user's mapping.

Pure module. The fields are the words of `--map field=Column`. A header is recognised when,
once accents, case, spaces and punctuation are dropped, it is one of the usual French or
English names for the field ("N° facture", "Numéro", "invoiceNumber", "Échéance",
"Reste à payer"...). A mapping given for this import overrides what was recognised, field by
field, and is strict: an unknown field or a column that is not in the file is an error. The
mapping saved for the company (the last one given) is applied the same way when none is
given, but leniently: entries whose column is not in this file are left out, so that a
mapping saved for one export does not refuse a file from another tool. `field=` with no
column means "do not use this field", even if a header was recognised for it.

>>> normalise_header(" N° Facture ")
'nfacture'
>>> recognise_header("Date d'échéance"), recognise_header("InvoiceAmount")
('due_date', 'total')
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from encaisse.core.exceptions import FileProblem

FIELDS = (
    "number",
    "customer_ref",
    "customer_name",
    "siren",
    "issue_date",
    "due_date",
    "total",
    "currency",
    "paid_date",
    "paid_amount",
    "open_amount",
    "disputed",
)
REQUIRED = ("number", "issue_date", "total")
CUSTOMER_FIELDS = ("customer_ref", "customer_name")

# The usual headers of each field, as people write them, '|' between them; compared normalised.
_HEADERS = {
    "number": (
        "N° facture | Nº facture | No facture | Num facture | Numéro | Numéro facture | "
        "Numéro de facture | N° de facture | N° | Facture | Référence facture | "
        "Réf facture | N° pièce | Numéro de pièce | Pièce | Invoice | Invoice number | "
        "Invoice No | Invoice # | Invoice num | Invoice ID | Invoice ref | Number | "
        "Document number | Doc number"
    ),
    "customer_ref": (
        "Code client | Réf client | Référence client | N° client | Numéro client | "
        "Numéro de client | Client ID | ID client | Compte client | Compte | Code tiers | "
        "Tiers | Customer ID | Customer code | Customer ref | Customer reference | "
        "Customer number | Customer No | Client code | Client ref | Account | "
        "Account number"
    ),
    "customer_name": (
        "Client | Nom client | Nom du client | Raison sociale | Nom | Débiteur | Société | "
        "Customer | Customer name | Client name | Name | Debtor | Company"
    ),
    "siren": ("SIREN | SIREN client | N° SIREN | Numéro SIREN | Customer SIREN"),
    "issue_date": (
        "Date | Date facture | Date de facture | Date de facturation | Date d'émission | "
        "Date émission | Date pièce | Date de la facture | Invoice date | Issue date | "
        "Date issued | Billing date | Bill date | Document date"
    ),
    "due_date": (
        "Échéance | Date d'échéance | Date échéance | Date limite de paiement | Due date | "
        "Due | Payment due date | Due on"
    ),
    "total": (
        "Montant TTC | Total TTC | TTC | Montant | Montant facture | Montant total | Total | "
        "Net à payer | Total amount | Amount | Invoice amount | Gross amount | "
        "Amount incl. VAT | Total incl. VAT | Invoice total"
    ),
    "currency": ("Devise | Monnaie | Currency | Currency code"),
    "paid_date": (
        "Date de paiement | Date paiement | Date de règlement | Date règlement | Payé le | "
        "Réglé le | Date d'encaissement | Date encaissement | Paid date | Payment date | "
        "Date paid | Paid on | Settled date | Settlement date | Date settled"
    ),
    "paid_amount": (
        "Montant payé | Montant réglé | Payé | Réglé | Déjà réglé | Déjà payé | "
        "Montant encaissé | Encaissé | Paid | Paid amount | Amount paid | Settled amount"
    ),
    "open_amount": (
        "Reste à payer | Reste dû | Restant dû | Reste | Solde | Solde dû | Montant dû | "
        "Open amount | Amount due | Balance | Balance due | Outstanding | "
        "Outstanding amount | Remaining | Amount remaining"
    ),
    "disputed": ("Litige | En litige | Litigieux | Contesté | Disputed | Dispute | In dispute"),
}
HEADERS: dict[str, tuple[str, ...]] = {
    field: tuple(h.strip() for h in text.split("|")) for field, text in _HEADERS.items()
}


def normalise_header(text: str) -> str:
    """Lower case, accents dropped, only letters and digits kept ('N° facture' -> 'nfacture')."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


_RECOGNISED: dict[str, str] = {
    normalise_header(header): field for field, headers in HEADERS.items() for header in headers
}


def recognise_header(header: str) -> str | None:
    """The field a header usually names, or None."""
    return _RECOGNISED.get(normalise_header(header))


def looks_like_header(cells: Sequence[str], mapping: Mapping[str, str] | None = None) -> bool:
    """A row is the header when at least two of its cells are recognised or mapped columns."""
    mapped = {normalise_header(column) for column in (mapping or {}).values() if column}
    found = sum(
        1 for cell in cells if cell and (recognise_header(cell) or normalise_header(cell) in mapped)
    )
    return found >= 2


def parse_mapping_items(
    items: Iterable[str], *, file: str
) -> tuple[dict[str, str], list[FileProblem]]:
    """`field=Column` items (command options or lines of a text area) into a mapping."""
    mapping: dict[str, str] = {}
    errors: list[FileProblem] = []
    for item in items:
        text = item.strip()
        if not text or text.startswith("#"):
            continue
        field, sep, column = text.partition("=")
        field = field.strip().lower()
        if not sep or not field:
            errors.append(
                FileProblem(
                    file,
                    None,
                    "",
                    _("Expected field=Column in the mapping, got %(item)r.") % {"item": text},
                    text,
                )
            )
            continue
        if field not in FIELDS:
            errors.append(_unknown_field(file, field))
            continue
        mapping[field] = column.strip().strip("\"'").strip()
    return mapping, errors


def _unknown_field(file: str, field: str) -> FileProblem:
    return FileProblem(
        file,
        None,
        field,
        _("Unknown field %(field)r in the mapping; the fields are: %(fields)s.")
        % {"field": field, "fields": ", ".join(FIELDS)},
        field,
    )


@dataclass(frozen=True, slots=True)
class Columns:
    """Field name -> index of its column in the file's rows."""

    index: Mapping[str, int]

    def __contains__(self, field: object) -> bool:
        return field in self.index


def _find_column(header: Sequence[str], column: str) -> int | None:
    if column in header:
        return header.index(column)
    wanted = normalise_header(column)
    matches = [i for i, name in enumerate(header) if normalise_header(name) == wanted]
    return matches[0] if len(matches) == 1 else None


def resolve_columns(
    header: Sequence[str],
    *,
    file: str,
    header_line: int,
    mapping: Mapping[str, str] | None = None,
    saved: Mapping[str, str] | None = None,
) -> tuple[Columns, list[FileProblem]]:
    """Where each field is in the file; errors for a bad mapping or a missing required field."""
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        field = recognise_header(name)
        if field is not None and field not in index:
            index[field] = i
    errors: list[FileProblem] = []
    strict = mapping is not None
    for field, column in (mapping if mapping is not None else saved or {}).items():
        if field not in FIELDS:
            if strict:
                errors.append(_unknown_field(file, field))
            continue
        if not column:
            index.pop(field, None)
            continue
        found = _find_column(header, column)
        if found is not None:
            index[field] = found
        elif strict:
            errors.append(
                FileProblem(
                    file,
                    header_line,
                    field,
                    _("The column %(column)r is not in the file; its columns are: %(columns)s.")
                    % {"column": column, "columns": _columns_list(header)},
                    column,
                )
            )
    if errors:
        return Columns(index), errors
    for field in REQUIRED:
        if field not in index:
            errors.append(_missing(file, header_line, field, header))
    if not any(field in index for field in CUSTOMER_FIELDS):
        errors.append(_missing(file, header_line, "customer_ref", header, or_field="customer_name"))
    return Columns(index), errors


def _columns_list(header: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in header if name) or "-"


def _missing(
    file: str, line: int, field: str, header: Sequence[str], or_field: str = ""
) -> FileProblem:
    wanted = f"{field} or {or_field}" if or_field else field
    return FileProblem(
        file,
        line,
        field,
        _(
            "No column found for %(field)s; map one (%(example)s=Column). Columns of the file: "
            "%(columns)s."
        )
        % {"field": wanted, "example": field, "columns": _columns_list(header)},
    )


def mapping_text(mapping: Mapping[str, str]) -> str:
    """A mapping as the lines of the upload form's text area, fields in their usual order."""
    order = {field: i for i, field in enumerate(FIELDS)}
    fields = sorted(mapping, key=lambda field: order.get(field, len(order)))
    return "\n".join(f"{field}={mapping[field]}" for field in fields)
