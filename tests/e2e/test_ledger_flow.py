"""A credit manager's first morning: log in, create a customer, issue an invoice of two lines,
record the payment that settles it, and see the invoice paid, amounts written the French way."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from encaisse.core.models import Role
from encaisse.core.tests.factories import (
    CompanyFactory,
    MembershipFactory,
    UserFactory,
    valid_siren,
)
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Payment

pytestmark = pytest.mark.e2e


def text(page: Page, selector: str) -> str:
    """Visible text with the no-break spaces of French amounts made plain."""
    return page.inner_text(selector).replace("\u202f", " ").replace("\xa0", " ").strip()


def test_login_customer_invoice_payment(
    live_server: LiveServer, transactional_db: None, browser: Browser, artifacts: Path
) -> None:
    # given a company and its credit manager
    company = CompanyFactory.create(slug="boulangeries", legal_name="Fournil Durand SAS")
    user = UserFactory.create(username="claire")  # password "password"
    MembershipFactory.create(company=company, user=user, role=Role.CREDIT_MANAGER)
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # when she logs in through the form
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.fill("input[name=username]", "claire")
    page.fill("input[name=password]", "password")
    page.click("form[action='/login/'] button[type=submit]")
    expect(page.locator("#total-open")).to_be_visible()
    # then Bootstrap's stylesheet is served and applied (no CDN)
    assert page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).display") == (
        "flex"
    )
    assert page.evaluate(
        "getComputedStyle(document.querySelector('#company-select')).borderRadius"
    ) not in ("", "0px")
    page.screenshot(path=str(artifacts / "e2e-1-home.png"), full_page=True)

    # when she creates a customer
    page.click("a[href='/customers/']")
    page.click("a[href='/customers/new/']")
    siren = valid_siren()
    page.fill("#id_name", "Boulangerie Martin")
    page.fill("#id_siren", f"{siren[:3]} {siren[3:6]} {siren[6:]}")
    page.fill("#id_address_line1", "3 rue des Fours")
    page.fill("#id_postal_code", "69003")
    page.fill("#id_city", "Lyon")
    page.click("#customer-form button[type=submit]")
    customer = Customer.objects.get(company=company, name="Boulangerie Martin")
    expect(page).to_have_url(f"{live_server.url}/customers/{customer.pk}/")
    assert customer.siren == siren

    # and an invoice of two lines, saved and issued
    page.click(f"a[href='/invoices/new/?customer={customer.pk}']")
    expect(page.locator("#id_customer")).to_have_value(str(customer.pk))
    page.fill("#id_lines-0-description", "Farine T65, sac de 25 kg")
    page.fill("#id_lines-0-quantity", "10")
    page.fill("#id_lines-0-unit_price", "123,45")
    page.click("#add-line")
    expect(page.locator("#id_lines-3-description")).to_be_attached()
    page.fill("#id_lines-1-description", "Livraison")
    page.fill("#id_lines-1-unit_price", "50")
    page.select_option("#id_lines-1-vat_pct", "10")
    page.screenshot(path=str(artifacts / "e2e-2-invoice-form.png"), full_page=True)
    page.click("#save-issue")

    invoice = Invoice.objects.get(company=company)
    expect(page).to_have_url(f"{live_server.url}/invoices/{invoice.pk}/")
    # 10 × 123,45 = 1 234,50 at 20 % (246,90) + 50,00 at 10 % (5,00)
    assert (invoice.status, invoice.number, invoice.total_amount) == (
        Invoice.Status.ISSUED,
        "F-000001",
        Decimal("1536.40"),
    )
    assert text(page, "#total-amount") == "1 536,40 €"
    assert text(page, "#open-amount") == "1 536,40 €"

    # when she records the payment from the invoice page
    page.click("#record-payment")
    expect(page.locator("#id_amount")).to_have_value("1536,40")
    assert page.evaluate("typeof htmx") == "object"  # served from node_modules, loaded
    page.fill("#id_reference", "VIR BOULANGERIE MARTIN")
    page.screenshot(path=str(artifacts / "e2e-3-payment-form.png"), full_page=True)
    page.click("#save-payment")
    payment = Payment.objects.get(company=company)
    expect(page).to_have_url(f"{live_server.url}/payments/{payment.pk}/")
    assert text(page, "#unallocated-amount") == "0,00 €"

    # then the invoice is paid, its open amount 0,00 €
    page.click(f"#allocations a[href='/invoices/{invoice.pk}/']")
    expect(page).to_have_url(f"{live_server.url}/invoices/{invoice.pk}/")
    assert text(page, "#paid-amount") == "1 536,40 €"
    assert text(page, "#open-amount") == "0,00 €"
    expect(page.locator("h1 .badge.text-bg-success")).to_be_visible()
    page.screenshot(path=str(artifacts / "e2e-4-invoice-paid.png"), full_page=True)

    # and the customer owes nothing
    page.click(f"a[href='/customers/{customer.pk}/']")
    assert text(page, "#customer-balance") == "0,00 €"
    context.close()
