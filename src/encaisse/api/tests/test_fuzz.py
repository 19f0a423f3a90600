"""Random JSON bodies posted to the write operations: the answer is never a server error.

The test client re-raises any exception a view lets escape, so a 500 fails the example.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "0",
            "-1",
            "0.20",
            "1e400",
            "NaN",
            "Infinity",
            "12,50",
            "2025-02-30",
            "2025-01-15",
            "9999-12-31",
            "0001-01-01",
            "\x00",
            "1" * 40,
            "a" * 600,
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

LINE_KEYS = ["description", "quantity", "unit_price", "vat_rate", "discount_rate"]
lines = st.lists(
    st.dictionaries(st.sampled_from(LINE_KEYS), json_values, min_size=3, max_size=5),
    max_size=3,
)


def bodies(keys: list[str], **special: st.SearchStrategy[Any]) -> st.SearchStrategy[dict]:
    values = {key: special.get(key, json_values) for key in keys}
    return st.fixed_dictionaries({}, optional=values)


FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def ids(company: Company) -> dict[str, int]:
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="10.00")
    return {"customer": customer.pk, "invoice": invoice.pk, "payment": payment.pk}


def assert_client_error_at_worst(response: Any) -> None:
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response.json()["code"]


@FUZZ
@given(
    body=bodies(
        [
            "name",
            "reference",
            "siren",
            "siret",
            "vat_number",
            "email",
            "kind",
            "credit_limit",
            "payment_terms_id",
            "owner_id",
            "language",
            "country",
        ]
    )
)
def test_customers_create(api: Client, body: dict) -> None:
    assert_client_error_at_worst(api.post("/api/v1/customers", body))


@FUZZ
@given(
    body=bodies(
        ["customer_id", "lines", "nature", "po_number", "supply_date", "payment_terms_id", "notes"],
        lines=lines,
        customer_id=st.sampled_from([1, 2, 0, -1, 2**63, "1"]),
    )
)
def test_invoices_create(api: Client, ids: dict[str, int], body: dict) -> None:
    assert_client_error_at_worst(api.post("/api/v1/invoices", body))


@FUZZ
@given(body=bodies(["lines", "reason", "issue_date"], lines=lines))
def test_invoices_credit(api: Client, ids: dict[str, int], body: dict) -> None:
    assert_client_error_at_worst(api.post(f"/api/v1/invoices/{ids['invoice']}/credit", body))


@FUZZ
@given(
    body=bodies(
        ["customer_id", "amount", "received_on", "method", "reference", "currency", "allocations"],
        allocations=st.lists(
            st.fixed_dictionaries({}, optional={"invoice_id": json_values, "amount": json_values}),
            max_size=3,
        ),
    )
)
def test_payments_create(api: Client, ids: dict[str, int], body: dict) -> None:
    assert_client_error_at_worst(api.post("/api/v1/payments", body))


@FUZZ
@given(raw=st.binary(max_size=200) | json_values.map(repr).map(str.encode))
def test_any_bytes_as_a_body(api: Client, ids: dict[str, int], raw: bytes) -> None:
    response = api.post("/api/v1/customers", raw, content_type="application/json")

    assert_client_error_at_worst(response)
