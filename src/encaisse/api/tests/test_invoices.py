"""/api/v1/invoices: list with filters, read with lines, create a draft, issue, credit."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from encaisse.api.tests.conftest import ClientFor
from encaisse.core.audit import audit_events_for
from encaisse.core.dates import today
from encaisse.core.models import Company, Membership, Sequence
from encaisse.core.tests.factories import (
    CustomerFactory,
    PaymentTermsFactory,
    make_invoice,
    make_payment,
)
from encaisse.invoicing.models import Invoice
from encaisse.payments.services import credit_note_issue

URL = "/api/v1/invoices"

LINES = [
    {"description": "Audit", "quantity": "3", "unit_price": "19.99", "vat_rate": "0.20"},
    {
        "description": "Formation",
        "quantity": "2.5",
        "unit_price": "400.00",
        "vat_rate": "0.20",
        "discount_rate": "0.10",
    },
    {"description": "Livre", "quantity": "1", "unit_price": "35.00", "vat_rate": "0.055"},
]


def test_create_a_draft_with_exact_totals(api: Client, company: Company, owner: Membership) -> None:
    # given
    customer = CustomerFactory.create(company=company, name="Dupont SA")

    # when
    response = api.post(
        URL,
        {"customer_id": customer.pk, "lines": LINES, "po_number": "PO-77", "nature": "both"},
    )

    # then: 59.97 + 900.00 at 20 % (191.99 VAT), 35.00 at 5.5 % (1.93 VAT)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["number"], body["issue_date"]) == ("draft", "", None)
    assert (body["net_amount"], body["vat_amount"], body["total_amount"]) == (
        "994.97",
        "193.92",
        "1188.89",
    )
    assert body["open_amount"] == "1188.89"
    assert [(li["description"], li["net_amount"]) for li in body["lines"]] == [
        ("Audit", "59.97"),
        ("Formation", "900.00"),
        ("Livre", "35.00"),
    ]
    assert body["lines"][1]["discount_rate"] == "0.1000"
    assert body["vat_totals"] == [
        {"rate": "0.2000", "base_amount": "959.97", "vat_amount": "191.99"},
        {"rate": "0.0550", "base_amount": "35.00", "vat_amount": "1.93"},
    ]
    invoice = Invoice.objects.get(company=company, pk=body["id"])
    assert (invoice.source, invoice.po_number, invoice.created_by) == ("api", "PO-77", owner.user)
    assert invoice.total_amount == Decimal("1188.89")


def test_create_refuses_a_customer_or_terms_of_another_company(
    api: Client, company: Company, other_company: Company
) -> None:
    mine = CustomerFactory.create(company=company)
    theirs = CustomerFactory.create(company=other_company, name="Martin SARL")
    their_terms = PaymentTermsFactory.create(company=other_company)

    by_customer = api.post(URL, {"customer_id": theirs.pk, "lines": LINES})
    by_terms = api.post(
        URL,
        {"customer_id": mine.pk, "lines": LINES, "payment_terms_id": their_terms.pk},
    )

    assert (by_customer.status_code, by_customer.json()["code"]) == (404, "customer_unknown")
    assert "Martin" not in by_customer.content.decode()
    assert (by_terms.status_code, by_terms.json()["code"]) == (404, "payment_terms_unknown")
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("_case", "line", "field"),
    [
        ("zero quantity", {"quantity": "0"}, "lines.0.quantity"),
        ("negative price", {"unit_price": "-1"}, "lines.0.unit_price"),
        ("VAT as a percentage", {"vat_rate": "20"}, "lines.0.vat_rate"),
        ("discount above 100 %", {"discount_rate": "1.5"}, "lines.0.discount_rate"),
        ("price with 5 decimals", {"unit_price": "1.00001"}, "lines.0.unit_price"),
        ("price not a number", {"unit_price": "abc"}, "lines.0.unit_price"),
        ("no description", {"description": ""}, "lines.0.description"),
    ],
)
def test_create_refuses_bad_lines_naming_the_field(
    api: Client, company: Company, _case: str, line: dict[str, str], field: str
) -> None:
    customer = CustomerFactory.create(company=company)

    response = api.post(
        URL,
        {"customer_id": customer.pk, "lines": [{**LINES[0], **line}]},
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Invoice.objects.exists()


def test_create_refuses_an_invoice_without_lines(api: Client, company: Company) -> None:
    customer = CustomerFactory.create(company=company)

    response = api.post(URL, {"customer_id": customer.pk, "lines": []})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines"
    assert not Invoice.objects.exists()


def test_issue_numbers_the_draft_and_sets_its_due_date(api: Client, company: Company) -> None:
    # given: 45 days net from 31 January
    terms = PaymentTermsFactory.create(company=company, method="net", days=45)
    customer = CustomerFactory.create(company=company, payment_terms=terms)
    draft = make_invoice(company=company, customer=customer, amount="100.00", issued_on=None)

    # when
    response = api.post(f"{URL}/{draft.pk}/issue", {"issue_date": "2025-01-31"})

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["number"]) == ("issued", "F-000001")
    assert (body["issue_date"], body["due_date"]) == ("2025-01-31", "2025-03-17")
    assert (body["total_amount"], body["open_amount"]) == ("120.00", "120.00")
    assert audit_events_for(company, draft).filter(kind="invoice.issued").count() == 1


def test_issue_without_a_body_uses_today(api: Client, company: Company) -> None:
    draft = make_invoice(company=company, issued_on=None)

    response = api.generic("POST", f"{URL}/{draft.pk}/issue")  # as `curl -X POST`

    assert response.status_code == 200, response.content
    assert response.json()["issue_date"] == today().isoformat()
    assert response.json()["due_date"] == (today() + timedelta(days=30)).isoformat()


def test_issuing_through_the_api_numbers_without_gaps(api: Client, company: Company) -> None:
    # given: three drafts, and a refused issue in between
    drafts = [make_invoice(company=company, issued_on=None) for _ in range(3)]
    cancelled = make_invoice(company=company, issued_on=None)
    cancelled.status = Invoice.Status.CANCELLED
    cancelled.save()

    # when
    numbers = []
    for draft in drafts[:2]:
        numbers.append(api.post(f"{URL}/{draft.pk}/issue").json()["number"])
    refused = api.post(f"{URL}/{cancelled.pk}/issue")
    again = api.post(f"{URL}/{drafts[0].pk}/issue")
    numbers.append(api.post(f"{URL}/{drafts[2].pk}/issue").json()["number"])

    # then
    assert numbers == ["F-000001", "F-000002", "F-000003"]
    assert (refused.status_code, refused.json()["code"]) == (409, "invoice_not_draft")
    assert (again.status_code, again.json()["code"]) == (409, "invoice_not_draft")
    assert Sequence.objects.get(company=company, series="F").last_number == 3
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.number) == ("cancelled", "")


def test_issue_refuses_a_bad_date_and_leaves_the_draft(api: Client, company: Company) -> None:
    draft = make_invoice(company=company, issued_on=None)

    response = api.post(f"{URL}/{draft.pk}/issue", {"issue_date": "31/02/2025"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "issue_date"
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("draft", "")


def test_get_one_with_lines_and_what_is_left_to_pay(api: Client, company: Company) -> None:
    # given: 1200.00 invoiced, 300.00 paid, 120.00 credited
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="1000.00")
    make_payment(company=company, customer=customer, amount="300.00")
    credit_note_issue(
        company=company,
        invoice_id=invoice.pk,
        actor=None,
        on=date(2025, 2, 1),
        lines=_lines("100.00"),
    )

    # when
    response = api.get(f"{URL}/{invoice.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["total_amount"], body["paid_amount"], body["credited_amount"]) == (
        "1200.00",
        "300.00",
        "120.00",
    )
    assert body["open_amount"] == "780.00"
    assert body["lines"] == [
        {
            "position": 1,
            "description": "Prestation",
            "quantity": "1.000",
            "unit_price": "1000.0000",
            "discount_rate": "0.0000",
            "vat_rate": "0.2000",
            "net_amount": "1000.00",
        }
    ]
    assert body["vat_totals"] == [
        {"rate": "0.2000", "base_amount": "1000.00", "vat_amount": "200.00"}
    ]


def test_list_filters(api: Client, company: Company) -> None:
    # given
    dupont = CustomerFactory.create(company=company, name="Dupont SA")
    martin = CustomerFactory.create(company=company, name="Martin SARL")
    paid = make_invoice(
        company=company, customer=dupont, amount="100.00", issued_on=date(2025, 1, 10)
    )
    make_payment(company=company, customer=dupont, amount="120.00")
    late = make_invoice(
        company=company, customer=martin, amount="200.00", issued_on=date(2025, 3, 1)
    )
    draft = make_invoice(company=company, customer=martin, amount="300.00", issued_on=None)
    future = make_invoice(company=company, customer=martin, amount="400.00", issued_on=today())
    credit = credit_note_issue(
        company=company, invoice_id=future.pk, actor=None, on=today(), lines=_lines("10.00")
    )

    def ids(**params: str | int) -> list[int]:
        response = api.get(URL, params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["count"] == len(body["items"])
        return sorted(i["id"] for i in body["items"])

    # when / then
    assert ids() == sorted([paid.pk, late.pk, draft.pk, future.pk])
    assert ids(status="draft") == [draft.pk]
    assert ids(status="issued") == sorted([paid.pk, late.pk, future.pk])
    assert ids(status="open") == sorted([late.pk, future.pk])
    assert ids(status="paid") == [paid.pk]
    assert ids(customer_id=dupont.pk) == [paid.pk]
    assert ids(overdue="true") == [late.pk]
    assert ids(issued_from="2025-02-01", issued_to="2025-03-31") == [late.pk]
    assert ids(kind="credit_note") == [credit.pk]
    assert ids(q="martin", status="issued") == sorted([late.pk, future.pk])


def test_list_gives_open_amounts(api: Client, company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00")
    make_payment(company=company, customer=customer, amount="20.50")

    item = api.get(URL).json()["items"][0]

    assert (item["total_amount"], item["paid_amount"], item["open_amount"]) == (
        "120.00",
        "20.50",
        "99.50",
    )


def test_credit_in_full(api: Client, company: Company) -> None:
    # given
    invoice = make_invoice(company=company, amount="250.00")

    # when
    response = api.post(
        f"{URL}/{invoice.pk}/credit",
        {"reason": "Commande annulée", "issue_date": "2025-02-03"},
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["status"], body["issue_date"]) == (
        "AV-000001",
        "issued",
        "2025-02-03",
    )
    assert (body["credited_invoice_id"], body["credited_invoice_number"]) == (
        invoice.pk,
        "F-000001",
    )
    assert (body["net_amount"], body["vat_amount"], body["total_amount"]) == (
        "250.00",
        "50.00",
        "300.00",
    )
    assert body["reason"] == "Commande annulée"
    after = api.get(f"{URL}/{invoice.pk}").json()
    assert (after["credited_amount"], after["open_amount"]) == ("300.00", "0.00")


def test_credit_in_part_then_refuse_more_than_remains(api: Client, company: Company) -> None:
    # given
    invoice = make_invoice(company=company, amount="100.00")

    # when
    partial = api.post(
        f"{URL}/{invoice.pk}/credit",
        {
            "lines": [
                {
                    "description": "Remise",
                    "quantity": "1",
                    "unit_price": "25.00",
                    "vat_rate": "0.20",
                }
            ]
        },
    )
    too_much = api.post(
        f"{URL}/{invoice.pk}/credit",
        {
            "lines": [
                {
                    "description": "Encore",
                    "quantity": "1",
                    "unit_price": "80.00",
                    "vat_rate": "0.20",
                }
            ]
        },
    )

    # then
    assert partial.status_code == 201, partial.content
    assert partial.json()["total_amount"] == "30.00"
    assert (too_much.status_code, too_much.json()["code"]) == (422, "credit_exceeds_invoice")
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).count() == 1
    assert api.get(f"{URL}/{invoice.pk}").json()["open_amount"] == "90.00"


def test_credit_of_a_draft_is_a_conflict(api: Client, company: Company) -> None:
    draft = make_invoice(company=company, issued_on=None)

    response = api.post(f"{URL}/{draft.pk}/credit")

    assert (response.status_code, response.json()["code"]) == (409, "invoice_not_creditable")
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_sales_may_draft_but_not_issue_or_credit(
    sales: Membership, client_for: ClientFor, company: Company
) -> None:
    # given
    api = client_for(sales)
    customer = CustomerFactory.create(company=company)
    issued = make_invoice(company=company, customer=customer)

    # when
    created = api.post(URL, {"customer_id": customer.pk, "lines": LINES})
    issue = api.post(f"{URL}/{created.json()['id']}/issue")
    credit = api.post(f"{URL}/{issued.pk}/credit")

    # then
    assert created.status_code == 201
    assert (issue.status_code, issue.json()["code"]) == (403, "permission_denied")
    assert credit.status_code == 403
    assert Invoice.objects.get(pk=created.json()["id"]).status == "draft"
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def _lines(net: str) -> list:
    from encaisse.invoicing.services import LineData

    return [LineData("Avoir", Decimal(1), Decimal(net), Decimal("0.20"))]
