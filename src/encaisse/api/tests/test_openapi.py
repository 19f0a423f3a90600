"""The OpenAPI description: docs page at /api/docs, schema at /api/openapi.json."""

from __future__ import annotations

import pytest
from django.test import Client

from encaisse.api.api import api
from encaisse.api.errors import ALWAYS, KIND_STATUS, WRITES
from encaisse.core.exceptions import ErrorKind

EXPECTED = {
    "/api/v1/customers": {"get", "post"},
    "/api/v1/customers/{customer_id}": {"get", "patch"},
    "/api/v1/invoices": {"get", "post"},
    "/api/v1/invoices/{invoice_id}": {"get"},
    "/api/v1/invoices/{invoice_id}/issue": {"post"},
    "/api/v1/invoices/{invoice_id}/credit": {"post"},
    "/api/v1/credit-notes": {"get"},
    "/api/v1/credit-notes/{credit_note_id}": {"get"},
    "/api/v1/payments": {"get", "post"},
    "/api/v1/payments/{payment_id}": {"get"},
    "/api/v1/payments/{payment_id}/allocations": {"post"},
    "/api/v1/allocations/{allocation_id}": {"delete"},
    "/api/v1/invoices/{invoice_id}/document": {"get"},
    "/api/v1/invoices/{invoice_id}/lifecycle": {"get", "post"},
    "/api/v1/quotes/{quote_id}/document": {"get"},
}


def test_docs_page_needs_no_token(db: None) -> None:
    response = Client().get("/api/docs")

    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content


def test_schema_lists_every_operation_with_bearer_auth(db: None) -> None:
    # when
    schema = Client().get("/api/openapi.json").json()

    # then
    assert (schema["info"]["title"], schema["info"]["version"]) == ("encaisse API", "1")
    assert {path: set(ops) for path, ops in schema["paths"].items()} == EXPECTED
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    create = schema["paths"]["/api/v1/invoices"]["post"]
    assert set(create["responses"]) == {"201", "400", "401", "403", "404", "409", "422", "429"}
    amount = schema["components"]["schemas"]["InvoiceOut"]["properties"]["total_amount"]
    assert amount["type"] == "string"


@pytest.mark.parametrize(
    ("_case", "path", "method", "statuses"),
    [
        ("a list", "/api/v1/invoices", "get", {"200", "401", "422", "429"}),
        (
            "a read by id",
            "/api/v1/payments/{payment_id}",
            "get",
            {"200", "401", "404", "422", "429"},
        ),
        (
            "a draft has no document yet",
            "/api/v1/invoices/{invoice_id}/document",
            "get",
            {"200", "401", "404", "409", "422", "429"},
        ),
        (
            "issue a draft",
            "/api/v1/invoices/{invoice_id}/issue",
            "post",
            {"200", "400", "401", "403", "404", "409", "422", "429"},
        ),
        (
            "undo an allocation",
            "/api/v1/allocations/{allocation_id}",
            "delete",
            {"204", "400", "401", "403", "404", "409", "422", "429"},
        ),
    ],
)
def test_schema_lists_the_statuses_an_operation_answers(
    _case: str, path: str, method: str, statuses: set[str]
) -> None:
    # when
    operation = api.get_openapi_schema()["paths"][path][method]

    # then
    assert {str(status) for status in operation["responses"]} == statuses


def test_every_operation_documents_its_refusals() -> None:
    """Every operation may refuse (a token, a parameter); one that names a row may not find
    it; a write may be forbidden to the role and may conflict; each refusal is an ErrorOut."""
    # given
    schema = api.get_openapi_schema()
    error_out = {"$ref": "#/components/schemas/ErrorOut"}
    known = {*KIND_STATUS.values(), *ALWAYS, *WRITES}

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # when
            responses = operation["responses"]
            refusals = {int(status) for status in responses if int(status) >= 400}

            # then
            where = f"{method.upper()} {path}"
            expected = set(ALWAYS)
            if "{" in path:
                expected.add(KIND_STATUS[ErrorKind.NOT_FOUND])
            if method != "get":
                expected |= {*WRITES, KIND_STATUS[ErrorKind.FORBIDDEN]}
            assert expected <= refusals <= known, where
            for status in refusals:
                content = responses[status]["content"]["application/json"]
                assert content["schema"] == error_out, f"{where} {status}"
