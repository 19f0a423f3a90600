"""Reading CSV/XLSX files and recognising their headers: pure, no database."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.invoicing.importer.mapping import (
    FIELDS,
    HEADERS,
    looks_like_header,
    normalise_header,
    parse_mapping_items,
    recognise_header,
    resolve_columns,
)
from encaisse.invoicing.importer.reading import (
    Row,
    decode,
    read_table,
    sniff_delimiter,
)

FIXTURES = Path(__file__).parent / "fixtures"


def naive(year: int, month: int, day: int) -> datetime:
    """A datetime without time zone, as spreadsheet cells hold them."""
    return datetime(year, month, day)  # noqa: DTZ001  # what openpyxl returns


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- files ---------------------------------------------------------------------------------


def test_utf8_bom_semicolon_file_keeps_spreadsheet_line_numbers() -> None:
    # given the French fixture (UTF-8 with BOM, ';', CRLF, a blank line 4)
    content = (FIXTURES / "import_fr.csv").read_bytes()

    # when
    table = read_table(content, "import_fr.csv")

    # then
    assert table.header[0] == "N° facture"
    assert table.header_line == 1
    assert [row.line for row in table.rows] == [2, 3, 5, 6, 7]
    assert table.rows[0].cells[:4] == ("F2025-001", "DUP", "Dupont SARL", "552 100 554")


def test_cp1252_file_is_decoded_with_its_accents_and_euro_sign() -> None:
    table = read_table((FIXTURES / "import_cp1252.csv").read_bytes(), "import_cp1252.csv")

    assert table.header == (
        "Numéro",
        "Raison sociale",
        "Date",
        "Échéance",
        "Montant",
        "Payé",
        "Réglé le",
    )
    assert table.rows[0].cells[1] == "Société Générale d'Éléments"
    assert table.rows[0].cells[4] == "1 234,56 €"


@pytest.mark.parametrize(
    ("_case", "content", "text"),
    [
        ("utf8", "Numéro;Été\n".encode(), "Numéro;Été\n"),
        ("utf8 bom", "\ufeffNuméro;Été\n".encode(), "Numéro;Été\n"),
        ("latin-1 only", b"Num\xe9ro;\x81\n", "Numéro;\x81\n"),
        ("cp1252", b"Num\xe9ro;\x80\n", "Numéro;€\n"),
        ("utf-16 bom", "Numéro\tÉté\n".encode("utf-16"), "Numéro\tÉté\n"),
    ],
)
def test_decode_guesses_the_encoding(_case: str, content: bytes, text: str) -> None:
    assert decode(content) == text


@pytest.mark.parametrize(
    ("_case", "text", "delimiter"),
    [
        ("semicolon with decimal commas", "a;b;c\n1;2,5;3\n4;5,5;6\n", ";"),
        ("comma with quoted amounts", 'a,b,c\n1,"1,200.00",3\n4,5,6\n', ","),
        ("tab", "a\tb\n1\t2\n", "\t"),
        ("pipe", "a|b|c\n1|2|3\n", "|"),
        ("title line before the header", '"Export, 2025",,\n,,\na,b,c\n1,2,3\n', ","),
    ],
)
def test_sniff_delimiter(_case: str, text: str, delimiter: str) -> None:
    assert sniff_delimiter(text) == delimiter


def test_header_after_a_preamble_is_found_and_lines_stay_those_of_the_file() -> None:
    content = (
        b'"Export of 19 December 2020",,,\n'
        b",,,\n"
        b"INVOICES,,,\n"
        b"Client,Invoice Number,Amount,Invoice Date\n"
        b"Acme,1,$13.50,2019-11-25\n"
    )

    table = read_table(content, "export.csv", is_header=looks_like_header)

    assert table.header == ("Client", "Invoice Number", "Amount", "Invoice Date")
    assert table.header_line == 4
    assert table.rows == (Row(5, ("Acme", "1", "$13.50", "2019-11-25")),)


def test_xlsx_cells_keep_their_types_and_their_row_numbers() -> None:
    content = xlsx_bytes(
        [
            ["Invoice number", "Invoice date", "Amount"],
            [1001, naive(2025, 3, 1), 12.5],
            [None, None, None],
            ["A-2", date(2025, 3, 2), 7],
        ]
    )

    table = read_table(content, "book.xlsx")

    assert table.header == ("Invoice number", "Invoice date", "Amount")
    assert table.rows == (
        Row(2, (1001, naive(2025, 3, 1), 12.5)),
        Row(4, ("A-2", naive(2025, 3, 2), 7)),
    )


NOT_A_SPREADSHEET = "The file is not a CSV or XLSX spreadsheet."


@pytest.mark.parametrize(
    ("_case", "content", "message"),
    [
        ("empty", b"", "The file is empty."),
        ("blank lines", b"\r\n;;\r\n  \r\n", "The file is empty."),
        ("header only", b"Numero;Date;Total\r\n", "The file has a header line but no data lines."),
        ("binary", b"\x00\x01\x02\x03garbage\xff\xfe" * 10, NOT_A_SPREADSHEET),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", NOT_A_SPREADSHEET),
        ("zip not xlsx", b"PK\x03\x04" + b"\x00" * 40, NOT_A_SPREADSHEET),
        ("xml", b"<?xml version='1.0'?><Invoice/>",
         "The file is XML or HTML, not a CSV or XLSX spreadsheet."),
        ("old xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
         "This is an old Excel 97-2003 (.xls) file: save it as .xlsx or .csv and try again."),
    ],
)  # fmt: skip
def test_unreadable_files_are_refused_with_a_reason(
    _case: str, content: bytes, message: str
) -> None:
    with pytest.raises(FileRejected) as excinfo:
        read_table(content, "f.csv")

    assert excinfo.value.problems == [FileProblem("f.csv", None, "", message)]


def test_xlsx_with_only_a_header_is_refused() -> None:
    with pytest.raises(FileRejected) as excinfo:
        read_table(xlsx_bytes([["Invoice number", "Date", "Total"]]), "book.xlsx")

    (problem,) = excinfo.value.problems
    assert (problem.file, problem.line, problem.message) == (
        "book.xlsx",
        None,
        "The file has a header line but no data lines.",
    )


# --- headers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("N° facture", "number"),
        ("Numéro", "number"),
        ("invoice number", "number"),
        ("invoiceNumber", "number"),
        ("Client", "customer_name"),
        ("Code client", "customer_ref"),
        ("customerID", "customer_ref"),
        ("SIREN", "siren"),
        ("Date", "issue_date"),
        ("Date facture", "issue_date"),
        ("InvoiceDate", "issue_date"),
        ("Échéance", "due_date"),
        ("DueDate", "due_date"),
        ("Montant TTC", "total"),
        ("Total", "total"),
        ("InvoiceAmount", "total"),
        ("Devise", "currency"),
        ("Date de paiement", "paid_date"),
        ("SettledDate", "paid_date"),
        ("Montant réglé", "paid_amount"),
        ("Reste à payer", "open_amount"),
        ("Litige", "disputed"),
        ("Disputed", "disputed"),
        ("PaperlessDate", None),
        ("DaysLate", None),
        ("Montant HT", None),
    ],
)
def test_recognise_header(header: str, field: str | None) -> None:
    assert recognise_header(header) == field


def test_no_header_is_claimed_by_two_fields() -> None:
    seen: dict[str, str] = {}
    for field, headers in HEADERS.items():
        for header in headers:
            key = normalise_header(header)
            assert seen.setdefault(key, field) == field, (header, seen[key], field)
    assert set(HEADERS) == set(FIELDS)


ACCENTED = {"e": "éèêë", "a": "àâ", "u": "ùû", "o": "ô", "i": "îï", "c": "ç"}


@st.composite
def header_variant(draw: st.DrawFn) -> tuple[str, str]:
    """A usual header with random case, accents added or removed and spaces moved."""
    field = draw(st.sampled_from(FIELDS))
    header = draw(st.sampled_from(HEADERS[field]))
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", header) if not unicodedata.combining(ch)
    )
    out = []
    for ch in plain:
        if ch == " ":
            out.append(draw(st.sampled_from(["", " ", "  ", "_", "\u00a0"])))
            continue
        if ch.lower() in ACCENTED and draw(st.booleans()):
            ch = draw(st.sampled_from(ACCENTED[ch.lower()]))
        out.append(ch.upper() if draw(st.booleans()) else ch.lower())
    padding = draw(st.sampled_from(["", " ", "\t"]))
    return field, padding + "".join(out) + padding


@given(variant=header_variant())
def test_header_variants_still_map_to_their_field(variant: tuple[str, str]) -> None:
    field, header = variant
    assert recognise_header(header) == field


# --- mapping -------------------------------------------------------------------------------

US_HEADER = ("countryCode", "customerID", "PaperlessDate", "invoiceNumber", "InvoiceDate",
             "DueDate", "InvoiceAmount", "Disputed", "SettledDate", "DaysLate")  # fmt: skip


def test_obvious_headers_resolve_without_a_map() -> None:
    columns, errors = resolve_columns(US_HEADER, file="ar.csv", header_line=1)

    assert errors == []
    assert dict(columns.index) == {
        "customer_ref": 1,
        "number": 3,
        "issue_date": 4,
        "due_date": 5,
        "total": 6,
        "disputed": 7,
        "paid_date": 8,
    }


def test_explicit_map_overrides_recognition_and_matches_loosely() -> None:
    header = ("Pièce", "Tiers", "Date", "TTC", "HT", "Export date")

    columns, errors = resolve_columns(
        header,
        file="x.csv",
        header_line=1,
        mapping={"total": "ht", "issue_date": "EXPORT DATE", "customer_ref": ""},
    )

    # then total and issue_date are remapped, and customer_ref unmapped leaves no customer
    assert dict(columns.index) == {"number": 0, "issue_date": 5, "total": 4}
    assert [(e.line, e.field) for e in errors] == [(1, "customer_ref")]


def test_unknown_field_and_missing_column_in_the_map_are_errors_naming_them() -> None:
    _, errors = resolve_columns(
        US_HEADER,
        file="ar.csv",
        header_line=1,
        mapping={"montant": "InvoiceAmount", "total": "Amount"},
    )

    assert [(e.line, e.field, e.value) for e in errors] == [
        (None, "montant", "montant"),
        (1, "total", "Amount"),
    ]
    assert errors[1].message.startswith("The column 'Amount' is not in the file; its columns are:")


def test_saved_mapping_is_lenient_about_columns_this_file_does_not_have() -> None:
    columns, errors = resolve_columns(
        ("N° facture", "Client", "Date", "Montant TTC", "Réglé"),
        file="x.csv",
        header_line=1,
        saved={"number": "invoiceNumber", "paid_amount": "Réglé", "bogus": "x"},
    )

    assert errors == []
    assert dict(columns.index) == {
        "number": 0,
        "customer_name": 1,
        "issue_date": 2,
        "total": 3,
        "paid_amount": 4,
    }


def test_missing_required_fields_are_named() -> None:
    _, errors = resolve_columns(("Date", "Foo"), file="x.csv", header_line=3)

    assert [(e.line, e.field) for e in errors] == [
        (3, "number"),
        (3, "total"),
        (3, "customer_ref"),
    ]
    assert errors[2].message == (
        "No column found for customer_ref or customer_name; map one (customer_ref=Column). "
        "Columns of the file: 'Date', 'Foo'."
    )


def test_parse_mapping_items() -> None:
    mapping, errors = parse_mapping_items(
        ["number=N° pièce", " total = 'Montant TTC' ", "# comment", "", "paid_date=", "oops",
         "client=Nom"],
        file="x.csv",
    )  # fmt: skip

    assert mapping == {"number": "N° pièce", "total": "Montant TTC", "paid_date": ""}
    assert errors == [
        FileProblem("x.csv", None, "", "Expected field=Column in the mapping, got 'oops'.", "oops"),
        FileProblem(
            "x.csv",
            None,
            "client",
            "Unknown field 'client' in the mapping; the fields are: number, customer_ref, "
            "customer_name, siren, issue_date, due_date, total, currency, paid_date, "
            "paid_amount, open_amount, disputed.",
            "client",
        ),
    ]
