"""The REST API (django-ninja): operations under /api/v1, OpenAPI at /api/docs.

Operations parse a ninja Schema, resolve the caller's company from the token, call one
selector or service and serialize the result; the rules live in the services.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from encaisse.api.auth import TokenAuth
from encaisse.api.errors import register_error_handlers
from encaisse.api.v1 import credit_notes, customers, documents, invoices, payments


class ObjectParser(Parser):
    """JSON bodies must be objects: a list or a bare value is refused as malformed (400)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("a JSON object is expected")
        return data


class EncaisseApi(NinjaAPI):
    """The API whose OpenAPI schema says what the server does with a body."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                _optional_body_not_null(operation)
        return schema


def _optional_body_not_null(operation: dict[str, Any]) -> None:
    # ninja documents an optional body (`payload: X | None = None`) as "X or null", but a
    # body is a JSON object or nothing: `null` is refused as malformed (ObjectParser).
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    variants = (content or {}).get("schema", {}).get("anyOf")
    if variants:
        objects = [v for v in variants if v != {"type": "null"}]
        if len(objects) == 1:
            content["schema"] = objects[0]


api = EncaisseApi(
    title="encaisse API",
    version="1",
    description=(
        "Customers, invoices, credit notes and payments of one company. "
        "Authenticate with `Authorization: Bearer <token>` (`encaisse api-token`). "
        'Amounts are strings with two decimals, rates are fractions ("0.20"), dates ISO.'
    ),
    auth=TokenAuth(),
    parser=ObjectParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)
register_error_handlers(api)
api.add_router("/v1", customers.router)
api.add_router("/v1", invoices.router)
api.add_router("/v1", credit_notes.router)
api.add_router("/v1", payments.router)
api.add_router("/v1", documents.router)
