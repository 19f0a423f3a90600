"""Bank import and reconciliation services, and the import-bank command."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.payments.bank import (
    bank_import,
    bank_line_accept,
    bank_line_ignore,
    bank_line_match,
    bank_line_split,
    bank_line_undo,
)
from encaisse.payments.models import (
    BankLine,
    BankStatement,
    CustomerBankAccount,
    CustomerPayerName,
    MatchProposal,
    Payment,
)

FIXTURES = Path(__file__).parent / "fixtures"
ON = date(2025, 3, 5)


def _open(invoice: Invoice) -> Decimal:
    return with_open_amount(Invoice.objects.filter(pk=invoice.pk)).get().open_amount


@pytest.fixture
def invoices(company: Company) -> list[Invoice]:
    # F-000001 1200.00 (Dupont), F-000002 200.00 and F-000003 150.50 (Martin)
    dupont = CustomerFactory.create(company=company, name="Dupont et Fils")
    martin = CustomerFactory.create(company=company, name="Martin SA")
    return [
        make_invoice(company=company, customer=dupont, amount="1000.00"),
        make_invoice(company=company, customer=martin, amount="200.00", vat_rate="0"),
        make_invoice(company=company, customer=martin, amount="150.50", vat_rate="0"),
    ]


def test_import_matches_references_and_keeps_debits(
    company: Company, invoices: list[Invoice]
) -> None:
    # given three open invoices whose numbers the statement quotes
    assert [i.number for i in invoices] == ["F-000001", "F-000002", "F-000003"]
    # when
    result = bank_import(
        company=company,
        content=(FIXTURES / "camt053_v02.xml").read_bytes(),
        filename="camt053_v02.xml",
        actor=None,
        on=ON,
    )
    # then
    assert result.as_dict() == {
        "file": "camt053_v02.xml",
        "format": "camt",
        "lines": 4,
        "new": 4,
        "auto_matched": 3,
        "proposed": 0,
        "unmatched": 0,
    }
    assert [_open(i) for i in invoices] == [Decimal("0.00")] * 3
    states = list(BankLine.objects.filter(company=company).values_list("amount", "state"))
    assert sorted(states) == [
        (Decimal("-45.90"), "debit"),
        (Decimal("150.50"), "matched"),
        (Decimal("200.00"), "matched"),
        (Decimal("1200.00"), "matched"),
    ]
    assert set(Payment.objects.filter(company=company).values_list("source", flat=True)) == {"bank"}


def test_same_file_and_overlapping_statement_add_nothing_twice(
    company: Company, invoices: list[Invoice]
) -> None:
    content = (FIXTURES / "mt940_two_statements.sta").read_bytes()
    bank_import(company=company, content=content, filename="a.sta", actor=None, on=ON)
    # when: the same file again, then a statement with the first half only
    again = bank_import(company=company, content=content, filename="a.sta", actor=None, on=ON)
    first_half = content.split(b"{1:F01", 2)
    overlap = b"{1:F01" + first_half[1]
    partial = bank_import(company=company, content=overlap, filename="b.sta", actor=None, on=ON)
    # then
    assert (again.lines, again.new, partial.lines, partial.new) == (3, 0, 2, 0)
    assert BankLine.objects.filter(company=company).count() == 3
    assert BankStatement.objects.filter(company=company).count() == 1
    assert Payment.objects.filter(company=company).count() == 2


def test_bad_file_writes_nothing(company: Company, invoices: list[Invoice]) -> None:
    content = (FIXTURES / "camt053_v02.xml").read_bytes().replace(b"350.50", b"35O.50")
    with pytest.raises(DomainError) as info:
        bank_import(company=company, content=content, filename="bad.xml", actor=None, on=ON)
    assert info.value.message == (
        "bad.xml, /Document/BkToCstmrStmt/Stmt/Ntry[2], Amt: not an amount: '35O.50'"
    )
    assert not BankLine.objects.exists()
    assert not BankStatement.objects.exists()
    assert not Payment.objects.exists()


def test_proposal_accepted_teaches_iban_and_name(company: Company) -> None:
    # given an invoice whose number the payer did not quote, and an unknown payer
    customer = CustomerFactory.create(company=company, name="Garage Leroy")
    invoice = make_invoice(company=company, customer=customer, amount="500.00", vat_rate="0")
    csv = (
        "Date;Libellé;Montant;Tiers;IBAN\n03/03/2025;VIREMENT;500,00;SARL GL AUTO;"
        "FR7630004000031234567890143\n"
    ).encode()
    result = bank_import(company=company, content=csv, filename="b.csv", actor=None, on=ON)
    assert (result.auto_matched, result.proposed) == (0, 1)
    line = BankLine.objects.get(company=company)
    proposal = MatchProposal.objects.get(line=line)
    assert (proposal.customer_id, proposal.amounts, proposal.reasons) == (
        customer.pk,
        {str(invoice.pk): "500.00"},
        ["amount_only"],
    )
    # when
    bank_line_accept(company=company, line_id=line.pk, proposal_id=proposal.pk, actor=None)
    # then the invoice is paid and the payer is learned
    assert _open(invoice) == Decimal("0.00")
    assert CustomerBankAccount.objects.get(company=company).customer_id == customer.pk
    assert CustomerPayerName.objects.get(company=company).name_key == "GL AUTO"
    # and the next payment from that IBAN is matched alone
    second = make_invoice(company=company, customer=customer, amount="80.00", vat_rate="0")
    csv2 = (
        "Date;Libellé;Montant;Tiers;IBAN\n04/03/2025;VIREMENT;80,00;X;FR7630004000031234567890143\n"
    ).encode()
    again = bank_import(company=company, content=csv2, filename="c.csv", actor=None, on=ON)
    assert again.auto_matched == 1
    assert _open(second) == Decimal("0.00")


def test_match_by_hand_partial_with_credit_then_undo(company: Company) -> None:
    customer = CustomerFactory.create(company=company, name="Moreau")
    a = make_invoice(company=company, customer=customer, amount="100.00", vat_rate="0")
    b = make_invoice(company=company, customer=customer, amount="300.00", vat_rate="0")
    csv = b"Date;Libell\xe9;Montant\n03/03/2025;VIR INCONNU;350,00\n"
    bank_import(company=company, content=csv, filename="h.csv", actor=None, on=ON)
    line = BankLine.objects.get(company=company)
    # when: 100 on a, 200 on b, 50 left as credit
    payment = bank_line_match(
        company=company,
        line_id=line.pk,
        customer_id=customer.pk,
        amounts={a.pk: Decimal("100.00"), b.pk: Decimal("200.00")},
        actor=None,
    )
    assert (payment.amount, _open(a), _open(b)) == (
        Decimal("350.00"),
        Decimal("0.00"),
        Decimal("100.00"),
    )
    # when undone
    line = bank_line_undo(company=company, line_id=line.pk, actor=None, on=ON)
    # then
    assert line.state in ("unmatched", "proposed")
    assert (_open(a), _open(b)) == (Decimal("100.00"), Decimal("300.00"))
    assert not Payment.objects.filter(company=company).exists()


def test_too_much_by_hand_is_refused_and_nothing_written(company: Company) -> None:
    customer = CustomerFactory.create(company=company, name="Moreau")
    a = make_invoice(company=company, customer=customer, amount="100.00", vat_rate="0")
    bank_import(
        company=company,
        content=b"Date;Montant\n03/03/2025;50,00\n",
        filename="t.csv",
        actor=None,
        on=ON,
    )
    line = BankLine.objects.get(company=company)
    with pytest.raises(DomainError):
        bank_line_match(
            company=company,
            line_id=line.pk,
            customer_id=customer.pk,
            amounts={a.pk: Decimal("80.00")},
            actor=None,
        )
    assert not Payment.objects.exists()
    assert BankLine.objects.get(pk=line.pk).state == "unmatched"


def test_split_ignore_and_other_company(company: Company, other_company: Company) -> None:
    bank_import(
        company=company,
        content=b"Date;Montant\n03/03/2025;90,00\n04/03/2025;10,00\n",
        filename="s.csv",
        actor=None,
        on=ON,
    )
    first, second = BankLine.objects.filter(company=company).order_by("booking_date")
    parts = bank_line_split(
        company=company,
        line_id=first.pk,
        amounts=[Decimal("60.00"), Decimal("30.00")],
        actor=None,
        on=ON,
    )
    assert [p.amount for p in parts] == [Decimal("60.00"), Decimal("30.00")]
    with pytest.raises(DomainError):
        bank_line_split(
            company=company,
            line_id=second.pk,
            amounts=[Decimal("5.00"), Decimal("4.00")],
            actor=None,
            on=ON,
        )
    bank_line_ignore(company=company, line_id=second.pk, actor=None)
    assert BankLine.objects.get(pk=second.pk).state == "ignored"
    with pytest.raises(DomainError):
        bank_line_ignore(company=other_company, line_id=second.pk, actor=None)
    bank_line_undo(company=company, line_id=first.pk, actor=None, on=ON)
    assert BankLine.objects.filter(company=company).count() == 2


def test_command_json(company: Company, invoices: list[Invoice], tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "import-bank",
        str(FIXTURES / "ofx1_sgml.ofx"),
        str(FIXTURES / "cfonb120.txt"),
        "--company",
        "acme",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == {
        "files": [
            {
                "file": "ofx1_sgml.ofx",
                "format": "ofx",
                "lines": 2,
                "new": 2,
                "auto_matched": 1,
                "proposed": 0,
                "unmatched": 0,
            },
            {
                "file": "cfonb120.txt",
                "format": "cfonb120",
                "lines": 2,
                "new": 2,
                "auto_matched": 0,
                "proposed": 1,
                "unmatched": 0,
            },  # Dupont's money, nothing left to pay: a credit
        ]
    }
    bad = tmp_path / "bad.ofx"
    bad.write_text("<OFX><STMTRS><CURDEF>EUR</STMTRS></OFX>")
    with pytest.raises(CommandError) as info:
        call_command("import-bank", str(bad), "--company", "acme", stdout=StringIO())
    assert str(info.value) == (
        "bad.ofx, line 1, ACCTID: the account is missing\n"
        "1 fichier(s) refusé(s), rien n’en a été importé."
    )


def test_command_saves_the_csv_mapping(company: Company, tmp_path: Path) -> None:
    customer = CustomerFactory.create(company=company, name="Dupont et Fils")
    invoice = make_invoice(company=company, customer=customer, amount="1000.00")
    path = FIXTURES / "bank_custom.csv"
    out = StringIO()
    call_command("import-bank", str(path), "--company", "acme", "--format", "json",
                 "--map", "date=Jour", "label=Texte", "amount=Valeur", "payer_name=Emetteur",
                 stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["files"][0]["auto_matched"] == 1
    assert _open(invoice) == Decimal("0.00")
    # the mapping is reused: a second export of the same bank needs no --map
    second = tmp_path / "next.csv"
    second.write_text("Jour,Texte,Valeur,Emetteur\n2025-03-10,AUTRE,5.00,X\n")
    out = StringIO()
    call_command("import-bank", str(second), "--company", "acme", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["files"][0]["new"] == 1
    with pytest.raises(CommandError, match="--map 'nope=X'"):
        call_command("import-bank", str(second), "--company", "acme", "--map", "nope=X")
