"""Issued invoice documents: every mandatory mention, embedded Factur-X, stored once."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
import pytest
from lxml import etree

from encaisse.core.models import Company
from encaisse.core.tests.factories import PaymentTermsFactory
from encaisse.invoicing.documents import services
from encaisse.invoicing.models import Invoice, IssuedDocument
from encaisse.invoicing.services import LineData
from encaisse.invoicing.tests.documents_helpers import (
    BUYER_SIREN,
    BUYER_VAT,
    SELLER_SIREN,
    SELLER_VAT,
    dress_company,
    issue_invoice,
    make_buyer,
    pdf_text,
    pdf_xml,
    pdf_xmp,
)
from encaisse.ledger import statements
from encaisse.payments.services import credit_note_issue

pytestmark = pytest.mark.django_db

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


@pytest.fixture
def seller(company: Company) -> Company:
    return dress_company(company)


def test_invoice_pdf_has_every_mandatory_mention(seller: Company) -> None:
    # given an invoice of goods and services delivered elsewhere, with a PO number
    seller.vat_on_debits = True
    seller.save()
    terms = PaymentTermsFactory.create(company=seller, name="45 jours net", days=45)
    customer = make_buyer(
        seller,
        delivery_address_line1="ZI des Gones, quai 4",
        delivery_postal_code="69100",
        delivery_city="Villeurbanne",
    )
    invoice = issue_invoice(
        seller,
        customer,
        nature=Invoice.Nature.BOTH,
        po_number="BC-2025-118",
        supply_date=date(2025, 3, 5),
        payment_terms=terms,
    )
    # when its document is produced
    document = services.invoice_document(company=seller, invoice_id=invoice.pk)
    text = pdf_text(bytes(document.content))
    # then every mention of CGI 242 nonies A and C. com. L441-9 is printed
    expected = [
        "Facture",
        f"N° {invoice.number}",
        "Acme Industrie SAS",  # seller name
        "12 rue de la Paix",
        "75002 Paris",
        f"SIREN {SELLER_SIREN}",
        f"N° TVA intracommunautaire {SELLER_VAT}",
        "au capital de 50 000,00 €",  # share capital
        f"RCS Paris {SELLER_SIREN}",
        "Dupont Distribution SARL",  # customer
        "1 place Bellecour",
        f"SIREN {BUYER_SIREN}",
        BUYER_VAT,
        "Adresse de livraison",
        "ZI des Gones, quai 4",
        "69100 Villeurbanne",
        "Date d'émission : 10/03/2025",
        "Date de livraison / d'exécution : 05/03/2025",
        "Bon de commande : BC-2025-118",
        "Nature de l'opération : Livraison de biens et prestation de services",
        "Audit du poste clients",
        "450,00 €",  # unit price
        "Ouvrage de référence",
        "19,99 €",
        "20 %",
        "5,5 %",
        "Total HT 959,97 €",
        "Total TVA 183,30 €",  # 180.00 + 3.30
        "Total TTC 1 143,27 €",
        "Date d'échéance : 24/04/2025",
        "Conditions de paiement : 45 jours net",
        "Moyens de paiement acceptés : Virement bancaire, chèque",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC AGRIFRPP",
        "Escompte pour paiement anticipé : néant",
        "Pénalités de retard au taux annuel de 13,15 %",  # 2025 S1: ECB 3.15 % + 10 points
        "Indemnité forfaitaire pour frais de recouvrement",
        "40,00 €",
        "Option pour le paiement de la taxe d'après les débits",
    ]
    missing = [mention for mention in expected if mention not in text]
    assert missing == []
    assert invoice.due_date == date(2025, 4, 24)


def test_invoice_document_embeds_valid_en16931_xml(seller: Company) -> None:
    # given an issued invoice
    invoice = issue_invoice(seller, make_buyer(seller))
    # when its document is produced
    content = bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content)
    # then the PDF is a PDF/A-3 carrying a Factur-X XML valid for EN 16931
    xml = pdf_xml(content)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert facturx.get_level(etree.fromstring(xml)) == "en16931"
    xmp = pdf_xmp(content)
    assert b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp
    root = etree.fromstring(xml)
    assert root.findtext(".//rsm:ExchangedDocument/ram:ID", namespaces=NS) == invoice.number
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "380"
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "1143.27"
    assert root.findtext(".//ram:DuePayableAmount", namespaces=NS) == "1143.27"
    assert root.findtext(".//ram:TaxBasisTotalAmount", namespaces=NS) == "959.97"
    assert root.findtext(".//ram:IBANID", namespaces=NS) == "FR7630006000011234567890189"
    notes = {
        n.findtext("ram:SubjectCode", namespaces=NS): n.findtext("ram:Content", namespaces=NS)
        for n in root.iterfind(".//ram:IncludedNote", namespaces=NS)
    }
    assert set(notes) == {"PMD", "PMT", "AAB"}
    assert "13,15 %" in notes["PMD"]
    assert "40,00 €" in notes["PMT"]
    seller_id = root.find(".//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID", NS)
    assert seller_id is not None
    assert (seller_id.text, seller_id.get("schemeID")) == (SELLER_SIREN, "0002")


def test_document_is_stored_once_and_never_changes(seller: Company) -> None:
    # given an invoice whose document was produced
    invoice = issue_invoice(seller, make_buyer(seller))
    first = services.invoice_document(company=seller, invoice_id=invoice.pk)
    # when the company changes its address and the document is asked again
    seller.address_line1 = "99 avenue Nouvelle"
    seller.save()
    again = services.invoice_document(company=seller, invoice_id=invoice.pk)
    # then the same stored bytes come back, with their SHA-256
    assert again.pk == first.pk
    assert bytes(again.content) == bytes(first.content)
    assert first.sha256 == hashlib.sha256(bytes(first.content)).hexdigest()
    assert IssuedDocument.objects.filter(invoice=invoice).count() == 1
    assert "99 avenue Nouvelle" not in pdf_text(bytes(again.content))


def test_credit_note_document_type_381_cites_the_invoice(seller: Company) -> None:
    # given a partial credit note on an issued invoice
    invoice = issue_invoice(seller, make_buyer(seller))
    credit = credit_note_issue(
        company=seller,
        invoice_id=invoice.pk,
        actor=None,
        on=date(2025, 3, 20),
        lines=[LineData("Remise commerciale", Decimal(1), Decimal("100.00"), Decimal("0.20"))],
    )
    # when its document is produced
    content = bytes(services.invoice_document(company=seller, invoice_id=credit.pk).content)
    # then it is an "Avoir" citing the invoice number and date, type code 381
    text = pdf_text(content)
    assert "Avoir" in text
    assert f"Avoir sur la facture {invoice.number} du 10/03/2025" in text
    assert "Total TTC 120,00 €" in text
    root = etree.fromstring(pdf_xml(content))
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    assert (
        root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS)
        == invoice.number
    )


def test_english_customer_gets_an_english_invoice(seller: Company) -> None:
    # given a customer who reads English
    customer = make_buyer(seller, language="en")
    invoice = issue_invoice(seller, customer)
    # when the document is produced
    text = pdf_text(bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content))
    # then its wording is English, mentions included
    assert "Invoice" in text
    assert "Total incl. VAT €1,143.27" in text
    assert "Late payment penalties at the yearly rate of 13.15%" in text
    assert "Fixed indemnity for recovery costs in case of late payment: €40.00" in text
    assert "No discount for early payment." in text


def test_zero_vat_invoice_prints_the_exemption(seller: Company) -> None:
    # given a company under the VAT franchise
    seller.vat_exemption_text = "TVA non applicable, art. 293 B du CGI"
    seller.save()
    invoice = issue_invoice(
        seller,
        make_buyer(seller),
        lines=[LineData("Conseil", Decimal(1), Decimal("800.00"), Decimal("0"))],
    )
    # when its document is produced
    content = bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content)
    # then the exemption mention is printed and the XML says category E with the reason
    assert "TVA non applicable, art. 293 B du CGI" in pdf_text(content)
    root = etree.fromstring(pdf_xml(content))
    assert root.findtext(".//ram:ApplicableTradeTax/ram:CategoryCode", namespaces=NS) == "E"
    assert (
        root.findtext(".//ram:ApplicableTradeTax/ram:ExemptionReason", namespaces=NS)
        == "TVA non applicable, art. 293 B du CGI"
    )


def test_draft_has_no_document(seller: Company) -> None:
    # given a draft
    from encaisse.core.exceptions import DomainError
    from encaisse.invoicing.services import invoice_draft_create

    draft = invoice_draft_create(
        company=seller,
        customer=make_buyer(seller),
        lines=[LineData("X", Decimal(1), Decimal(10), Decimal("0.2"))],
        actor=None,
    )
    # when its document is asked, then it is refused and nothing is stored
    with pytest.raises(DomainError) as exc:
        services.invoice_document(company=seller, invoice_id=draft.pk)
    assert exc.value.code == "document_not_issued"
    assert IssuedDocument.objects.count() == 0


def test_other_company_invoice_is_unknown(seller: Company, other_company: Company) -> None:
    from encaisse.core.exceptions import DomainError

    invoice = issue_invoice(seller, make_buyer(seller))
    with pytest.raises(DomainError) as exc:
        services.invoice_document(company=other_company, invoice_id=invoice.pk)
    assert exc.value.code == "invoice_unknown"
    assert IssuedDocument.objects.count() == 0


def test_document_rendered_after_issue_commit(
    seller: Company, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    # given documents rendered at issue, and an invoice issued in a committed transaction
    settings.ENCAISSE_DOCUMENTS_AT_ISSUE = True
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue_invoice(seller, make_buyer(seller))
    # then its document was stored right after the commit
    document = IssuedDocument.objects.get(company=seller, invoice=invoice)
    assert document.filename == f"{invoice.number}.pdf"
    assert document.facturx is True
    assert bytes(document.content).startswith(b"%PDF")


def test_company_logo_is_printed(seller: Company, settings: Any, tmp_path: Path) -> None:
    # given a company with a logo (a 1x1 PNG)
    import base64

    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = str(tmp_path)
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    seller.logo.save("logo.png", ContentFile(png))
    invoice = issue_invoice(seller, make_buyer(seller))
    # when its document is produced
    content = bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content)
    # then the PDF carries the logo as an image (the QR code is vector graphics)
    assert b"/Subtype /Image" in content


def test_statement_has_the_qr_code_caption_and_open_invoices(seller: Company) -> None:
    customer = make_buyer(seller)
    first = issue_invoice(seller, customer)
    second = issue_invoice(seller, customer, on=date(2025, 4, 1))
    pdf = statements.statement_pdf(company=seller, customer=customer, as_of=date(2025, 6, 30))
    text = pdf_text(pdf)
    assert "Relevé de compte" in text
    assert "au 30/06/2025" in text
    assert first.number in text
    assert second.number in text
    assert "Solde dû 2 286,54 €" in text
    assert "Scannez pour payer" in text


def test_invoice_imported_without_lines_has_no_made_up_document(seller: Company) -> None:
    from encaisse.core.exceptions import DomainError

    # given an invoice imported from a CSV file: totals only, no lines
    invoice = Invoice.objects.create(
        company=seller,
        customer=make_buyer(seller),
        status=Invoice.Status.ISSUED,
        number="OLD-001",
        issue_date=date(2024, 12, 1),
        due_date=date(2024, 12, 31),
        net_amount=Decimal("120.00"),
        vat_amount=Decimal("0.00"),
        total_amount=Decimal("120.00"),
        source=Invoice.Source.IMPORT,
    )
    # when its document is asked, then it is refused with the reason and nothing is stored
    with pytest.raises(DomainError) as exc:
        services.invoice_document(company=seller, invoice_id=invoice.pk)
    assert exc.value.code == "document_unavailable"
    assert IssuedDocument.objects.count() == 0
