"""A credit manager's dunning morning: approve the formal notice waiting in the worklist, call
the customer about the older invoice, log the promise, and find both on the customer page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from encaisse.collection.models import Promise
from encaisse.core.models import Role
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_invoice,
)
from encaisse.dunning.models import Reminder
from encaisse.dunning.services import dunning_run

pytestmark = pytest.mark.e2e

LogIn = Callable[..., None]


def text(page: Page, selector: str) -> str:
    return page.inner_text(selector).replace("\u202f", " ").replace("\xa0", " ").strip()


def test_approve_call_promise_then_customer_page(
    live_server: LiveServer,
    transactional_db: None,
    browser: Browser,
    log_in: LogIn,
    artifacts: Path,
) -> None:
    # given a customer with an invoice due 15 May 2025 and one due 31 March 2025,
    # and the run of Monday 16 June 2025: a formal notice (J+30) and a call (J+45)
    company = CompanyFactory.create(slug="fournil", legal_name="Fournil Durand SAS")
    user = UserFactory.create(username="claire")
    MembershipFactory.create(company=company, user=user, role=Role.CREDIT_MANAGER)
    customer = CustomerFactory.create(company=company, name="Garage Martin", phone="04 72 00 00 00")
    make_invoice(company=company, customer=customer, amount="1000.00", issued_on=date(2025, 4, 15))
    make_invoice(company=company, customer=customer, amount="500.00", issued_on=date(2025, 3, 1))
    dunning_run(company=company, on=date(2025, 6, 16))
    notice = Reminder.objects.get(channel="formal_notice")
    call = Reminder.objects.get(channel="phone")
    assert notice.state == "pending_approval"

    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "claire")

    # when she opens the worklist from the menu
    page.click("nav a[href='/dunning/worklist/']")
    expect(page).to_have_url(f"{live_server.url}/dunning/worklist/")
    expect(page.locator(f"#approval-{notice.pk}")).to_be_visible()
    expect(page.locator(f"#call-{call.pk}")).to_contain_text("04 72 00 00 00")
    page.screenshot(path=str(artifacts / "e2e-dunning-1-worklist.png"), full_page=True)

    # and approves the formal notice
    page.click(f"#approval-{notice.pk} form[action$='/approve/'] button")
    expect(page.locator(f"#approval-{notice.pk}")).to_have_count(0)
    notice.refresh_from_db()
    assert notice.state == "queued"

    # and logs the call: a promise to pay 600,00 € on 10 July 2099 by M. Martin
    page.click(f"#call-{call.pk} a.btn")
    expect(page).to_have_url(re.compile(rf"/dunning/reminders/{call.pk}/call/$"))
    page.select_option("#id_outcome", "promise")
    page.fill("#id_contact_name", "M. Martin")
    page.fill("#id_promised_on", "2099-07-10")
    page.fill("#id_promised_amount", "600,00")
    page.screenshot(path=str(artifacts / "e2e-dunning-2-call.png"), full_page=True)
    page.click("#call-form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/dunning/worklist/")
    expect(page.locator(f"#call-{call.pk}")).to_have_count(0)
    promise = Promise.objects.get()
    assert (promise.amount, promise.promised_on, promise.contact_name) == (
        Decimal("600.00"),
        date(2099, 7, 10),
        "M. Martin",
    )

    # then the customer page shows the approved notice and the call with its promise
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.locator(f"#customer-reminder-{notice.pk}")).to_have_attribute(
        "data-state", "queued"
    )
    expect(page.locator(f"#customer-reminder-{call.pk}")).to_have_attribute(
        "data-outcome", "promise"
    )
    promise_row = page.locator("#customer-promises tr[data-state=open]")
    expect(promise_row).to_contain_text("M. Martin")
    assert "600,00 €" in text(page, "#customer-promises")
    assert "10/07/2099" in text(page, "#customer-promises")
    page.screenshot(path=str(artifacts / "e2e-dunning-3-customer.png"), full_page=True)
    context.close()
