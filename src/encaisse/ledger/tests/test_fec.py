"""The FEC reader and writer: real-format variants, round trips, and refusals that say where."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.core.spreadsheet import safe_text
from encaisse.ledger import fec
from encaisse.ledger.fec import FecLine, parse_fec, write_fec

HEADER = fec.HEADER_LINE
SALE = [
    "VE\tVentes\t1\t20250115\t411000\tClients\tC001\tDupont SA\tF-001\t20250114\tFacture F-001"
    "\t1200,00\t0,00\tAA\t20250210\t20250115\t\t",
    "VE\tVentes\t1\t20250115\t706000\tVentes\t\t\tF-001\t20250114\tFacture F-001"
    "\t0,00\t1000,00\t\t\t20250115\t\t",
    "VE\tVentes\t1\t20250115\t4457120\tTVA 20\t\t\tF-001\t20250114\tFacture F-001"
    "\t0,00\t200,00\t\t\t20250115\t\t",
]
RECEIPT = [
    "BQ\tBanque\t1\t20250210\t512000\tBanque\t\t\tVIR1\t20250210\tVir Dupont\t1200,00\t0,00"
    "\t\t\t20250210\t\t",
    "BQ\tBanque\t1\t20250210\t411000\tClients\tC001\tDupont SA\tVIR1\t20250210\tVir Dupont"
    "\t0,00\t1200,00\tAA\t20250210\t20250210\t\t",
]


def text(*lines: str, header: str = HEADER, newline: str = "\r\n") -> str:
    return newline.join([header, *lines]) + newline


def refusal(content: bytes, name: str = "bad.txt") -> list[str]:
    with pytest.raises(FileRejected) as caught:
        parse_fec(content, name)
    return [str(error) for error in caught.value.problems]


def test_reads_a_tab_separated_utf8_file_with_bom() -> None:
    # given an FEC as most software writes it, with a BOM
    content = ("\ufeff" + text(*SALE, *RECEIPT)).encode("utf-8")

    # when
    result = parse_fec(content, "732829320FEC20251231.txt")

    # then
    assert (result.encoding, result.separator) == ("utf-8", "\t")
    assert (result.line_count, result.entry_count) == (5, 2)
    assert result.debit_total == result.credit_total == Decimal("2400.00")
    assert [(a.account, a.debit, a.credit) for a in result.accounts.values()] == [
        ("411000", Decimal("1200.00"), Decimal("1200.00")),
        ("706000", Decimal("0.00"), Decimal("1000.00")),
        ("4457120", Decimal("0.00"), Decimal("200.00")),
        ("512000", Decimal("1200.00"), Decimal("0.00")),
    ]
    sale, receipt = result.customer_lines
    assert sale == FecLine(
        journal_code="VE",
        journal_lib="Ventes",
        entry_num="1",
        entry_date=date(2025, 1, 15),
        account="411000",
        account_lib="Clients",
        aux_num="C001",
        aux_lib="Dupont SA",
        piece_ref="F-001",
        piece_date=date(2025, 1, 14),
        label="Facture F-001",
        debit=Decimal("1200.00"),
        credit=Decimal("0.00"),
        letter="AA",
        letter_date=date(2025, 2, 10),
        valid_date=date(2025, 1, 15),
        currency_amount=None,
        currency="",
        line=2,
    )
    assert (receipt.customer_key, receipt.amount, receipt.line) == ("C001", Decimal(-1200), 6)
    entry = result.entries[("VE", "1")]
    assert (entry.sales, entry.bank, entry.net, entry.vat) == (
        True,
        False,
        Decimal("1000.00"),
        Decimal("200.00"),
    )
    assert result.entries[("BQ", "1")].bank is True


def test_reads_a_padded_pipe_file_in_windows_1252_with_cr_cr_lf() -> None:
    # given a legacy export: pipes with a trailing one, padded fields, zero-padded amounts
    header = "|".join(fec.COLUMNS) + "|"
    lines = [
        "VE  |Ventes|00000001|20230109|41100000|CLIENTS  |41101590|LECLERC CARPENTRAS  |VE  0123"
        "|20230109|Vente nectar   |0000000074,70|0000000000,00|AA|20230209|20240331|||",
        "VE  |Ventes|00000001|20230109|70100000|VENTE    |        |Crème brûlée        |VE  0123"
        "|20230109|Vente nectar   |0000000000,00|0000000074,70|  |        |20240331|||",
    ]
    content = text(*lines, header=header, newline="\r\r\n").encode("cp1252")

    # when
    result = parse_fec(content, "legacy.TXT")

    # then
    assert (result.encoding, result.separator, result.line_count) == ("cp1252", "|", 2)
    line = result.customer_lines[0]
    assert (line.journal_code, line.entry_num, line.aux_num, line.piece_ref) == (
        "VE",
        "00000001",
        "41101590",
        "VE  0123",
    )
    assert (line.debit, line.letter) == (Decimal("74.70"), "AA")
    assert result.accounts["70100000"].credit == Decimal("74.70")


def test_reads_the_montant_sens_variant_and_extra_columns() -> None:
    columns = [c for c in fec.COLUMNS if c not in ("Debit", "Credit")]
    header = "\t".join([*columns[:11], "Montant", "Sens", *columns[11:], "ModeRglt"])

    def row(account: str, aux: str, amount: str, sens: str) -> str:
        head = ["VE", "Ventes", "7", "20250301", account, "x", aux, "", "F7", "20250301", "F7"]
        return "\t".join([*head, amount, sens, "", "", "20250301", "", "", "VIR"])

    content = text(
        row("411000", "C9", "50,5", "C"),
        row("706000", "", "50.50", "D"),
        header=header,
    ).encode()

    result = parse_fec(content, "signed.txt")

    line = result.customer_lines[0]
    assert (line.debit, line.credit) == (Decimal("0.00"), Decimal("50.50"))
    assert result.accounts["706000"].debit == Decimal("50.50")


@pytest.mark.parametrize(
    ("_case", "content", "expected"),
    [
        ("empty", b"", ["empty.txt: the file is empty"]),
        ("binary", b"PK\x03\x04\x00\x00garbage", ["empty.txt: not a text file (binary content)"]),
        (
            "not an FEC",
            b"number;customer;total\nF1;Dupont;12\n",
            [
                "empty.txt line 1: not an FEC: the first line must name the columns ("
                + ", ".join(fec.COLUMNS)
                + "), separated by tabs or |"
            ],
        ),
        ("header only", (HEADER + "\n").encode(), ["empty.txt: the file has no entry line"]),
    ],
)
def test_refuses_what_is_not_an_fec(_case: str, content: bytes, expected: list[str]) -> None:
    assert refusal(content, "empty.txt") == expected


def test_names_each_missing_or_doubled_column() -> None:
    header = HEADER.replace("\tPieceDate", "").replace("\tDateLet", "")
    assert refusal(text(header=header).encode()) == [
        "bad.txt line 1, PieceDate: this column is missing from the header",
        "bad.txt line 1, DateLet: this column is missing from the header",
    ]
    assert refusal(text(header=HEADER + "\tDebit").encode()) == [
        "bad.txt line 1, Debit: this column appears twice in the header"
    ]


def test_a_refusal_is_a_file_problem_naming_file_line_field_and_value() -> None:
    # given an amount that is not one
    content = text(SALE[0].replace("1200,00", "12O0,00"), *SALE[1:]).encode()

    # when
    with pytest.raises(FileRejected) as caught:
        parse_fec(content, "bad.txt")

    # then
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.field, problem.value) == (
        "bad.txt",
        2,
        "Debit",
        "12O0,00",
    )


@pytest.mark.parametrize(
    ("_case", "old", "new", "expected"),
    [
        ("bad date", "20250115", "2025-01-15", "line 2, EcritureDate: not a date: expected"),
        ("impossible date", "20250115", "20250230", "line 2, EcritureDate: not a date"),
        ("bad amount", "1200,00", "1 200,00", "line 2, Debit: not an amount"),
        ("three decimals", "1200,00", "1200,005", "line 2, Debit: more than two decimals"),
        ("no account", "411000", "", "line 2, CompteNum: this field is required"),
        ("pipe in a label", "Facture F-001\t1200", "Facture\tF-001\t1200", "line 2: 19 fields"),
        ("unbalanced", "1200,00", "1210,00", "line 2, EcritureNum: entry VE 1 does not balance"),
        ("bad lettering date", "20250210", "2025021", "line 2, DateLet: not a date"),
        # str.isdigit() is true for "²": found by the damaged-file property test below
        ("superscript digit", "1200,00", "1200,0²", "line 2, Debit: not an amount"),
        ("arabic-indic digits", "1200,00", "1200,\u0660\u0660", "line 2, Debit: not an amount"),
    ],
)
def test_a_mutated_line_is_refused_with_its_line_and_field(
    _case: str, old: str, new: str, expected: str
) -> None:
    content = text(SALE[0].replace(old, new, 1), *SALE[1:]).encode()
    errors = refusal(content)
    assert errors[0].startswith(f"bad.txt {expected}"), errors


def test_every_unbalanced_entry_is_named() -> None:
    broken = [SALE[0].replace("1200,00", "1100,00"), *SALE[1:], RECEIPT[0], RECEIPT[1]]
    assert refusal(text(*broken).encode()) == [
        "bad.txt line 2, EcritureNum: entry VE 1 does not balance: debit 1100.00 ≠ credit 1200.00",
        "bad.txt: the file does not balance: debit 2300.00 ≠ credit 2400.00",
    ]


# Round trip ------------------------------------------------------------------------------

codes = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=8)
labels = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    max_size=30,
).map(lambda s: " ".join(s.replace("|", " ").split()))
amounts = st.integers(1, 10**9).map(lambda cents: Decimal(cents) / 100)
days = st.dates(date(2000, 1, 1), date(2099, 12, 31))


@st.composite
def entries(draw: st.DrawFn) -> list[FecLine]:
    """Balanced entries: one customer line against one or more other lines."""
    lines: list[FecLine] = []
    for number in range(1, draw(st.integers(1, 6)) + 1):
        journal = draw(st.sampled_from(["VE", "BQ", "OD"]))
        on = draw(days)
        total = draw(amounts)
        parts = draw(st.lists(amounts, min_size=0, max_size=2))
        parts = [p for p in parts if p < total]
        rest = total - sum(parts, Decimal(0))
        if rest <= 0:
            parts, rest = [], total
        customer_debit = draw(st.booleans())
        common: dict[str, Any] = {
            "journal_code": journal,
            "journal_lib": draw(labels),
            "entry_num": str(number),
            "entry_date": on,
            "piece_ref": draw(codes),
            "piece_date": draw(st.none() | days),
            "label": draw(labels),
            "valid_date": on,
        }
        lines.append(
            FecLine(
                **common,
                account="411000",
                account_lib="Clients",
                aux_num=draw(codes),
                aux_lib=draw(labels),
                debit=total if customer_debit else Decimal("0.00"),
                credit=Decimal("0.00") if customer_debit else total,
                letter=draw(st.sampled_from(["", "AA", "AB", "ab"])),
                letter_date=draw(st.none() | days),
            )
        )
        for part in [*parts, rest]:
            lines.append(
                FecLine(
                    **common,
                    account=draw(st.sampled_from(["706000", "4457120", "512000", "627000"])),
                    account_lib=draw(labels),
                    aux_num="",
                    aux_lib="",
                    debit=Decimal("0.00") if customer_debit else part,
                    credit=part if customer_debit else Decimal("0.00"),
                )
            )
    return lines


def _formula_safe(line: FecLine) -> FecLine:
    texts: dict[str, Any] = {
        f.name: safe_text(value)
        for f in dataclasses.fields(line)
        if isinstance(value := getattr(line, f.name), str)
    }
    return dataclasses.replace(line, **texts)


@settings(max_examples=150, deadline=None)
@given(lines=entries(), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
def test_written_then_read_gives_the_same_lines(lines: list[FecLine], encoding: str) -> None:
    content = "".join(write_fec(lines)).encode(encoding)

    result = parse_fec(content, "round.txt")

    # every text comes back as written: formula-like ones behind an apostrophe
    customer = [_formula_safe(line) for line in lines if line.account == "411000"]
    read = [dataclasses.replace(r, line=0) for r in result.customer_lines]
    assert read == customer
    assert result.line_count == len(lines)
    assert result.debit_total == sum((line.debit for line in lines), Decimal(0))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=entries(),
    position=st.integers(0, 10**6),
    length=st.integers(1, 5),
    junk=st.binary(min_size=0, max_size=5),
)
def test_a_damaged_file_reads_or_is_refused_with_a_located_error(
    lines: list[FecLine], position: int, length: int, junk: bytes
) -> None:
    # given a valid file with some bytes replaced
    content = "".join(write_fec(lines)).encode()
    at = position % len(content)
    damaged = content[:at] + junk + content[at + length :]

    # when it is read
    errors: list[FileProblem] = []
    try:
        parse_fec(damaged, "damaged.txt")
    except FileRejected as exc:
        errors = exc.problems

    # then it either reads or every error names the file
    assert all(str(e).startswith("damaged.txt") for e in errors)
    assert all(e.line is None or e.line >= 1 for e in errors)


def test_file_name_and_number_formats() -> None:
    assert fec.fec_filename("732829320", date(2025, 12, 31)) == "732829320FEC20251231.txt"
    assert fec.format_amount(Decimal("-1250.5")) == "-1250,50"
    assert fec.format_date(date(2025, 3, 1)) == "20250301"


def test_written_text_fields_never_start_a_formula_and_amounts_keep_their_sign() -> None:
    # given a customer named and referenced like formulas, and a negative currency amount
    line = FecLine(
        journal_code="VE",
        journal_lib="Ventes",
        entry_num="1",
        entry_date=date(2025, 1, 15),
        account="411000",
        account_lib="Clients",
        aux_num="@SUM(1+1)",
        aux_lib='=HYPERLINK("http://evil.test";"x")',
        piece_ref="+cmd| /C calc",
        piece_date=date(2025, 1, 15),
        label="-2+3",
        debit=Decimal("120.00"),
        credit=Decimal("0.00"),
        currency_amount=Decimal("-12.50"),
        currency="USD",
    )

    # when
    fields = fec.format_line(line).split("\t")

    # then an apostrophe leads each formula-like text; the numbers are untouched
    assert fields[6:11] == [
        "'@SUM(1+1)",
        '\'=HYPERLINK("http://evil.test";"x")',
        "'+cmd  /C calc",
        "20250115",
        "'-2+3",
    ]
    assert (fields[11], fields[12], fields[16]) == ("120,00", "0,00", "-12,50")
