"""The owner opens the dashboard: the charts are drawn, and a click on the > 90 days bucket lists
exactly the invoices more than 90 days past due."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from encaisse.analytics import tasks
from encaisse.core.dates import today
from encaisse.core.models import Role
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_invoice,
    make_payment,
)
from encaisse.core.tests.worker import QUEUE, tasks_sent_to

pytestmark = pytest.mark.e2e

LogIn = Callable[..., None]

BROKER = "redis://127.0.0.1:6379/13"


def test_dashboard_charts_and_click_through_to_the_oldest_invoices(
    live_server: LiveServer,
    transactional_db: None,
    browser: Browser,
    log_in: LogIn,
    artifacts: Path,
) -> None:
    # given a company whose customers owe invoices of every age (30 days net)
    company = CompanyFactory.create(slug="fournil", legal_name="Fournil Durand SAS")
    user = UserFactory.create(username="claire")  # password "password"
    MembershipFactory.create(company=company, user=user, role=Role.OWNER)
    on = today()
    martin = CustomerFactory.create(company=company, name="Boulangerie Martin")
    dupont = CustomerFactory.create(company=company, name="Pâtisserie Dupont")
    over_90 = [
        make_invoice(
            company=company, customer=martin, amount="1000.00", issued_on=on - timedelta(days=150)
        ),
        make_invoice(
            company=company, customer=dupont, amount="400.00", issued_on=on - timedelta(days=125)
        ),
    ]
    others = [
        make_invoice(
            company=company, customer=martin, amount="300.00", issued_on=on - timedelta(days=100)
        ),
        make_invoice(
            company=company, customer=dupont, amount="200.00", issued_on=on - timedelta(days=45)
        ),
        make_invoice(
            company=company, customer=dupont, amount="150.00", issued_on=on - timedelta(days=3)
        ),
    ]
    settled = make_invoice(
        company=company, customer=martin, amount="100.00", issued_on=on - timedelta(days=400)
    )
    make_payment(
        company=company, customer=martin, amount="120.00", received_on=on - timedelta(days=360)
    )
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)

    # when she logs in and lands on the dashboard
    log_in(page, "claire", "/")
    expect(page.locator("#aging-chart")).to_be_visible()

    # then the three charts are drawn by Chart.js with the server's figures
    page.wait_for_function("window.encaisseCharts && window.encaisseCharts.forecast")
    assert page.evaluate("Object.keys(window.encaisseCharts).sort()") == [
        "aging",
        "forecast",
        "trend",
    ]
    # aged balance TTC: not due 180, 1-30 240 (15 days), 61-90 360 (70 days), > 90 days
    # 1 200 + 480 (120 and 95 days past due); the 120 paid long ago is nowhere
    assert page.evaluate("window.encaisseCharts.aging.data.datasets[0].data") == [
        180,
        240,
        0,
        360,
        1680,
    ]
    assert page.evaluate("window.encaisseCharts.trend.data.labels.length") == 24
    assert page.evaluate("window.encaisseCharts.forecast.data.labels.length") == 13
    # pixels were painted on the canvas
    assert page.evaluate("document.getElementById('aging-chart').toDataURL().length") > 5000
    # amounts are written the French way
    total = page.inner_text("#aging-table tfoot").replace("\u202f", " ").replace("\xa0", " ")
    assert "2 460,00 €" in total
    page.screenshot(path=str(artifacts / "e2e-dashboard.png"), full_page=True)

    # when she clicks the > 90 days bucket
    page.click("#aging-table a[data-bucket='90+']")

    # then the invoice list shows exactly those invoices
    expect(page).to_have_url(re.compile(r"/invoices/\?bucket=90%2B&as_of="))
    listed = page.locator("table tbody tr").all_inner_texts()
    numbers = {i.number for i in over_90}
    assert len(listed) == len(numbers)
    for number in numbers:
        assert any(number in row for row in listed)
    for invoice in [*others, settled]:
        assert not any(invoice.number in row for row in listed)
    page.screenshot(path=str(artifacts / "e2e-dashboard-90.png"), full_page=True)
    context.close()


@pytest.mark.usefixtures("needs_redis")
def test_dashboard_before_its_first_figures_shows_them_when_the_worker_is_done(
    live_server: LiveServer, transactional_db: None, browser: Browser, log_in: LogIn, settings
) -> None:
    # given a deployment with a broker and a company whose figures were never computed
    company = CompanyFactory.create(slug="moulin", legal_name="Moulin Bernard SARL")
    user = UserFactory.create(username="paul")  # password "password"
    MembershipFactory.create(company=company, user=user, role=Role.OWNER)
    customer = CustomerFactory.create(company=company, name="Épicerie Roux")
    make_invoice(
        company=company, customer=customer, amount="500.00", issued_on=today() - timedelta(days=10)
    )
    with tasks_sent_to(BROKER, settings) as queue:
        page = browser.new_context(locale="fr-FR").new_page()
        page.set_default_timeout(15_000)

        # when he logs in: the dashboard waits for the worker, and one refresh is queued
        log_in(page, "paul", "/")
        expect(page.locator("#figures-pending")).to_be_visible()
        assert queue.llen(QUEUE) == 1

        # when the worker has computed them, the page reloads by itself and shows them
        tasks.refresh_figures(company.pk, "home", today().isoformat())
        expect(page.locator("#aging-chart")).to_be_visible()
        total = page.inner_text("#total-open").replace("\u202f", " ").replace("\xa0", " ")
        assert total == "600,00 €"
        page.context.close()
