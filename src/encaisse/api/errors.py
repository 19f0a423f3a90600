"""Every refusal as JSON `{"detail", "code"}` (plus `errors` naming fields), never a 500.

| cause | status |
|---|---|
| malformed JSON, a value the database cannot hold | 400 |
| missing or bad token (unknown, expired, revoked: one answer) | 401 |
| too many bad tokens from one address (with Retry-After) | 429 |
| the role may not do this (DomainError of kind forbidden) | 403 |
| unknown id, or another company's (kind not_found) | 404 |
| the row is in the wrong state, issue a non-draft... (kind conflict) | 409 |
| a field is missing or invalid, a business rule refused the input (kind invalid) | 422 |

A DomainError's status comes from its code's kind through `KIND_STATUS`, the one place that
maps them; `documented` builds the `response=` entries of an operation from the same table,
so that the OpenAPI schema lists what the server answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import InvalidOperation
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from encaisse.api.auth import TooManyAttempts
from encaisse.api.fields import RULE_CODES, ErrorOut
from encaisse.core.exceptions import DomainError, ErrorKind

# ninja types a handler's exception loosely (an instance or its class); ours get instances.
Handler = Callable[[HttpRequest, Any], HttpResponse]

KIND_STATUS: Mapping[ErrorKind, int] = {
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.INVALID: 422,
    ErrorKind.FORBIDDEN: 403,
}
# What every operation may answer: no or a bad token, a parameter that fails its schema, too
# many bad tokens from the caller's address.
ALWAYS = (401, 422, 429)
# What every write may answer besides: malformed JSON or an unstorable value (400), a row
# that conflicts with one already recorded (409, the IntegrityError handler).
WRITES = (400, 409)


def documented(*kinds: ErrorKind, write: bool = False) -> dict[int, type[Schema]]:
    """The error entries of an operation's `response=`: the statuses of the kinds of
    DomainError (or Http404, a not_found) it may raise, plus those every operation, or
    every write, may answer."""
    statuses = {*ALWAYS, *(WRITES if write else ()), *(KIND_STATUS[kind] for kind in kinds)}
    return dict.fromkeys(sorted(statuses), ErrorOut)


# Names ninja gives to the parameters of our operations; not part of a field's name.
PARAMETER_NAMES = frozenset({"payload", "filters", "page"})


def domain_status(exc: DomainError) -> int:
    return KIND_STATUS[exc.kind]


def _field_errors(errors: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    return [
        {"field": field, "message": str(message)}
        for field, messages in errors.items()
        for message in messages
    ]


def _field_name(loc: Iterable[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:]
    if parts and parts[0] in PARAMETER_NAMES:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _error(
    api: NinjaAPI,
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def register_error_handlers(api: NinjaAPI) -> None:
    """Install the handlers on `api`; the catch-alls turn bad input the schemas let through
    (an overflow found by the database) into a 4xx instead of a server error."""

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        errors = exc.extra.get("errors")
        return _error(
            api,
            request,
            status=domain_status(exc),
            code=exc.code,
            detail=exc.message,
            errors=_field_errors(errors) if isinstance(errors, Mapping) else None,
        )

    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        first = errors[0] if errors else {"field": "body", "message": _("Invalid input.")}
        rules = [e["type"] for e in exc.errors if e.get("type") in RULE_CODES]
        return _error(
            api,
            request,
            status=422,
            code=rules[0] if rules else "validation_error",
            detail=f"{first['field']}: {first['message']}",
            errors=errors,
        )

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, status=404, code="not_found", detail=_("Not found."))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError):
            response = _error(
                api,
                request,
                status=401,
                code="not_authenticated",
                detail=_("A valid API token is required: Authorization: Bearer <token>."),
            )
            response["WWW-Authenticate"] = "Bearer"
            return response
        if isinstance(exc, AuthorizationError):
            return _error(api, request, status=403, code="permission_denied", detail=exc.message)
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            return _error(
                api,
                request,
                status=400,
                code="malformed_json",
                detail=_("The request body is not a valid JSON object."),
            )
        return _error(api, request, status=exc.status_code, code="error", detail=exc.message)

    def on_too_many_attempts(request: HttpRequest, exc: TooManyAttempts) -> HttpResponse:
        minutes = max(1, exc.retry_after // 60)
        response = _error(
            api,
            request,
            status=429,
            code="too_many_attempts",
            detail=ngettext(
                "Too many invalid tokens from this address: try again in %(minutes)d minute.",
                "Too many invalid tokens from this address: try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        return _error(
            api,
            request,
            status=409,
            code="conflict",
            detail=_("This conflicts with the data already recorded."),
        )

    def on_bad_value(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(
            api,
            request,
            status=400,
            code="value_out_of_range",
            detail=_("A value is too large or not valid for storage."),
        )

    handlers: list[tuple[type[Exception], Handler]] = [
        (DomainError, on_domain_error),
        (ValidationError, on_validation_error),
        (Http404, on_not_found),
        (ObjectDoesNotExist, on_not_found),
        (HttpError, on_http_error),
        (TooManyAttempts, on_too_many_attempts),
        (IntegrityError, on_integrity_error),
        (DataError, on_bad_value),
        (InvalidOperation, on_bad_value),
        (OverflowError, on_bad_value),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
