"""Bank file parsers on our own fixtures, each format and version, and on broken files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.payments.io import ParsedFile, detect_format, parse_bank_file

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize("version", range(2, 9))
@pytest.mark.parametrize("kind", ["053", "054"])
def test_camt_every_version(kind: str, version: int) -> None:
    # given the v02 fixture under every namespace (v08 names the debtor under Pty)
    source = _read("camt053_v08.xml" if version >= 8 else "camt053_v02.xml")
    content = source.replace(b"camt.053.001.02", f"camt.{kind}.001.{version:02d}".encode())
    content = content.replace(b"camt.053.001.08", f"camt.{kind}.001.{version:02d}".encode())
    if kind == "054":
        content = content.replace(b"BkToCstmrStmt", b"BkToCstmrDbtCdtNtfctn")
        content = content.replace(b"<Stmt>", b"<Ntfctn>").replace(b"</Stmt>", b"</Ntfctn>")
    # when
    parsed = parse_bank_file(content, "s.xml")
    # then
    assert parsed.format == "camt"
    statement = parsed.statements[0]
    assert statement.account == "FR7630006000011234567890189"
    first, second, third, debit = statement.transactions
    assert (first.booking_date, first.amount, first.reference) == (
        date(2025, 3, 3),
        Decimal("1200.00"),
        "F-000001",
    )
    assert (first.payer_name, first.payer_iban) == ("DUPONT ET FILS", "FR7630004000031234567890143")
    assert (first.bank_id, first.end_to_end_id) == ("BANK-0001", "E2E-0001")
    # a batch entry gives one transaction per detail
    assert (second.amount, second.bank_id, second.label) == (
        Decimal("200.00"),
        "BANK-0002-A",
        "FACTURE F-000002",
    )
    assert (third.amount, third.label) == (Decimal("150.50"), "FACT F 000003 MERCI")
    assert (debit.amount, debit.label) == (Decimal("-45.90"), "FRAIS TENUE DE COMPTE")


def test_camt054_fixture() -> None:
    parsed = parse_bank_file(_read("camt054_v04.xml"), "n.xml")
    assert [t.amount for t in parsed.transactions] == [
        Decimal("1200.00"),
        Decimal("200.00"),
        Decimal("150.50"),
        Decimal("-45.90"),
    ]


@pytest.mark.parametrize("name", ["ofx1_sgml.ofx", "ofx2_xml.qfx"])
def test_ofx_sgml_and_xml(name: str) -> None:
    parsed = parse_bank_file(_read(name), name)
    assert parsed.format == "ofx"
    credit, debit = parsed.transactions
    assert (credit.booking_date, credit.amount, credit.bank_id) == (
        date(2025, 3, 3),
        Decimal("1200.00"),
        "OFX-1",
    )
    assert credit.label == "VIR DUPONT ET FILS Règlement F-000001"  # cp1252 é read right
    assert (debit.amount, debit.payer_name) == (Decimal("-45.90"), "FRAIS")
    assert parsed.statements[0].account == "12345678901"


def test_mt940_two_statements_structured_and_german_86() -> None:
    parsed = parse_bank_file(_read("mt940_two_statements.sta"), "m.sta")
    assert [s.statement_id for s in parsed.statements] == ["STMT1", "STMT2"]
    first, debit, third = parsed.transactions
    assert (first.amount, first.label, first.payer_name, first.payer_iban, first.bank_id) == (
        Decimal("1200.00"),
        "F-000001",
        "DUPONT ET FILS",
        "FR7630004000031234567890143",
        "BANK-0001",
    )
    assert (debit.amount, debit.label) == (Decimal("-45.90"), "FRAIS TENUE DE COMPTE")
    assert (third.booking_date, third.amount, third.label, third.payer_name) == (
        date(2025, 3, 4),
        Decimal("350.50"),
        "FACTURE F-000002 F-000003",
        "MARTIN SA",
    )


@pytest.mark.parametrize("name", ["cfonb120.txt", "cfonb120_no_breaks.txt"])
def test_cfonb120_with_and_without_line_breaks(name: str) -> None:
    parsed = parse_bank_file(_read(name), name)
    assert parsed.format == "cfonb120"
    credit, debit = parsed.transactions
    assert (credit.amount, credit.label, credit.payer_name, credit.end_to_end_id) == (
        Decimal("1200.00"),
        "VIR SEPA DUPONT ET FILS F-000001",
        "DUPONT ET FILS",
        "REF0001",
    )
    assert (debit.booking_date, debit.amount) == (date(2025, 3, 3), Decimal("-45.90"))
    assert parsed.statements[0].account == "300060000112345678901"


def test_csv_latin1_debit_credit_columns() -> None:
    parsed = parse_bank_file(_read("bank_latin1.csv"), "b.csv")
    assert [(t.amount, t.label) for t in parsed.transactions] == [
        (Decimal("1200.00"), "VIR DUPONT ET FILS Règlement F-000001"),
        (Decimal("-45.90"), "FRAIS TENUE DE COMPTE"),
    ]


def test_csv_with_mapping() -> None:
    mapping = {"date": "Jour", "label": "Texte", "amount": "Valeur", "payer_name": "Emetteur"}
    parsed = parse_bank_file(_read("bank_custom.csv"), "c.csv", csv_mapping=mapping)
    assert [(t.amount, t.payer_name) for t in parsed.transactions] == [
        (Decimal("1200.00"), "DUPONT ET FILS"),
        (Decimal("-45.90"), "BANQUE"),
    ]


def test_csv_without_mapping_names_the_missing_field() -> None:
    with pytest.raises(FileRejected) as info:
        parse_bank_file(_read("bank_custom.csv"), "c.csv")
    assert str(info.value) == "c.csv, line 1, date: no date column (map date=Column)"
    assert info.value.problems == [
        FileProblem("c.csv", 1, "date", "no date column (map date=Column)", where="line 1")
    ]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("camt053_v02.xml", "camt"),
        ("ofx1_sgml.ofx", "ofx"),
        ("ofx2_xml.qfx", "ofx"),
        ("mt940_two_statements.sta", "mt940"),
        ("cfonb120.txt", "cfonb120"),
        ("cfonb120_no_breaks.txt", "cfonb120"),
        ("bank_latin1.csv", "csv"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(_read(name)) == fmt


@pytest.mark.parametrize(
    ("_case", "name", "old", "new", "message"),
    [
        (
            "camt amount",
            "camt053_v02.xml",
            b"1200.00",
            b"12OO.00",
            "s, /Document/BkToCstmrStmt/Stmt/Ntry[1], Amt: not an amount: '12OO.00'",
        ),
        (
            "camt indicator",
            "camt053_v02.xml",
            b"<CdtDbtInd>CRDT",
            b"<CdtDbtInd>CR",
            "s, /Document/BkToCstmrStmt/Stmt/Ntry[1], CdtDbtInd: expected CRDT or DBIT, got 'CR'",
        ),
        (
            "camt version",
            "camt053_v02.xml",
            b"camt.053.001.02",
            b"camt.053.001.09",
            "s, /Document, xmlns: CAMT.053 version 001.09 is not supported (001.02 to 001.08)",
        ),
        (
            "camt date",
            "camt053_v02.xml",
            b"<Dt>2025-03-03</Dt></BookgDt><ValDt>",
            b"<Dt>2025-02-30</Dt></BookgDt><ValDt>",
            "s, /Document/BkToCstmrStmt/Stmt/Ntry[1], BookgDt/Dt: not a date: 2025-02-30",
        ),
        (
            "ofx amount",
            "ofx1_sgml.ofx",
            b"<TRNAMT>1200.00",
            b"<TRNAMT>$1200",
            "s, line 17, TRNAMT: not an amount: '$1200'",
        ),
        (
            "ofx date",
            "ofx2_xml.qfx",
            b"<DTPOSTED>20250303</DTPOSTED><TRNAMT>1200",
            b"<DTPOSTED>2025</DTPOSTED><TRNAMT>1200",
            "s, line 8, DTPOSTED: not a date: '2025'",
        ),
        (
            "mt940 line",
            "mt940_two_statements.sta",
            b":61:2503030303C1200,00",
            b":61:2503030303X1200,00",
            "s, line 6, :61:: bad statement line '2503030303X1200,00NTRFE2E-0001//BANK-0001'",
        ),
        (
            "cfonb amount",
            "cfonb120.txt",
            b"000000012000{",
            b"00000001200X{",
            "s, record 2, amount: not a CFONB amount: '000000001200X{'",
        ),
        (
            "cfonb code",
            "cfonb120.txt",
            b"\r\n04",
            b"\r\n09",
            "s, record 2, record code: unknown record code '09'",
        ),
    ],
)
def test_broken_files_name_where_and_field(
    _case: str, name: str, old: bytes, new: bytes, message: str
) -> None:
    content = _read(name)
    assert old in content
    with pytest.raises(FileRejected) as info:
        parse_bank_file(content.replace(old, new, 1), "s")
    assert str(info.value) == message


def test_empty_and_foreign_files() -> None:
    with pytest.raises(FileRejected, match="the file is empty"):
        parse_bank_file(b"  \n", "e.txt")
    with pytest.raises(FileRejected, match="not an ISO 20022"):
        parse_bank_file(b"<html><body/></html>", "p.html")
    with pytest.raises(FileRejected, match="not well-formed XML"):
        parse_bank_file(b"<Document xmlns='urn:x'><a></Document>", "x.xml")


def _outcome(
    content: bytes, name: str, fmt: str | None = None
) -> tuple[FileProblem | None, ParsedFile | None]:
    """Parse, catching only the refusal we promise: any other exception fails the test."""
    try:
        return None, parse_bank_file(content, name, format=fmt)
    except FileRejected as exc:
        (problem,) = exc.problems  # a parser stops at its first problem
        return problem, None


ALL = [
    "camt053_v02.xml",
    "camt053_v08.xml",
    "camt054_v04.xml",
    "ofx1_sgml.ofx",
    "ofx2_xml.qfx",
    "mt940_two_statements.sta",
    "cfonb120.txt",
    "cfonb120_no_breaks.txt",
    "bank_latin1.csv",
]


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(ALL),
    position=st.floats(0, 1),
    length=st.integers(0, 40),
    junk=st.binary(max_size=40),
)
def test_mutated_files_give_a_clear_error_or_a_result(
    name: str, position: float, length: int, junk: bytes
) -> None:
    # given a fixture with a slice replaced by random bytes
    content = _read(name)
    at = int(position * len(content))
    mutated = content[:at] + junk + content[at + length :]
    # when / then: either read, or refused with a FileRejected; nothing else escapes
    error, parsed = _outcome(mutated, name)
    if error is not None:
        assert error.file == name
        assert error.message
    else:
        assert parsed is not None
        for tx in parsed.transactions:
            assert tx.amount == tx.amount.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(
    content=st.binary(max_size=600),
    fmt=st.sampled_from(["camt", "ofx", "mt940", "cfonb120", "csv", None]),
)
def test_random_bytes_never_crash(content: bytes, fmt: str | None) -> None:
    error, _parsed = _outcome(content, "r.bin", fmt)
    assert error is None or error.message


@settings(max_examples=100, deadline=None)
@given(
    amounts=st.lists(
        st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2).filter(
            lambda d: d != 0
        ),
        min_size=1,
        max_size=8,
    )
)
def test_generated_mt940_round_trips_amounts(amounts: list[Decimal]) -> None:
    lines = [":20:GEN", ":25:FR7630006000011234567890189", ":28C:1", ":60F:C250101EUR0,00"]
    for i, value in enumerate(amounts):
        mark = "C" if value > 0 else "D"
        lines += [
            f":61:250102{mark}{abs(value):.2f}NTRFREF{i}//B{i}".replace(".", ","),
            f":86:payment {i}",
        ]
    lines += [":62F:C250102EUR0,00", "-"]
    parsed = parse_bank_file("\n".join(lines).encode(), "g.sta")
    assert [t.amount for t in parsed.transactions] == amounts
    assert [t.bank_id for t in parsed.transactions] == [f"B{i}" for i in range(len(amounts))]


def test_cfonb120_movements_without_balance_records() -> None:
    # given only the 04/05 records of the fixture (some exports leave out 01 and 07)
    records = _read("cfonb120.txt").split(b"\r\n")
    content = b"\r\n".join(r for r in records if r[:2] in (b"04", b"05"))
    # when
    parsed = parse_bank_file(content, "ops.txt")
    # then
    assert parsed.format == "cfonb120"
    assert [t.amount for t in parsed.transactions] == [Decimal("1200.00"), Decimal("-45.90")]
