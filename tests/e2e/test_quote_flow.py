"""A quote becomes a paid-for document: created and issued, accepted, converted to an
invoice, the invoice issued, and its PDF/A-3 with Factur-X downloaded from the invoice page."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from encaisse.core.models import Role
from encaisse.core.tests.factories import CompanyFactory, MembershipFactory, UserFactory
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice, IssuedDocument, Quote

pytestmark = pytest.mark.e2e

LogIn = Callable[..., None]


def test_quote_to_invoice_to_pdf(
    live_server: LiveServer,
    transactional_db: None,
    browser: Browser,
    log_in: LogIn,
    artifacts: Path,
) -> None:
    # given a company, its credit manager and a customer
    company = CompanyFactory.create(
        slug="atelier",
        legal_name="Atelier Vasseur SAS",
        siren="732829320",
        vat_number="FR44732829320",
        share_capital=Decimal("20000"),
        rcs_city="Lyon",
    )
    user = UserFactory.create(username="claire")  # password "password"
    MembershipFactory.create(company=company, user=user, role=Role.CREDIT_MANAGER)
    customer = Customer.objects.create(
        company=company,
        reference="MARTIN",
        name="Boulangerie Martin",
        siren="552100554",
        address_line1="3 rue des Fours",
        postal_code="69003",
        city="Lyon",
    )
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, "claire")

    # when she creates and issues a quote from the Quotes menu
    page.click("nav a[href='/documents/quotes/']")
    page.click("#new-quote")
    page.select_option("#id_customer", str(customer.pk))
    page.fill("#id_lines-0-description", "Four à sole, révision complète")
    page.fill("#id_lines-0-quantity", "1")
    page.fill("#id_lines-0-unit_price", "1250")
    page.fill("#id_lines-1-description", "Pièces détachées")
    page.fill("#id_lines-1-quantity", "3")
    page.fill("#id_lines-1-unit_price", "49,90")
    page.screenshot(path=str(artifacts / "e2e-quote-1-form.png"), full_page=True)
    page.click("#save-issue")
    expect(page).to_have_url(re.compile(r"/documents/quotes/\d+/$"))
    quote = Quote.objects.get(company=company)
    expect(page).to_have_url(f"{live_server.url}/documents/quotes/{quote.pk}/")
    assert quote.number == "D-000001"
    # 1 250,00 + 149,70 = 1 399,70 excl. VAT; 279,94 VAT; 1 679,64 incl. VAT
    assert quote.total_amount == Decimal("1679.64")

    # and marks it accepted, then converts it to an invoice
    page.click("#accept-quote")
    expect(page.locator("#quote-status")).to_have_text(re.compile("Accept"))
    page.screenshot(path=str(artifacts / "e2e-quote-2-accepted.png"), full_page=True)
    page.click("#convert-quote")
    expect(page).to_have_url(re.compile(r"/invoices/\d+/$"))
    quote.refresh_from_db()
    assert quote.status == Quote.Status.INVOICED
    assert quote.invoice_id is not None
    expect(page).to_have_url(f"{live_server.url}/invoices/{quote.invoice_id}/")

    # and issues the invoice
    page.click("#issue-invoice")
    expect(page.locator("#download-pdf")).to_be_visible()
    invoice = Invoice.objects.get(pk=quote.invoice_id)
    assert (invoice.status, invoice.number, invoice.total_amount) == (
        Invoice.Status.ISSUED,
        "F-000001",
        Decimal("1679.64"),
    )
    expect(page.locator("#download-pdf")).to_be_visible()
    page.screenshot(path=str(artifacts / "e2e-quote-3-invoice.png"), full_page=True)

    # then its PDF downloads: the stored PDF/A-3 carrying the Factur-X XML of the invoice
    with page.expect_download() as info:
        page.click("#download-pdf")
    download = info.value
    assert download.suggested_filename == "F-000001.pdf"
    content = Path(download.path()).read_bytes()
    assert content == bytes(IssuedDocument.objects.get(invoice=invoice).content)
    _name, xml = facturx.get_xml_from_pdf(content, check_xsd=True)
    assert b"<ram:ID>F-000001</ram:ID>" in xml
    assert b"<ram:GrandTotalAmount>1679.64</ram:GrandTotalAmount>" in xml
    context.close()
