"""Bad input is a 4xx JSON `{"detail", "code"}` naming the field, never a 500; nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from encaisse.api.errors import KIND_STATUS
from encaisse.api.tests.conftest import ClientFor
from encaisse.core.exceptions import ErrorKind
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice, LifecycleEvent
from encaisse.payments.models import Payment

JSON = "application/json"
LINE = {"description": "Conseil", "quantity": "1", "unit_price": "100.00", "vat_rate": "0.20"}


@pytest.mark.parametrize(
    ("_case", "body"),
    [
        ("truncated JSON", '{"name": "Dupont'),
        ("not JSON", "name=Dupont"),
        ("a JSON list", '[{"name": "Dupont"}]'),
        ("a JSON string", '"Dupont"'),
        ("a JSON number", "42"),
        ("not UTF-8", b'{"name": "\xff\xfe"}'),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(
    api: Client, company: Company, _case: str, body: str | bytes
) -> None:
    response = api.post("/api/v1/customers", body, content_type=JSON)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "malformed_json"
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("_case", "url", "field"),
    [
        ("impossible date", "/api/v1/invoices?issued_from=2025-02-30", "issued_from"),
        ("French date", "/api/v1/payments?received_from=01/02/2025", "received_from"),
        ("date as a number", "/api/v1/invoices?issued_to=0", "issued_to"),
        ("unknown status", "/api/v1/invoices?status=lost", "status"),
        ("id not a number", "/api/v1/invoices?customer_id=abc", "customer_id"),
        ("page too large", "/api/v1/customers?limit=100000", "limit"),
        ("negative offset", "/api/v1/customers?offset=-1", "offset"),
        ("id beyond bigint", "/api/v1/customers/99999999999999999999", "customer_id"),
        ("id zero", "/api/v1/payments/0", "payment_id"),
        ("NUL in search", "/api/v1/customers?q=a%00b", "q"),
    ],
)
def test_a_bad_parameter_is_422_naming_it(api: Client, _case: str, url: str, field: str) -> None:
    response = api.get(url)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"][0]["field"] == field
    assert body["detail"].startswith(f"{field}:")


def test_a_name_with_a_nul_character_is_422(api: Client, company: Company) -> None:
    response = api.post("/api/v1/customers", {"name": "Dupont\x00SA"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert not Customer.objects.exists()


def test_an_amount_beyond_what_the_books_hold_is_refused(api: Client, company: Company) -> None:
    # Each value fits its column, their product does not fit an amount.
    customer = CustomerFactory.create(company=company)
    line = {
        "description": "Tout",
        "quantity": "999999999.999",
        "unit_price": "9999999999.9999",
        "vat_rate": "0.20",
    }

    response = api.post("/api/v1/invoices", {"customer_id": customer.pk, "lines": [line]})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines"
    assert not Invoice.objects.exists()


def test_a_json_number_amount_is_read_exactly(api: Client, company: Company) -> None:
    customer = CustomerFactory.create(company=company)

    response = api.post(
        "/api/v1/payments",
        {"customer_id": customer.pk, "amount": 0.1, "received_on": "2025-03-01"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "0.10"
    assert str(Payment.objects.get().amount) == "0.10"


def test_an_unknown_address_under_the_api_is_404_json(api: Client) -> None:
    response = api.get("/api/v2/customers")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize(
    ("_case", "kind", "status", "code"),
    [
        ("unknown customer", ErrorKind.NOT_FOUND, 404, "customer_unknown"),
        ("a draft has no document", ErrorKind.CONFLICT, 409, "document_not_issued"),
        ("a status before the issue date", ErrorKind.INVALID, 422, "lifecycle_date"),
        ("a read-only role writes", ErrorKind.FORBIDDEN, 403, "permission_denied"),
    ],
)
def test_a_domain_error_answers_the_status_of_its_kind(
    api: Client,
    accountant: Membership,
    client_for: ClientFor,
    company: Company,
    _case: str,
    kind: ErrorKind,
    status: int,
    code: str,
) -> None:
    # given
    draft = make_invoice(company=company, issued_on=None)
    issued = make_invoice(company=company, issued_on=date(2025, 1, 15))
    calls: dict[ErrorKind, Callable[[], Any]] = {
        ErrorKind.NOT_FOUND: lambda: api.post(
            "/api/v1/invoices",
            {"customer_id": 999_999, "lines": [LINE]},
        ),
        ErrorKind.CONFLICT: lambda: api.get(f"/api/v1/invoices/{draft.pk}/document"),
        ErrorKind.INVALID: lambda: api.post(
            f"/api/v1/invoices/{issued.pk}/lifecycle",
            {"status": "200", "occurred_on": "2025-01-14"},
        ),
        ErrorKind.FORBIDDEN: lambda: client_for(accountant).post(
            "/api/v1/customers", {"name": "X"}
        ),
    }

    # when
    response = calls[kind]()

    # then
    assert KIND_STATUS[kind] == status
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["detail"]
    assert Invoice.objects.filter(company=company).count() == 2
    assert not LifecycleEvent.objects.exists()
    assert not Customer.objects.filter(company=company, name="X").exists()


def test_every_kind_has_a_status() -> None:
    assert set(KIND_STATUS) == set(ErrorKind)
