"""/api/v1/credit-notes: list and read credit notes (avoirs)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import LineData
from encaisse.payments.services import credit_note_issue

URL = "/api/v1/credit-notes"


def _credit(company: Company, invoice: Invoice, net: str, on: date) -> Invoice:
    return credit_note_issue(
        company=company,
        invoice_id=invoice.pk,
        actor=None,
        on=on,
        lines=[LineData("Geste commercial", Decimal(1), Decimal(net), Decimal("0.20"))],
        reason="Retard de livraison",
    )


def test_list_with_filters(api: Client, company: Company) -> None:
    # given
    dupont = CustomerFactory.create(company=company, name="Dupont SA")
    martin = CustomerFactory.create(company=company, name="Martin SARL")
    first = make_invoice(company=company, customer=dupont, amount="100.00")
    second = make_invoice(company=company, customer=martin, amount="500.00")
    january = _credit(company, first, "10.00", date(2025, 1, 20))
    march = _credit(company, second, "50.00", date(2025, 3, 5))

    def ids(**params: str | int) -> list[int]:
        body = api.get(URL, params).json()
        assert body["count"] == len(body["items"])
        return sorted(item["id"] for item in body["items"])

    # when / then
    items = api.get(URL).json()["items"]
    assert [(i["number"], i["credited_invoice_number"], i["total_amount"]) for i in items] == [
        ("AV-000002", "F-000002", "60.00"),
        ("AV-000001", "F-000001", "12.00"),
    ]
    assert ids(customer_id=dupont.pk) == [january.pk]
    assert ids(invoice_id=second.pk) == [march.pk]
    assert ids(issued_from="2025-02-01") == [march.pk]
    assert ids(issued_to="2025-01-31") == [january.pk]
    assert ids(q="martin") == [march.pk]


def test_get_one_with_lines(api: Client, company: Company) -> None:
    # given
    invoice = make_invoice(company=company, amount="100.00")
    credit = _credit(company, invoice, "33.33", date(2025, 2, 1))

    # when
    response = api.get(f"{URL}/{credit.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["status"], body["issue_date"]) == (
        "AV-000001",
        "issued",
        "2025-02-01",
    )
    assert (body["net_amount"], body["vat_amount"], body["total_amount"]) == (
        "33.33",
        "6.67",
        "40.00",
    )
    assert body["reason"] == "Retard de livraison"
    assert body["credited_invoice_id"] == invoice.pk
    assert [(li["description"], li["net_amount"]) for li in body["lines"]] == [
        ("Geste commercial", "33.33")
    ]
    assert body["vat_totals"] == [{"rate": "0.2000", "base_amount": "33.33", "vat_amount": "6.67"}]


def test_an_invoice_is_not_a_credit_note(api: Client, company: Company) -> None:
    invoice = make_invoice(company=company)

    response = api.get(f"{URL}/{invoice.pk}")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")
