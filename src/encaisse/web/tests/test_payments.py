"""Recording payments and allocating them (lettrage): oldest first, chosen, on the payment page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Allocation, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(company: Company) -> Customer:
    return CustomerFactory.create(company=company, name="Hôtel du Lac")


@pytest.fixture
def older(company: Company, customer: Customer) -> Invoice:
    return make_invoice(
        company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 10)
    )  # 120 €, F-000001


@pytest.fixture
def newer(company: Company, customer: Customer, older: Invoice) -> Invoice:
    return make_invoice(
        company=company, customer=customer, amount="50.00", issued_on=date(2025, 2, 10)
    )  # 60 €, F-000002


def _post(customer: Customer, **extra: str) -> dict[str, object]:
    return {
        "customer": customer.pk,
        "received_on": "2025-03-01",
        "method": "transfer",
        "reference": "VIR 42",
        **extra,
    }


def _allocations(payment: Payment) -> list[tuple[str, Decimal]]:
    return [(a.invoice.number, a.amount) for a in payment.allocations.order_by("invoice_id")]


def test_record_payment_oldest_first(
    web: Client, customer: Customer, older: Invoice, newer: Invoice, company: Company
) -> None:
    response = web.post(
        reverse("web:payment_create"), _post(customer, amount="150,00", allocation="oldest")
    )

    payment = Payment.objects.get(company=company)
    assert response["Location"] == reverse("web:payment_detail", args=[payment.pk])
    assert (payment.amount, payment.received_on, payment.method, payment.reference) == (
        Decimal("150.00"),
        date(2025, 3, 1),
        "transfer",
        "VIR 42",
    )
    assert _allocations(payment) == [
        ("F-000001", Decimal("120.00")),
        ("F-000002", Decimal("30.00")),
    ]


def test_record_payment_to_chosen_invoices(
    web: Client, customer: Customer, older: Invoice, newer: Invoice, company: Company
) -> None:
    web.post(
        reverse("web:payment_create"),
        _post(
            customer,
            amount="100",
            allocation="chosen",
            **{f"alloc_{newer.pk}": "60", f"alloc_{older.pk}": "40,00"},
        ),
    )

    payment = Payment.objects.get(company=company)
    assert _allocations(payment) == [("F-000001", Decimal("40.00")), ("F-000002", Decimal("60.00"))]
    page = web.get(reverse("web:invoice_detail", args=[newer.pk]))
    assert page.context["invoice"].open_amount == Decimal("0.00")
    assert 'id="open-amount">0,00\xa0€<' in page.content.decode()


def test_record_payment_left_unallocated(
    web: Client, customer: Customer, older: Invoice, company: Company
) -> None:
    web.post(reverse("web:payment_create"), _post(customer, amount="10", allocation="none"))

    payment = Payment.objects.get(company=company)
    assert not payment.allocations.exists()
    page = web.get(reverse("web:payment_detail", args=[payment.pk]))
    assert page.context["payment"].unallocated_amount == Decimal("10.00")


def test_allocation_beyond_the_open_amount_is_a_form_error_and_writes_nothing(
    web: Client, customer: Customer, older: Invoice, newer: Invoice, company: Company
) -> None:
    response = web.post(
        reverse("web:payment_create"),
        _post(
            customer,
            amount="100",
            allocation="chosen",
            **{f"alloc_{newer.pk}": "70"},
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "70.00 exceeds the 60.00 left to pay on invoice F-000002."
    ]
    assert not Payment.objects.exists()
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    ("_case", "extra", "error"),
    [
        (
            "no amount chosen",
            {"allocation": "chosen"},
            "Enter the amount to allocate to at least one invoice.",
        ),
        (
            "more than the payment",
            {"allocation": "chosen", "alloc_OLDER": "120", "alloc_NEWER": "60"},
            "The allocations exceed the amount of the payment.",
        ),
    ],
)
def test_chosen_allocation_is_checked_by_the_form(
    web: Client,
    customer: Customer,
    older: Invoice,
    newer: Invoice,
    _case: str,
    extra: dict,
    error: str,
) -> None:
    data = {
        k.replace("OLDER", str(older.pk)).replace("NEWER", str(newer.pk)): v
        for k, v in extra.items()
    }

    response = web.post(reverse("web:payment_create"), _post(customer, amount="100", **data))

    assert response.context["form"].non_field_errors() == [error]
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1,234"])
def test_bad_payment_amount_is_a_field_error(web: Client, customer: Customer, amount: str) -> None:
    response = web.post(
        reverse("web:payment_create"), _post(customer, amount=amount, allocation="oldest")
    )

    assert "amount" in response.context["form"].errors
    assert not Payment.objects.exists()


def test_payment_page_allocates_to_a_chosen_invoice(
    web: Client, customer: Customer, older: Invoice, newer: Invoice, company: Company
) -> None:
    payment = make_payment(company=company, customer=customer, amount="100.00", auto_allocate=False)
    url = reverse("web:payment_allocate", args=[payment.pk])

    too_much = web.post(url, {"invoice": newer.pk, "amount": "60,01"})
    assert too_much.status_code == 200
    assert too_much.context["allocate_form"].errors["amount"] == [
        "60.01 exceeds the 60.00 left to pay on invoice F-000002."
    ]
    assert not payment.allocations.exists()

    response = web.post(url, {"invoice": newer.pk, "amount": "60"})
    assert response["Location"] == reverse("web:payment_detail", args=[payment.pk])
    assert _allocations(payment) == [("F-000002", Decimal("60.00"))]

    beyond_payment = web.post(url, {"invoice": older.pk, "amount": "41"})
    assert beyond_payment.context["allocate_form"].errors["amount"] == [
        "Only 40.00 of this payment is left to allocate."
    ]

    web.post(reverse("web:payment_allocate_oldest", args=[payment.pk]))
    assert _allocations(payment) == [("F-000001", Decimal("40.00")), ("F-000002", Decimal("60.00"))]
    page = web.get(reverse("web:payment_detail", args=[payment.pk]))
    assert page.context["payment"].unallocated_amount == Decimal("0.00")


def test_record_payment_button_prefills_from_the_invoice(
    web: Client, customer: Customer, older: Invoice, newer: Invoice
) -> None:
    invoice_page = web.get(reverse("web:invoice_detail", args=[newer.pk])).content.decode()
    assert f"{reverse('web:payment_create')}?customer={customer.pk}&amp;invoice={newer.pk}" in (
        invoice_page
    )

    response = web.get(
        reverse("web:payment_create"), {"customer": customer.pk, "invoice": newer.pk}
    )

    form = response.context["form"]
    assert form.initial["customer"] == customer.pk
    assert form.initial["amount"] == Decimal("60.00")
    assert form.initial["allocation"] == "chosen"
    assert form.initial[f"alloc_{newer.pk}"] == Decimal("60.00")
    body = response.content.decode()
    assert f'name="alloc_{older.pk}"' in body
    assert f'name="alloc_{newer.pk}" value="60.00"' in body  # English separator
    assert 'name="amount" value="60.00"' in body


def test_customer_page_button_prefills_the_customer(
    web: Client, customer: Customer, older: Invoice
) -> None:
    page = web.get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
    assert f"{reverse('web:payment_create')}?customer={customer.pk}" in page

    response = web.get(reverse("web:payment_create"), {"customer": customer.pk})

    assert f'<option value="{customer.pk}" selected>' in response.content.decode()
    assert [i.pk for i in response.context["form"].open_invoices] == [older.pk]


def test_open_invoices_partial_for_htmx(
    web: Client, customer: Customer, older: Invoice, newer: Invoice
) -> None:
    response = web.get(
        reverse("web:payment_open_invoices"),
        {"customer": customer.pk},
        headers={"hx-request": "true"},
    )

    body = response.content.decode()
    assert "<html" not in body
    assert f'name="alloc_{older.pk}"' in body
    assert f'name="alloc_{newer.pk}"' in body
    assert "120,00\xa0€" in body


def test_payment_list_filters(
    web: Client, company: Company, customer: Customer, older: Invoice
) -> None:
    other = CustomerFactory.create(company=company)
    full = make_payment(
        company=company, customer=customer, amount="120.00", received_on=date(2025, 2, 1)
    )
    loose = make_payment(
        company=company, customer=other, amount="10.00", received_on=date(2025, 3, 1)
    )

    def pks(**params: str | int) -> list[int]:
        return [p.pk for p in web.get(reverse("web:payment_list"), params).context["page"]]

    assert pks() == [loose.pk, full.pk]
    assert pks(customer=customer.pk) == [full.pk]
    assert pks(unallocated="on") == [loose.pk]
    assert pks(received_from="2025-02-15") == [loose.pk]
    assert pks(received_to="2025-02-15") == [full.pk]
