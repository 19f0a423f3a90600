"""Helpers of the document tests: a company with its full legal identity, PDF text, XML."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import facturx
import pypdf

from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import LineData, invoice_draft_create, invoice_issue

SELLER_SIREN = "732829320"
SELLER_VAT = "FR44732829320"
BUYER_SIREN = "552100554"
BUYER_VAT = "FR96552100554"


def dress_company(company: Company) -> Company:
    """Give the conftest company every identity field a French invoice prints."""
    company.legal_name = "Acme Industrie SAS"
    company.legal_form = "SAS"
    company.share_capital = Decimal("50000.00")
    company.rcs_city = "Paris"
    company.siren = SELLER_SIREN
    company.vat_number = SELLER_VAT
    company.iban = "FR7630006000011234567890189"
    company.bic = "AGRIFRPP"
    company.address_line1 = "12 rue de la Paix"
    company.postal_code = "75002"
    company.city = "Paris"
    company.email = "compta@acme.example.test"
    company.payment_methods = "Virement bancaire, chèque"
    company.save()
    return company


def make_buyer(company: Company, **kwargs: object) -> Customer:
    values: dict[str, object] = {
        "company": company,
        "reference": "DUPONT",
        "name": "Dupont Distribution SARL",
        "legal_form": "SARL",
        "siren": BUYER_SIREN,
        "vat_number": BUYER_VAT,
        "address_line1": "1 place Bellecour",
        "postal_code": "69002",
        "city": "Lyon",
        "email": "compta@dupont.example.test",
    }
    values.update(kwargs)
    return Customer.objects.create(**values)


def issue_invoice(
    company: Company,
    customer: Customer,
    *,
    on: date = date(2025, 3, 10),
    lines: list[LineData] | None = None,
    **kwargs: object,
) -> Invoice:
    draft = invoice_draft_create(
        company=company,
        customer=customer,
        lines=lines
        or [
            LineData("Audit du poste clients", Decimal("2"), Decimal("450.00"), Decimal("0.20")),
            LineData("Ouvrage de référence", Decimal("3"), Decimal("19.99"), Decimal("0.055")),
        ],
        actor=None,
        **kwargs,  # type: ignore[arg-type]  # test helper passes through named options
    )
    return invoice_issue(company=company, invoice_id=draft.pk, actor=None, on=on)


def pdf_text(content: bytes) -> str:
    """The text of every page, with no-break spaces and runs of blanks made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return re.sub(r"[ \t]+", " ", text)


def pdf_xml(content: bytes) -> bytes:
    filename, xml = facturx.get_xml_from_pdf(content, check_xsd=True)
    assert filename == "factur-x.xml"
    return bytes(xml)


def pdf_xmp(content: bytes) -> bytes:
    """The XMP metadata packet of a PDF (PDF/A and Factur-X identification)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    trailer: Any = reader.trailer
    metadata = trailer["/Root"]["/Metadata"].get_object()
    return bytes(metadata.get_data())
