"""Another company's rows are a 404 on every page and action, and stay unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Contact, Customer
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Allocation, Payment

pytestmark = pytest.mark.django_db

SECRET = "Secret Industries"


@pytest.fixture
def theirs(other_company: Company) -> dict:
    customer = CustomerFactory.create(company=other_company, name=SECRET, reference="SECRET1")
    invoice = make_invoice(company=other_company, customer=customer, amount="100.00")
    draft = make_invoice(company=other_company, customer=customer, amount="10.00", issued_on=None)
    payment = make_payment(company=other_company, customer=customer, amount="150.00")
    return {
        "customer": customer,
        "invoice": invoice,
        "draft": draft,
        "payment": payment,
        "allocation": payment.allocations.get(),
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("web:customer_detail", "customer"),
        ("web:customer_edit", "customer"),
        ("web:invoice_detail", "invoice"),
        ("web:invoice_detail", "draft"),
        ("web:invoice_edit", "draft"),
        ("web:invoice_credit", "invoice"),
        ("web:payment_detail", "payment"),
    ],
)
def test_pages_of_another_company_are_404(web: Client, theirs: dict, name: str, key: str) -> None:
    response = web.get(reverse(name, args=[theirs[key].pk]))

    assert response.status_code == 404
    body = response.content.decode()
    assert SECRET not in body
    assert theirs["invoice"].number not in body


@pytest.mark.parametrize(
    ("name", "key", "data"),
    [
        (
            "web:customer_edit",
            "customer",
            {"name": "Pirate", "kind": "business", "language": "fr", "country": "FR"},
        ),
        ("web:contact_add", "customer", {"name": "Pirate", "role": "billing"}),
        (
            "web:invoice_edit",
            "draft",
            {
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "1",
                "lines-0-description": "Pirate",
                "lines-0-quantity": "1",
                "lines-0-unit_price": "1",
                "lines-0-vat_pct": "20",
            },
        ),
        ("web:invoice_issue", "draft", {}),
        ("web:invoice_cancel", "draft", {}),
        ("web:invoice_dispute", "invoice", {"disputed": "1"}),
        ("web:invoice_credit", "invoice", {"mode": "full"}),
        ("web:allocation_undo", "allocation", {}),
        ("web:payment_allocate_oldest", "payment", {}),
        ("web:payment_allocate", "payment", {"invoice": "1", "amount": "1"}),
    ],
)
def test_actions_on_another_company_are_404_and_change_nothing(
    web: Client, theirs: dict, other_company: Company, name: str, key: str, data: dict
) -> None:
    invoices_before = list(Invoice.objects.filter(company=other_company).values().order_by("pk"))

    response = web.post(reverse(name, args=[theirs[key].pk]), data)

    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert list(Invoice.objects.filter(company=other_company).values().order_by("pk")) == (
        invoices_before
    )
    assert Customer.objects.get(pk=theirs["customer"].pk).name == SECRET
    assert not Contact.objects.exists()
    assert Allocation.objects.get(pk=theirs["allocation"].pk).amount == Decimal("120.00")


def test_forms_refuse_another_company_customer(web: Client, theirs: dict, company: Company) -> None:
    invoice_post = {
        "customer": theirs["customer"].pk,
        "nature": "services",
        "action": "draft",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "X",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "10",
        "lines-0-vat_pct": "20",
    }
    response = web.post(reverse("web:invoice_create"), invoice_post)
    assert response.status_code == 200
    assert "customer" in response.context["form"].errors

    payment_post = {
        "customer": theirs["customer"].pk,
        "amount": "10",
        "received_on": "2025-02-01",
        "method": "transfer",
        "allocation": "chosen",
        f"alloc_{theirs['invoice'].pk}": "10",
    }
    response = web.post(reverse("web:payment_create"), payment_post)
    assert response.status_code == 200
    assert "customer" in response.context["form"].errors

    assert not Invoice.objects.filter(company=company).exists()
    assert not Payment.objects.filter(company=company).exists()
    assert Payment.objects.count() == 1


def test_allocating_own_payment_to_another_company_invoice_is_refused(
    web: Client, theirs: dict, company: Company
) -> None:
    customer = CustomerFactory.create(company=company)
    payment = make_payment(company=company, customer=customer, amount="10.00")

    response = web.post(
        reverse("web:payment_allocate", args=[payment.pk]),
        {"invoice": theirs["invoice"].pk, "amount": "10"},
    )

    assert response.status_code == 200
    assert "invoice" in response.context["allocate_form"].errors
    assert not payment.allocations.exists()


def test_lists_and_filters_show_only_the_current_company(web: Client, theirs: dict) -> None:
    for name in ("web:home", "web:customer_list", "web:invoice_list", "web:payment_list"):
        response = web.get(reverse(name), {"customer": theirs["customer"].pk})
        assert response.status_code == 200
        assert SECRET not in response.content.decode(), name

    response = web.get(reverse("web:invoice_list"), {"customer": theirs["customer"].pk})
    assert list(response.context["page"]) == []
    response = web.get(reverse("web:payment_open_invoices"), {"customer": theirs["customer"].pk})
    assert theirs["invoice"].number not in response.content.decode()
