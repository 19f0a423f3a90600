"""Staff pages of documents and quotes, and the /api/v1 document operations."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from encaisse.core.models import ApiToken, Company, Membership, Role
from encaisse.core.tests.factories import MembershipFactory, UserFactory
from encaisse.invoicing.models import Invoice, IssuedDocument, LifecycleEvent, Quote
from encaisse.invoicing.tests.documents_helpers import (
    dress_company,
    issue_invoice,
    make_buyer,
    pdf_text,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "einvoices"


@pytest.fixture
def invoice(company: Company) -> Invoice:
    dress_company(company)
    return issue_invoice(company, make_buyer(company))


def api_client(membership: Membership) -> Client:
    _token, raw = ApiToken.issue(company=membership.company, user=membership.user, name="t")
    return Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


def test_invoice_page_shows_the_document_panel(owner_client: Client, invoice: Invoice) -> None:
    response = owner_client.get(reverse("web:invoice_detail", args=[invoice.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("invoicing:invoice_pdf", args=[invoice.pk]) in body
    assert 'id="send-email"' in body
    assert 'id="lifecycle-form"' in body


def test_download_returns_the_stored_pdf(owner_client: Client, invoice: Invoice) -> None:
    # when the PDF is downloaded twice
    first = owner_client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    second = owner_client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    # then both are the same stored bytes, as an attachment named after the number
    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert first.content == second.content
    assert first["X-Content-SHA256"] == hashlib.sha256(first.content).hexdigest()
    assert IssuedDocument.objects.get(invoice=invoice).sha256 == first["X-Content-SHA256"]


def test_anonymous_is_sent_to_login(invoice: Invoice) -> None:
    response = Client().get(reverse("invoicing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_send_by_email_from_the_page(owner_client: Client, invoice: Invoice) -> None:
    response = owner_client.post(
        reverse("invoicing:invoice_send", args=[invoice.pk]),
        {"recipients": "paiements@dupont.example.test"},
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["paiements@dupont.example.test"]
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert content == bytes(IssuedDocument.objects.get(invoice=invoice).content)


def test_send_with_a_bad_address_sends_nothing(owner_client: Client, invoice: Invoice) -> None:
    response = owner_client.post(
        reverse("invoicing:invoice_send", args=[invoice.pk]), {"recipients": "pas-un-email"}
    )
    assert response.status_code == 302
    assert mail.outbox == []
    page = owner_client.get(response["Location"])
    assert "pas-un-email" in page.content.decode()


def test_accountant_may_download_but_not_send(company: Company, invoice: Invoice) -> None:
    accountant = MembershipFactory.create(
        company=company, user=UserFactory.create(username="accountant"), role=Role.ACCOUNTANT
    )
    client = Client()
    client.force_login(accountant.user)
    assert client.get(reverse("invoicing:invoice_pdf", args=[invoice.pk])).status_code == 200
    response = client.post(reverse("invoicing:invoice_send", args=[invoice.pk]))
    assert response.status_code == 403
    assert mail.outbox == []


def test_record_a_lifecycle_status_from_the_page(owner_client: Client, invoice: Invoice) -> None:
    response = owner_client.post(
        reverse("invoicing:invoice_lifecycle", args=[invoice.pk]),
        {"status": "205", "occurred_on": "2025-03-12", "message": "OK"},
    )
    assert response.status_code == 302
    event = LifecycleEvent.objects.get(invoice=invoice)
    assert (event.status, event.occurred_on, event.source) == ("205", date(2025, 3, 12), "staff")
    page = owner_client.get(reverse("web:invoice_detail", args=[invoice.pk])).content.decode()
    assert "205" in page


def test_statement_pdf_from_the_customer_page(owner_client: Client, invoice: Invoice) -> None:
    page = owner_client.get(reverse("web:customer_detail", args=[invoice.customer_id]))
    assert reverse("invoicing:statement_pdf", args=[invoice.customer_id]) in page.content.decode()
    response = owner_client.get(
        reverse("invoicing:statement_pdf", args=[invoice.customer_id]) + "?as_of=2025-06-30"
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert invoice.number in text
    assert "Solde dû 1 143,27 €" in text


def test_upload_einvoices(owner_client: Client, company: Company) -> None:
    dress_company(company)
    response = owner_client.post(
        reverse("invoicing:einvoice_import"),
        {
            "documents": [
                SimpleUploadedFile("erp.xml", (FIXTURES / "cii_basic_invoice.xml").read_bytes()),
                SimpleUploadedFile("bad.txt", b"hello"),
            ]
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "ERP-2025-0457" in body
    assert "not a PDF or XML e-invoice" in body
    assert Invoice.objects.filter(company=company, number="ERP-2025-0457").exists()


def test_quote_pages_create_issue_accept_convert(owner_client: Client, company: Company) -> None:
    dress_company(company)
    customer = make_buyer(company)
    # create and issue in one go
    response = owner_client.post(
        reverse("invoicing:quote_create"),
        {
            "customer": customer.pk,
            "nature": "services",
            "po_number": "",
            "payment_terms": "",
            "notes": "",
            "action": "issue",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "1",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-description": "Paramétrage",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "400",
            "lines-0-discount_pct": "0",
            "lines-0-vat_pct": "20",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    quote = Quote.objects.get(company=company)
    assert (quote.status, quote.total_amount) == ("issued", 960)
    assert owner_client.get(reverse("invoicing:quote_list")).status_code == 200
    pdf = owner_client.get(reverse("invoicing:quote_pdf", args=[quote.pk]))
    assert "Devis" in pdf_text(pdf.content)
    owner_client.post(reverse("invoicing:quote_accept", args=[quote.pk]))
    response = owner_client.post(reverse("invoicing:quote_convert", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.status == "invoiced"
    assert response["Location"] == reverse("web:invoice_detail", args=[quote.invoice_id])


def test_api_lifecycle_and_document(owner: Membership, invoice: Invoice) -> None:
    client = api_client(owner)
    url = f"/api/v1/invoices/{invoice.pk}/lifecycle"
    response = client.post(
        url,
        {"status": "200", "occurred_on": "2025-03-10", "platform": "PA Exemple"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["label"] == "Deposited"
    listed = client.get(url).json()
    assert [(e["status"], e["source"], e["platform"]) for e in listed] == [
        ("200", "api", "PA Exemple")
    ]
    document = client.get(f"/api/v1/invoices/{invoice.pk}/document")
    assert document.status_code == 200
    assert document.content.startswith(b"%PDF")


def test_api_refuses_unknown_status_and_other_company(
    owner: Membership, invoice: Invoice, other_company: Company
) -> None:
    client = api_client(owner)
    response = client.post(
        f"/api/v1/invoices/{invoice.pk}/lifecycle",
        {"status": "999", "occurred_on": "2025-03-10"},
        content_type="application/json",
    )
    assert response.status_code == 422
    stranger = MembershipFactory.create(
        company=other_company, user=UserFactory.create(username="stranger"), role=Role.OWNER
    )
    other = api_client(stranger)
    assert other.get(f"/api/v1/invoices/{invoice.pk}/lifecycle").status_code == 404
    assert other.get(f"/api/v1/invoices/{invoice.pk}/document").status_code == 404
    assert LifecycleEvent.objects.count() == 0


def test_send_quote_from_its_page(owner_client: Client, company: Company) -> None:
    from encaisse.invoicing.quotes import services as quotes
    from encaisse.invoicing.services import LineData

    dress_company(company)
    customer = make_buyer(company)
    draft = quotes.quote_draft_create(
        company=company,
        customer=customer,
        lines=[LineData("Étude", Decimal(1), Decimal("500"), Decimal("0.2"))],
        actor=None,
    )
    quote = quotes.quote_issue(company=company, quote_id=draft.pk, actor=None, on=date(2025, 3, 3))
    response = owner_client.post(reverse("invoicing:quote_send", args=[quote.pk]))
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["compta@dupont.example.test"]
    assert message.subject == "Devis D-000001 - Acme Industrie SAS"
    [(filename, _content, mimetype)] = message.attachments
    assert (filename, mimetype) == ("D-000001.pdf", "application/pdf")


def test_accountant_cannot_record_a_status_through_the_api(
    company: Company, invoice: Invoice
) -> None:
    accountant = MembershipFactory.create(
        company=company, user=UserFactory.create(username="accountant"), role=Role.ACCOUNTANT
    )
    response = api_client(accountant).post(
        f"/api/v1/invoices/{invoice.pk}/lifecycle",
        {"status": "200", "occurred_on": "2025-03-10"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert LifecycleEvent.objects.count() == 0
