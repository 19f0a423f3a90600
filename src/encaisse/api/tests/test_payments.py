"""/api/v1/payments and /api/v1/allocations: record, allocate (lettrage), undo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from encaisse.api.tests.conftest import ClientFor
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Customer
from encaisse.payments.models import Allocation, Payment

URL = "/api/v1/payments"


@pytest.fixture
def customer(company: Company) -> Customer:
    return CustomerFactory.create(company=company, name="Dupont SA")


def test_record_allocates_oldest_due_first(
    api: Client, company: Company, customer: Customer, owner: Membership
) -> None:
    # given: 120.00 due in February, 240.00 due in March
    older = make_invoice(
        company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 10)
    )
    newer = make_invoice(
        company=company, customer=customer, amount="200.00", issued_on=date(2025, 2, 10)
    )

    # when
    response = api.post(
        URL,
        {
            "customer_id": customer.pk,
            "amount": "150.50",
            "received_on": "2025-03-01",
            "method": "check",
            "reference": "CHQ 0012345",
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["amount"], body["allocated_amount"], body["unallocated_amount"]) == (
        "150.50",
        "150.50",
        "0.00",
    )
    assert (body["method"], body["reference"], body["received_on"]) == (
        "check",
        "CHQ 0012345",
        "2025-03-01",
    )
    assert [(a["invoice_number"], a["amount"]) for a in body["allocations"]] == [
        (older.number, "120.00"),
        (newer.number, "30.50"),
    ]
    payment = Payment.objects.get(pk=body["id"])
    assert (payment.company, payment.source, payment.created_by) == (company, "api", owner.user)


def test_record_allocates_to_the_invoices_given(
    api: Client, company: Company, customer: Customer
) -> None:
    # given
    older = make_invoice(
        company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 10)
    )
    newer = make_invoice(
        company=company, customer=customer, amount="200.00", issued_on=date(2025, 2, 10)
    )

    # when
    response = api.post(
        URL,
        {
            "customer_id": customer.pk,
            "amount": "300.00",
            "received_on": "2025-03-01",
            "allocations": [{"invoice_id": newer.pk, "amount": "240.00"}],
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(a["invoice_id"], a["amount"]) for a in body["allocations"]] == [(newer.pk, "240.00")]
    assert body["unallocated_amount"] == "60.00"
    assert not Allocation.objects.filter(invoice=older).exists()


@pytest.mark.parametrize(
    ("_case", "changes", "field"),
    [
        ("negative amount", {"amount": "-10.00"}, "amount"),
        ("zero amount", {"amount": "0"}, "amount"),
        ("three decimals", {"amount": "10.005"}, "amount"),
        ("amount not a number", {"amount": "dix euros"}, "amount"),
        ("amount too large", {"amount": "1000000000000.00"}, "amount"),
        ("bad date", {"received_on": "2025-02-30"}, "received_on"),
        ("French date", {"received_on": "01/03/2025"}, "received_on"),
        ("unknown method", {"method": "bitcoin"}, "method"),
        ("no customer", {"customer_id": None}, "customer_id"),
    ],
)
def test_record_refuses_bad_input_and_writes_nothing(
    api: Client, company: Company, customer: Customer, _case: str, changes: dict, field: str
) -> None:
    payload = {"customer_id": customer.pk, "amount": "10.00", "received_on": "2025-03-01"}

    response = api.post(URL, {**payload, **changes})

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["errors"][0]["field"]) == ("validation_error", field)
    assert not Payment.objects.exists()


def test_record_refuses_an_allocation_larger_than_the_invoice(
    api: Client, company: Company, customer: Customer
) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")

    response = api.post(
        URL,
        {
            "customer_id": customer.pk,
            "amount": "500.00",
            "received_on": "2025-03-01",
            "allocations": [{"invoice_id": invoice.pk, "amount": "120.01"}],
        },
    )

    assert (response.status_code, response.json()["code"]) == (422, "allocation_exceeds_invoice")
    assert not Payment.objects.exists()
    assert not Allocation.objects.exists()


def test_record_refuses_the_same_invoice_twice(
    api: Client, company: Company, customer: Customer
) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    line = {"invoice_id": invoice.pk, "amount": "10.00"}

    response = api.post(
        URL,
        {
            "customer_id": customer.pk,
            "amount": "20.00",
            "received_on": "2025-03-01",
            "allocations": [line, line],
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "allocations"
    assert not Payment.objects.exists()


def test_list_with_filters(api: Client, company: Company, customer: Customer) -> None:
    # given
    other = CustomerFactory.create(company=company, name="Martin SARL")
    make_invoice(company=company, customer=customer, amount="100.00")
    february = make_payment(
        company=company, customer=customer, amount="50.00", received_on=date(2025, 2, 1)
    )
    march = make_payment(
        company=company, customer=other, amount="70.00", received_on=date(2025, 3, 1)
    )

    def ids(**params: str | int) -> list[int]:
        body = api.get(URL, params).json()
        assert body["count"] == len(body["items"])
        return [item["id"] for item in body["items"]]

    # when / then
    items = api.get(URL).json()["items"]
    assert [(i["customer_name"], i["amount"], i["unallocated_amount"]) for i in items] == [
        ("Martin SARL", "70.00", "70.00"),
        ("Dupont SA", "50.00", "0.00"),
    ]
    assert ids(customer_id=customer.pk) == [february.pk]
    assert ids(received_from="2025-02-15") == [march.pk]
    assert ids(received_to="2025-02-15") == [february.pk]
    page = api.get(URL, {"limit": 1, "offset": 1}).json()
    assert (page["count"], [i["id"] for i in page["items"]]) == (2, [february.pk])


def test_get_one_with_allocations(api: Client, company: Company, customer: Customer) -> None:
    # given
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="200.00")

    # when
    response = api.get(f"{URL}/{payment.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["amount"], body["allocated_amount"], body["unallocated_amount"]) == (
        "200.00",
        "120.00",
        "80.00",
    )
    assert [(a["invoice_id"], a["invoice_number"], a["amount"]) for a in body["allocations"]] == [
        (invoice.pk, "F-000001", "120.00")
    ]


def test_allocate_what_is_left(api: Client, company: Company, customer: Customer) -> None:
    # given: 80.00 received before the invoice existed
    payment = make_payment(company=company, customer=customer, amount="80.00")
    invoice = make_invoice(company=company, customer=customer, amount="100.00")

    # when
    response = api.post(
        f"{URL}/{payment.pk}/allocations",
        {
            "allocations": [{"invoice_id": invoice.pk, "amount": "50.00"}],
        },
    )
    rest = api.post(f"{URL}/{payment.pk}/allocations", {})

    # then
    assert response.status_code == 201, response.content
    assert response.json()["unallocated_amount"] == "30.00"
    assert rest.status_code == 201
    assert [a["amount"] for a in rest.json()["allocations"]] == ["50.00", "30.00"]
    assert rest.json()["unallocated_amount"] == "0.00"
    assert api.get(f"/api/v1/invoices/{invoice.pk}").json()["open_amount"] == "40.00"


@pytest.mark.parametrize(
    ("_case", "amount", "code"),
    [
        ("more than the invoice", "120.01", "allocation_exceeds_invoice"),
        ("more than the payment", "100.01", "allocation_exceeds_payment"),
    ],
)
def test_allocate_refuses_too_much_and_writes_nothing(
    api: Client, company: Company, customer: Customer, _case: str, amount: str, code: str
) -> None:
    # given: 100.00 unallocated, 120.00 open
    payment = make_payment(company=company, customer=customer, amount="100.00")
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    bigger = make_invoice(company=company, customer=customer, amount="500.00")
    target = invoice if code == "allocation_exceeds_invoice" else bigger

    # when
    response = api.post(
        f"{URL}/{payment.pk}/allocations",
        {
            "allocations": [{"invoice_id": target.pk, "amount": amount}],
        },
    )

    # then
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert not Allocation.objects.exists()


def test_allocate_refuses_an_invoice_of_another_company(
    api: Client, company: Company, other_company: Company, customer: Customer
) -> None:
    payment = make_payment(company=company, customer=customer, amount="100.00")
    theirs = make_invoice(company=other_company, amount="10.00")

    response = api.post(
        f"{URL}/{payment.pk}/allocations",
        {
            "allocations": [{"invoice_id": theirs.pk, "amount": "10.00"}],
        },
    )

    assert (response.status_code, response.json()["code"]) == (404, "invoice_unknown")
    assert not Allocation.objects.exists()


def test_delete_an_allocation_reopens_the_invoice(
    api: Client, company: Company, customer: Customer
) -> None:
    # given
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="120.00")
    allocation = Allocation.objects.get(payment=payment)

    # when
    response = api.delete(f"/api/v1/allocations/{allocation.pk}")

    # then
    assert response.status_code == 204
    assert response.content == b""
    assert not Allocation.objects.exists()
    assert api.get(f"/api/v1/invoices/{invoice.pk}").json()["open_amount"] == "120.00"
    assert api.get(f"{URL}/{payment.pk}").json()["unallocated_amount"] == "120.00"


def test_sales_may_not_record_or_allocate(
    sales: Membership, client_for: ClientFor, company: Company, customer: Customer
) -> None:
    # given
    api = client_for(sales)
    make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="50.00")
    allocation = Allocation.objects.get(payment=payment)

    # when
    record = api.post(
        URL, {"customer_id": customer.pk, "amount": "10.00", "received_on": "2025-03-01"}
    )
    allocate = api.post(f"{URL}/{payment.pk}/allocations", {})
    undo = api.delete(f"/api/v1/allocations/{allocation.pk}")
    read = api.get(f"{URL}/{payment.pk}")

    # then
    assert [r.status_code for r in (record, allocate, undo, read)] == [403, 403, 403, 200]
    assert Payment.objects.count() == 1
    assert Allocation.objects.get().amount == Decimal("50.00")
