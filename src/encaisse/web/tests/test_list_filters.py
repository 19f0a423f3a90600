"""The customer filter of the invoice and payment lists: a select while the company has few
customers; above PICKER_LIMIT a hidden field that links still set, with the customer named."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.dates import today
from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Customer
from encaisse.web.shell.forms import PICKER_LIMIT

pytestmark = pytest.mark.django_db


def customers(company: Company, count: int) -> list[Customer]:
    return Customer.objects.bulk_create(
        CustomerFactory.build(company=company, reference=f"C{i:05d}") for i in range(count)
    )


def test_few_customers_get_a_select(web: Client, company: Company) -> None:
    customers(company, 3)

    body = web.get(reverse("web:invoice_list")).content.decode()

    assert '<select name="customer"' in body
    assert 'id="customer-filter"' not in body


@pytest.mark.parametrize("list_name", ["web:invoice_list", "web:payment_list"])
def test_many_customers_filter_by_link_without_a_select(
    web: Client, company: Company, list_name: str
) -> None:
    # given more customers than a select should hold, two of them with an invoice and a payment
    many = customers(company, PICKER_LIMIT + 1)
    first, second = Customer.objects.get(pk=many[0].pk), Customer.objects.get(pk=many[1].pk)
    for customer in (first, second):
        make_invoice(company=company, customer=customer, amount="100.00", issued_on=today())
        make_payment(company=company, customer=customer, amount=Decimal("10.00"))

    # when the list is opened from the first customer's page
    response = web.get(reverse(list_name), {"customer": first.pk})

    # then it holds that customer's rows only, names the customer, and has no select
    body = response.content.decode()
    assert {row.customer_id for row in response.context["page"]} == {first.pk}
    assert '<select name="customer"' not in body
    assert f'<input type="hidden" name="customer" value="{first.pk}"' in body
    assert f"{first.name} ({first.reference})" in body.split('id="customer-filter"')[1]
