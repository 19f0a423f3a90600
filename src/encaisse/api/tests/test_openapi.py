"""The OpenAPI description: docs page at /api/docs, schema at /api/openapi.json."""

from __future__ import annotations

from django.test import Client

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
    assert set(create["responses"]) == {"201", "400", "401", "403", "404", "409", "422"}
    amount = schema["components"]["schemas"]["InvoiceOut"]["properties"]["total_amount"]
    assert amount["type"] == "string"
