"""Schemathesis over every operation of the OpenAPI schema, through the WSGI app: the server
and its schema agree.

All of schemathesis' checks run (no 5xx, statuses and bodies as documented, schema-violating
requests refused, no auth bypass), with one refinement: a request that follows the schema may
still be refused by a business rule the schema cannot say (allocating more than is open, a
lifecycle status dated before the invoice), which answers 422 with that rule's own code. What
must never happen is the server's input validation (`validation_error`) or a storage refusal
(400) answering a request the schema allows: then the schema promised something false.

Bounded: MAX_EXAMPLES per operation and phase, a few seconds per operation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from encaisse.core.models import ApiToken, Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Payment

MAX_EXAMPLES = 20

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


def schema_validation_agrees(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request valid by the schema passes the server's own validation too."""
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return None
    if response.status_code == 400 or (
        response.status_code == 422 and response.json().get("code") == "validation_error"
    ):
        raise AssertionError(
            f"a request valid by the schema was refused by the server's validation: "
            f"{response.status_code} {response.text[:300]}"
        )
    return True


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    # Django's WSGI handler closes the database connection after each request; the test
    # client does not, and neither may we: the test's transaction lives on it (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(owner: Membership, _keep_the_test_connection: None) -> dict[str, str]:
    """A seeded company (customers, issued invoices, a payment) and its owner's token."""
    company = owner.company
    for _ in range(3):
        customer = CustomerFactory.create(company=company)
        make_invoice(company=company, customer=customer, amount="120.00")
        make_invoice(company=company, customer=customer, amount="80.00", issued_on=None)
        make_payment(company=company, customer=customer, amount="50.00")
    _token, raw = ApiToken.issue(company=company, user=owner.user, name="schemathesis")
    return {"Authorization": f"Bearer {raw}", "Accept-Language": "en"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_server_and_schema_agree(case: Any, bearer: dict[str, str]) -> None:
    case.call_and_validate(
        headers=bearer,
        excluded_checks=[positive_data_acceptance],
        additional_checks=[schema_validation_agrees],
    )


# One regression test per class of finding schemathesis made.


@pytest.mark.parametrize(
    ("_case", "url"),
    [
        ("invoices", "/api/v1/invoices?issued_to=0"),
        ("credit notes", "/api/v1/credit-notes?issued_from=20250101"),
        ("payments", "/api/v1/payments?received_to=1700000000"),
    ],
)
def test_a_number_is_not_a_date(api: Client, _case: str, url: str) -> None:
    # given a date filter written as a number (pydantic read it as a Unix time)
    # when
    response = api.get(url)

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_filter_takes_any_iso_date(api: Client) -> None:
    # given dates the schema allows, far from the years a body takes
    # when
    response = api.get("/api/v1/payments?received_from=0167-07-01&received_to=3261-04-12")

    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("_case", "amount", "status"),
    [
        ("huge float", 1.443806555980538e308, 422),
        ("float with three decimals", 12.345, 422),
        ("float in exponent form", 1e-05, 422),
        ("empty string", "", 422),
        ("exponent", "1E+2", 422),
        ("three decimals", "1.005", 422),
        ("zero", "0.00", 422),
        ("thirteen digits", "1000000000000", 422),
        ("string", "12.50", 201),
        ("float", 0.1, 201),
        ("whole number", 12, 201),
        ("whole float", 12.0, 201),
    ],
)
def test_amounts_are_what_the_schema_says(
    api: Client, company: Company, _case: str, amount: Any, status: int
) -> None:
    # given
    customer = CustomerFactory.create(company=company)

    # when
    response = api.post(
        "/api/v1/payments",
        {"customer_id": customer.pk, "amount": amount, "received_on": "2025-03-01"},
    )

    # then
    assert response.status_code == status, response.json()
    documented = api.get("/api/openapi.json").json()["components"]["schemas"]["PaymentIn"]
    valid_by_schema = jsonschema_rs.validator_for(documented["properties"]["amount"]).is_valid(
        amount
    )
    assert valid_by_schema == (status == 201)


def test_an_optional_body_is_an_object_or_nothing(api: Client, company: Company) -> None:
    # given a draft
    invoice = make_invoice(company=company, issued_on=None)

    # when
    documented = api.get("/api/openapi.json").json()["paths"]["/api/v1/invoices/{invoice_id}/issue"]
    null_body = api.post(f"/api/v1/invoices/{invoice.pk}/issue", "null")
    no_body = api.post(f"/api/v1/invoices/{invoice.pk}/issue", content_type="")

    # then
    assert documented["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/IssueIn"
    }
    assert null_body.status_code == 400
    assert no_body.status_code == 200, no_body.json()


def test_a_nul_in_a_text_is_documented_and_refused(api: Client, company: Company) -> None:
    # given
    properties = api.get("/api/openapi.json").json()["components"]["schemas"]["InvoiceIn"]
    customer = CustomerFactory.create(company=company)
    line = {"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "0.20"}

    # when
    response = api.post(
        "/api/v1/invoices", {"customer_id": customer.pk, "lines": [line], "po_number": "a\x00"}
    )

    # then
    assert properties["properties"]["po_number"]["pattern"] == "^[^\\x00]*$"
    assert response.status_code == 422
    assert Invoice.objects.filter(company=company).count() == 0


def test_a_rule_over_several_fields_has_its_own_code(api: Client, company: Company) -> None:
    # given two allocations to one invoice: each valid, together refused
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    allocations = [{"invoice_id": invoice.pk, "amount": "10.00"}] * 2

    # when
    response = api.post(
        "/api/v1/payments",
        {
            "customer_id": customer.pk,
            "amount": "20.00",
            "received_on": "2025-03-01",
            "allocations": allocations,
        },
    )

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "invoice_repeated"
    assert not Payment.objects.filter(company=company).exists()
