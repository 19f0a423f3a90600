"""List operations read a page in a fixed number of queries, however many rows it holds."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.payments.services import credit_note_issue

LISTS = ["/api/v1/customers", "/api/v1/invoices", "/api/v1/credit-notes", "/api/v1/payments"]


def add_customers(company: Company, n: int) -> None:
    for _ in range(n):
        customer = CustomerFactory.create(company=company)
        invoice = make_invoice(company=company, customer=customer, amount="100.00")
        credit_note_issue(company=company, invoice_id=invoice.pk, actor=None, on=date(2025, 2, 1))
        make_payment(company=company, customer=customer, amount="10.00")


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(api: Client, company: Company, url: str) -> None:
    # given
    add_customers(company, 2)
    api.get(url)  # the token's first use is recorded once
    few = queries(api, url)

    # when
    add_customers(company, 8)

    # then
    assert queries(api, url) == few
    assert len(api.get(url).json()["items"]) == 10
