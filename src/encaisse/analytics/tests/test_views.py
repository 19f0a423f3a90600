"""Dashboard and reports pages: figures, click-through to the invoices behind them, downloads,
the PDF pack, and nothing of another company."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from encaisse.core.dates import today
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.invoicing.models import Invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(owner: Membership) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(owner.user)
    return client


def aged_ledger(company: Company, customer_name: str = "Boulangerie Martin") -> dict:
    """Three open invoices 100+ days, 40 days past due and not yet due (30 days net terms)."""
    on = today()
    customer = CustomerFactory.create(company=company, name=customer_name)
    old = make_invoice(
        company=company, customer=customer, amount="1000.00", issued_on=on - timedelta(days=130)
    )
    older = make_invoice(
        company=company, customer=customer, amount="50.00", issued_on=on - timedelta(days=200)
    )
    middle = make_invoice(
        company=company, customer=customer, amount="100.00", issued_on=on - timedelta(days=70)
    )
    fresh = make_invoice(
        company=company, customer=customer, amount="10.00", issued_on=on - timedelta(days=5)
    )
    paid = make_invoice(
        company=company, customer=customer, amount="500.00", issued_on=on - timedelta(days=300)
    )
    make_payment(
        company=company, customer=customer, amount="60.00", received_on=on - timedelta(days=150)
    )
    return {
        "customer": customer,
        "old": old,
        "older": older,
        "middle": middle,
        "fresh": fresh,
        "paid": paid,
    }


def test_dashboard_shows_aged_balance_and_links_each_bucket_to_its_invoices(
    web: Client, company: Company, other_company: Company
) -> None:
    ledger = aged_ledger(company)
    aged_ledger(other_company, "SECRET CUSTOMER")

    response = web.get(reverse("web:home"))

    assert response.status_code == 200
    figures = response.context["figures"]
    # TTC at 20 %, 30 days net: `old` 1 200 (100 days past due), `older` 60 (170 days) and
    # `paid` 600 less the 60 allocated to it, the oldest (270 days): 1 200 + 60 + 540
    assert figures.aging.buckets["90+"] == Decimal("1800.00")
    assert figures.aging.buckets["31-60"] == Decimal("120.00")  # 70 - 30 = 40 days
    assert figures.aging.buckets["not_due"] == Decimal("12.00")
    body = response.content.decode()
    assert "SECRET CUSTOMER" not in body
    assert "vendor/chartjs/chart.umd.js" in body
    over_90 = next(b for b in response.context["buckets"] if b["key"] == "90+")

    listing = web.get(over_90["url"])

    assert listing.status_code == 200
    assert {i.pk for i in listing.context["page"]} == {
        ledger["old"].pk,
        ledger["older"].pk,
        ledger["paid"].pk,
    }


def test_headlines_compare_with_the_previous_period(web: Client, company: Company) -> None:
    aged_ledger(company)

    figures = web.get(reverse("web:home")).context["figures"]

    keys = [h.key for h in figures.headlines]
    assert keys == [
        "dso_countback",
        "average_days_late_weighted",
        "cei",
        "on_time_rate",
        "overdue_rate",
    ]
    assert len(figures.trends) == 24
    assert len(figures.forecast.weeks) == 13


def test_dashboard_is_recomputed_after_a_change(web: Client, company: Company) -> None:
    ledger = aged_ledger(company)
    before = web.get(reverse("web:home")).context["figures"].open_amount

    make_payment(company=company, customer=ledger["customer"], amount="100.00", received_on=today())

    after = web.get(reverse("web:home")).context["figures"].open_amount
    assert before - after == Decimal("100.00")


def test_reports_page_downloads_and_pack(
    web: Client, company: Company, other_company: Company
) -> None:
    aged_ledger(company)
    aged_ledger(other_company, "SECRET CUSTOMER")
    query = {"date": today().isoformat()}

    page = web.get(reverse("analytics:reports"), query)
    assert page.status_code == 200
    assert page.context["aging"].total == Decimal("1932.00")

    csv_response = web.get(reverse("analytics:download", args=["aging", "csv"]), query)
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert [(r["customer"], r["total"]) for r in rows] == [
        ("Boulangerie Martin", "1932.00"),
        ("TOTAL", "1932.00"),
    ]

    xlsx = web.get(reverse("analytics:download", args=["behaviour", "xlsx"]), query)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert next(sheet.iter_rows(values_only=True))[0] == "customer"

    pdf = web.get(reverse("analytics:pack"), query)
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert company.legal_name in text
    assert "Boulangerie Martin" in text
    assert "SECRET CUSTOMER" not in text
    assert "DSO" in text


def test_reports_refuse_bad_input_without_error_page(web: Client, company: Company) -> None:
    response = web.get(reverse("analytics:reports"), {"from": "2025-03-01", "to": "2025-01-01"})
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()
    response = web.get(reverse("analytics:reports"), {"date": "31/02/2025"})
    assert response.status_code == 200
    assert "Bad date" in response.content.decode()
    assert web.get("/reports/unknown.csv").status_code == 404
    assert web.get("/reports/aging.pdf").status_code == 404


def test_reports_need_a_login(client: Client, company: Company) -> None:
    response = client.get(reverse("analytics:reports"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_unknown_bucket_is_ignored(web: Client, company: Company) -> None:
    ledger = aged_ledger(company)
    response = web.get(reverse("web:invoice_list"), {"bucket": "120+"})
    assert ledger["fresh"].pk in {i.pk for i in response.context["page"]}
    assert Invoice.objects.filter(company=company).count() == 5
