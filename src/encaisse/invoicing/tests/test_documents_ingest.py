"""Ingestion of e-invoices issued by other tools: Factur-X PDF, CII and UBL XML."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx
import pypdf
import pytest

from encaisse.core.exceptions import FileProblem
from encaisse.core.models import AuditEvent, Company
from encaisse.customers.models import Customer
from encaisse.invoicing.documents import services
from encaisse.invoicing.documents.receive import einvoice_import
from encaisse.invoicing.models import Invoice, InvoiceLine, IssuedDocument, VatTotal
from encaisse.invoicing.tests.documents_helpers import (
    dress_company,
    issue_invoice,
    make_buyer,
    pdf_xml,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "einvoices"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def seller(company: Company) -> Company:
    return dress_company(company)


def counts() -> tuple[int, int, int, int, int]:
    return (
        Invoice.objects.count(),
        InvoiceLine.objects.count(),
        VatTotal.objects.count(),
        Customer.objects.count(),
        IssuedDocument.objects.count(),
    )


def test_own_facturx_round_trips_to_the_same_invoice(
    seller: Company, other_company: Company
) -> None:
    # given our own issued invoice and its Factur-X PDF
    other_company.siren = seller.siren  # the same legal entity seen from another tenant
    other_company.save()
    invoice = issue_invoice(seller, make_buyer(seller))
    pdf = bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content)
    # when the PDF is imported into another tenant of the same seller
    [result] = einvoice_import(company=other_company, files=[("facture.pdf", pdf)], actor=None)
    # then it reads back to the same invoice: number, dates, lines, VAT and totals
    assert result.status == "imported"
    assert result.invoice_id is not None
    copy = Invoice.objects.get(pk=result.invoice_id)
    assert copy.company == other_company
    assert (copy.number, copy.issue_date, copy.due_date) == (
        invoice.number,
        invoice.issue_date,
        invoice.due_date,
    )
    assert (copy.net_amount, copy.vat_amount, copy.total_amount) == (
        Decimal("959.97"),
        Decimal("183.30"),
        Decimal("1143.27"),
    )
    assert copy.kind == Invoice.Kind.INVOICE
    assert copy.status == Invoice.Status.ISSUED
    assert copy.source == Invoice.Source.EINVOICE
    assert [
        (x.description, x.quantity, x.unit_price, x.vat_rate, x.net_amount)
        for x in copy.lines.all()
    ] == [
        (x.description, x.quantity, x.unit_price, x.vat_rate, x.net_amount)
        for x in invoice.lines.all()
    ]
    assert [(v.rate, v.base_amount, v.vat_amount) for v in copy.vat_totals.all()] == [
        (Decimal("0.2000"), Decimal("900.00"), Decimal("180.00")),
        (Decimal("0.0550"), Decimal("59.97"), Decimal("3.30")),
    ]
    customer = copy.customer
    assert (customer.name, customer.siren, customer.company) == (
        "Dupont Distribution SARL",
        "552100554",
        other_company,
    )
    # and the original file is kept as the invoice's document, byte for byte
    stored = IssuedDocument.objects.get(invoice=copy)
    assert bytes(stored.content) == pdf
    assert stored.imported is True


def test_same_file_twice_adds_nothing(seller: Company) -> None:
    # given a file imported once
    content = fixture("cii_basic_invoice.xml")
    einvoice_import(company=seller, files=[("a.xml", content)], actor=None)
    before = counts()
    # when it is imported again
    [result] = einvoice_import(company=seller, files=[("a.xml", content)], actor=None)
    # then it is skipped and nothing is written
    assert (result.status, result.reason) == ("skipped", "already imported")
    assert counts() == before


def test_cii_basic_invoice_creates_the_customer(seller: Company) -> None:
    # when a BASIC profile invoice for an unknown customer is imported
    [result] = einvoice_import(
        company=seller, files=[("erp.xml", fixture("cii_basic_invoice.xml"))], actor=None
    )
    # then the customer is created from the buyer party and the invoice read whole
    assert result.status == "imported"
    invoice = Invoice.objects.get(company=seller, number="ERP-2025-0457")
    assert invoice.customer.siren == "443061841"
    assert invoice.customer.name == "Emballages du Dauphiné SAS"
    assert invoice.customer.vat_number == "FR64443061841"
    assert invoice.customer.city == "Grenoble"
    assert (invoice.issue_date, invoice.due_date) == (date(2025, 4, 2), date(2025, 5, 31))
    assert invoice.po_number == "CMD-88412"
    assert invoice.total_amount == Decimal("686.40")
    # the document-level allowance is kept as a line, so lines add up to the total
    assert [(x.description, x.net_amount) for x in invoice.lines.all()] == [
        ("Palette de cartons 60x40", Decimal("502.00")),
        ("Transport Lyon - Grenoble", Decimal("80.00")),
        ("Remise fidélité", Decimal("-10.00")),
    ]
    assert sum(x.net_amount for x in invoice.lines.all()) == invoice.net_amount
    assert AuditEvent.objects.filter(kind="customer.created_from_einvoice").count() == 1


def test_cii_credit_note_finds_customer_by_siret_and_credits_the_invoice(
    seller: Company,
) -> None:
    # given the customer and the invoice F-000001 the credit note refers to
    customer = make_buyer(seller)
    invoice = issue_invoice(seller, customer)
    assert invoice.number == "F-000001"
    # when the EN 16931 credit note is imported
    [result] = einvoice_import(
        company=seller, files=[("av.xml", fixture("cii_en16931_credit_note.xml"))], actor=None
    )
    # then it is a credit note of that customer on that invoice, with two VAT rates
    assert result.status == "imported"
    credit = Invoice.objects.get(number="AV-2025-0012")
    assert credit.kind == Invoice.Kind.CREDIT_NOTE
    assert credit.customer == customer
    assert credit.credited_invoice == invoice
    assert credit.nature == Invoice.Nature.BOTH
    assert credit.due_date == date(2025, 4, 15)
    assert [(v.rate, v.vat_amount) for v in credit.vat_totals.all()] == [
        (Decimal("0.2000"), Decimal("90.00")),
        (Decimal("0.0550"), Decimal("2.20")),
    ]
    assert Customer.objects.filter(company=seller).count() == 1


def test_ubl_invoice_and_credit_note_find_the_customer_by_vat_number(seller: Company) -> None:
    # given a customer known by its VAT number
    customer = make_buyer(seller)
    # when a UBL invoice then its UBL credit note are imported
    results = einvoice_import(
        company=seller,
        files=[
            ("inv.xml", fixture("ubl_invoice.xml")),
            ("cn.xml", fixture("ubl_credit_note.xml")),
        ],
        actor=None,
    )
    # then both belong to that customer, the credit note on the invoice
    assert [r.status for r in results] == ["imported", "imported"]
    invoice = Invoice.objects.get(number="UBL-2025-3001")
    credit = Invoice.objects.get(number="UBL-AV-2025-0042")
    assert (invoice.customer, credit.customer) == (customer, customer)
    assert invoice.total_amount == Decimal("396.00")
    assert invoice.nature == Invoice.Nature.GOODS
    assert invoice.po_number == "PO-5521"
    assert [(x.quantity, x.unit_price) for x in invoice.lines.all()] == [
        (Decimal("6.000"), Decimal("55.0000"))
    ]
    assert credit.kind == Invoice.Kind.CREDIT_NOTE
    assert credit.credited_invoice == invoice
    assert credit.total_amount == Decimal("66.00")


def test_facturx_pdf_from_another_tool(seller: Company) -> None:
    # given a ZUGFeRD/Factur-X PDF made by another tool from its CII XML
    pdf = facturx.generate_from_binary(blank_pdf(), fixture("cii_basic_invoice.xml"))
    # when it is imported
    [result] = einvoice_import(company=seller, files=[("erp.pdf", pdf)], actor=None)
    # then the invoice is read from the embedded XML and the PDF is kept
    assert result.status == "imported"
    invoice = Invoice.objects.get(number="ERP-2025-0457")
    assert IssuedDocument.objects.get(invoice=invoice).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("_case", "content", "code_in_reason"),
    [
        ("text file", b"number;total\nF1;100\n", "not a PDF or XML e-invoice"),
        ("PDF without XML", None, "carries no Factur-X/ZUGFeRD XML"),
        ("broken XML", b"<rsm:CrossIndustryInvoice><oops>", "invalid e-invoice XML"),
        ("not an invoice XML", b"<note><to>x</to></note>", "invalid e-invoice XML"),
    ],
)
def test_malformed_files_are_refused_with_the_reason(
    seller: Company, _case: str, content: bytes | None, code_in_reason: str
) -> None:
    before = counts()
    [result] = einvoice_import(
        company=seller, files=[("bad.bin", content or blank_pdf())], actor=None
    )
    assert result.status == "refused"
    assert code_in_reason in result.reason
    assert counts() == before


def test_invalid_against_the_schema_is_refused(seller: Company) -> None:
    # given an XML whose amount is not a number (fails the XSD)
    content = fixture("cii_basic_invoice.xml").replace(
        b"<ram:GrandTotalAmount>686.40", b"<ram:GrandTotalAmount>six cents"
    )
    before = counts()
    [result] = einvoice_import(company=seller, files=[("x.xml", content)], actor=None)
    assert result.status == "refused"
    assert result.reason.startswith("invalid e-invoice XML")
    assert counts() == before


def test_minimum_profile_is_refused(seller: Company) -> None:
    content = fixture("cii_basic_invoice.xml").replace(
        b"urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic",
        b"urn:factur-x.eu:1p0:minimum",
    )
    [result] = einvoice_import(company=seller, files=[("m.xml", content)], actor=None)
    assert result.status == "refused"
    assert "no invoice lines" in result.reason or "invalid e-invoice XML" in result.reason
    assert Invoice.objects.count() == 0


def test_tampered_total_is_refused(seller: Company, other_company: Company) -> None:
    # given our own Factur-X whose grand total was raised by 100 EUR
    other_company.siren = seller.siren
    other_company.save()
    invoice = issue_invoice(seller, make_buyer(seller))
    pdf = bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content)
    xml = (
        pdf_xml(pdf)
        .replace(b"<ram:GrandTotalAmount>1143.27<", b"<ram:GrandTotalAmount>1243.27<")
        .replace(b"<ram:DuePayableAmount>1143.27<", b"<ram:DuePayableAmount>1243.27<")
    )
    tampered_pdf = facturx.generate_from_binary(pdf, xml)
    before = counts()
    # when the tampered XML and PDF are imported
    results = einvoice_import(
        company=other_company,
        files=[("tampered.xml", xml), ("tampered.pdf", tampered_pdf)],
        actor=None,
    )
    # then both are refused because the totals do not add up, and nothing is written
    assert [r.status for r in results] == ["refused", "refused"]
    assert results[0].reason == (
        "totals do not add up: total with VAT 1243.27 is not total without VAT 959.97 + VAT 183.30"
    )
    assert counts() == before


def test_invoice_of_another_seller_is_refused(seller: Company) -> None:
    content = fixture("cii_basic_invoice.xml").replace(b">732829320<", b">542065479<")
    [result] = einvoice_import(company=seller, files=[("o.xml", content)], actor=None)
    assert result.status == "refused"
    assert result.reason == (
        "issued by ACME INDUSTRIE (SIREN 542065479), not by Acme Industrie SAS"
    )
    assert result.problem == FileProblem("o.xml", None, "", result.reason, code="other_seller")
    assert Invoice.objects.count() == 0


def test_number_already_used_by_another_invoice_is_refused(seller: Company) -> None:
    # given our own invoice F-000001 and a foreign file with that number
    issue_invoice(seller, make_buyer(seller))
    content = fixture("cii_basic_invoice.xml").replace(b"ERP-2025-0457", b"F-000001")
    before = counts()
    [result] = einvoice_import(company=seller, files=[("d.xml", content)], actor=None)
    assert (result.status, result.reason) == (
        "refused",
        "invoice number F-000001 is already used",
    )
    assert counts() == before


def test_own_invoice_imported_back_is_recognised(seller: Company) -> None:
    # given our own issued invoice
    invoice = issue_invoice(seller, make_buyer(seller))
    pdf = bytes(services.invoice_document(company=seller, invoice_id=invoice.pk).content)
    before = counts()
    # when its Factur-X comes back into the same company
    [result] = einvoice_import(company=seller, files=[("f.pdf", pdf)], actor=None)
    # then it is recognised as the same invoice and nothing is added
    assert (result.status, result.invoice_id, result.reason) == (
        "skipped",
        invoice.pk,
        "already in encaisse",
    )
    assert counts() == before
