"""Quotes (devis): draft, issue with a stored PDF, accept/refuse, convert, deposit invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.invoicing.documents import services
from encaisse.invoicing.models import Invoice, IssuedDocument, Quote
from encaisse.invoicing.quotes import services as quotes
from encaisse.invoicing.services import LineData, invoice_issue
from encaisse.invoicing.tests.documents_helpers import dress_company, make_buyer, pdf_text

pytestmark = pytest.mark.django_db

LINES = [
    LineData("Développement module export", Decimal("5"), Decimal("600.00"), Decimal("0.20")),
    LineData("Formation utilisateurs", Decimal("1"), Decimal("350.00"), Decimal("0.20")),
]


@pytest.fixture
def seller(company: Company) -> Company:
    return dress_company(company)


def issued_quote(seller: Company, on: date = date(2025, 3, 3)) -> Quote:
    draft = quotes.quote_draft_create(
        company=seller, customer=make_buyer(seller), lines=LINES, actor=None
    )
    return quotes.quote_issue(company=seller, quote_id=draft.pk, actor=None, on=on)


def test_issue_numbers_the_quote_and_sets_its_validity(seller: Company) -> None:
    quote = issued_quote(seller)
    assert (quote.number, quote.status) == ("D-000001", Quote.Status.ISSUED)
    assert (quote.issue_date, quote.valid_until) == (date(2025, 3, 3), date(2025, 4, 2))
    assert (quote.net_amount, quote.vat_amount, quote.total_amount) == (
        Decimal("3350.00"),
        Decimal("670.00"),
        Decimal("4020.00"),
    )


def test_quote_pdf_states_the_payment_conditions(seller: Company) -> None:
    # given an issued quote
    quote = issued_quote(seller)
    # when its document is produced
    document = services.quote_document(company=seller, quote_id=quote.pk)
    text = pdf_text(bytes(document.content))
    # then it is a "Devis" with its validity, totals and the payment clauses agreed upfront
    for mention in [
        "Devis",
        "N° D-000001",
        "Valable jusqu'au : 02/04/2025",
        "Total TTC 4 020,00 €",
        "Conditions de paiement : 30 jours net",
        "Pénalités de retard au taux annuel de 13,15 %",
        "Indemnité forfaitaire pour frais de recouvrement",
        "Escompte pour paiement anticipé : néant",
        "Bon pour accord",
    ]:
        assert mention in text
    assert document.kind == IssuedDocument.Kind.QUOTE
    # and it is stored once
    again = services.quote_document(company=seller, quote_id=quote.pk)
    assert again.pk == document.pk


def test_refuse_records_the_reason_and_blocks_conversion(seller: Company) -> None:
    quote = issued_quote(seller)
    quotes.quote_refuse(
        company=seller, quote_id=quote.pk, actor=None, on=date(2025, 3, 10), reason="Trop cher"
    )
    quote.refresh_from_db()
    assert (quote.status, quote.refusal_reason, quote.decided_on) == (
        Quote.Status.REFUSED,
        "Trop cher",
        date(2025, 3, 10),
    )
    with pytest.raises(DomainError) as exc:
        quotes.quote_convert(company=seller, quote_id=quote.pk, actor=None)
    assert exc.value.code == "quote_not_accepted"
    assert Invoice.objects.count() == 0


def test_expired_quote_cannot_be_accepted(seller: Company) -> None:
    quote = issued_quote(seller)
    with pytest.raises(DomainError) as exc:
        quotes.quote_accept(company=seller, quote_id=quote.pk, actor=None, on=date(2025, 4, 3))
    assert exc.value.code == "quote_expired"
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ISSUED


def test_accepted_quote_converts_to_the_same_invoice(seller: Company) -> None:
    # given an accepted quote
    quote = issued_quote(seller)
    quotes.quote_accept(company=seller, quote_id=quote.pk, actor=None, on=date(2025, 3, 5))
    # when it is converted
    invoice = quotes.quote_convert(company=seller, quote_id=quote.pk, actor=None)
    # then a draft invoice has the quote's lines and totals, and the quote is invoiced
    quote.refresh_from_db()
    assert quote.status == Quote.Status.INVOICED
    assert quote.invoice == invoice
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.customer == quote.customer
    assert invoice.total_amount == Decimal("4020.00")
    assert [(x.description, x.quantity, x.unit_price) for x in invoice.lines.all()] == [
        ("Développement module export", Decimal("5.000"), Decimal("600.0000")),
        ("Formation utilisateurs", Decimal("1.000"), Decimal("350.0000")),
    ]
    with pytest.raises(DomainError):
        quotes.quote_convert(company=seller, quote_id=quote.pk, actor=None)


def test_deposit_then_final_invoice_add_up_to_the_quote(seller: Company) -> None:
    # given an accepted quote
    quote = issued_quote(seller)
    quotes.quote_accept(company=seller, quote_id=quote.pk, actor=None, on=date(2025, 3, 5))
    # when a 30 % deposit invoice is made and issued, then the final invoice
    deposit = quotes.quote_convert(
        company=seller, quote_id=quote.pk, actor=None, deposit_rate=Decimal("0.30")
    )
    with pytest.raises(DomainError) as exc:
        quotes.quote_convert(company=seller, quote_id=quote.pk, actor=None)
    assert exc.value.code == "deposit_not_issued"
    deposit = invoice_issue(company=seller, invoice_id=deposit.pk, actor=None, on=date(2025, 3, 6))
    final = quotes.quote_convert(company=seller, quote_id=quote.pk, actor=None)
    # then the deposit is 30 % and both add up to the quote exactly
    assert deposit.total_amount == Decimal("1206.00")
    assert final.total_amount == Decimal("2814.00")
    assert final.notes == "Devis N° D-000001 du 03/03/2025"
    assert [x.description for x in final.lines.all()] == [
        "Développement module export (solde après la facture d'acompte F-000001)",
        "Formation utilisateurs (solde après la facture d'acompte F-000001)",
    ]
    assert deposit.total_amount + final.total_amount == quote.total_amount
    assert [x.description for x in deposit.lines.all()] == [
        "Acompte 30 % - Développement module export",
        "Acompte 30 % - Formation utilisateurs",
    ]
    # and the deposit invoice's document is a deposit invoice (type 386)
    document = services.invoice_document(company=seller, invoice_id=deposit.pk)
    assert "Facture d'acompte" in pdf_text(bytes(document.content))
    assert b"<ram:TypeCode>386</ram:TypeCode>" in _xml(bytes(document.content))


def test_issued_quote_cannot_change(seller: Company) -> None:
    quote = issued_quote(seller)
    with pytest.raises(DomainError) as exc:
        quotes.quote_draft_update(company=seller, quote_id=quote.pk, lines=LINES[:1], actor=None)
    assert exc.value.code == "quote_frozen"
    assert quote.lines.count() == 2


def test_other_company_quote_is_unknown(seller: Company, other_company: Company) -> None:
    quote = issued_quote(seller)
    with pytest.raises(DomainError) as exc:
        quotes.quote_accept(
            company=other_company, quote_id=quote.pk, actor=None, on=date(2025, 3, 5)
        )
    assert exc.value.code == "quote_unknown"


def _xml(pdf: bytes) -> bytes:
    from encaisse.invoicing.tests.documents_helpers import pdf_xml

    return pdf_xml(pdf)
