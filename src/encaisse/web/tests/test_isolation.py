"""Another company's rows are never choices, filters or list rows.

That its rows are a 404 on every page and action that takes their id is swept in
`tests/test_isolation_sweep.py`.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Payment

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
