"""Another company's row is a 404 on every staff route and API operation that takes its id.

The routes are not listed here: the staff routes come from Django's URL resolver and the API
operations from the OpenAPI schema, so a new screen or operation is swept without editing this
file. What an id refers to is read from the route (the path segment before `pk`, or the stem of
`<name>_id`) and looked up in BUILDERS, the one mapping kept by hand; an id this file cannot
place fails the sweep with a message naming the key to add.

Each row of the other company carries the word "Zorglub" (its legal name, its customer, its
numbering series, its policy, its bank line...), so a body without it has leaked none of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from encaisse.api.api import api
from encaisse.core.models import ApiToken, Company, Membership
from encaisse.core.tests.factories import (
    CustomerFactory,
    UserFactory,
    make_invoice,
    make_payment,
)
from encaisse.core.tests.test_tenancy import scoped_models
from encaisse.customers.models import Customer
from encaisse.dunning.models import Reminder
from encaisse.dunning.services import dunning_run
from encaisse.dunning.services.policy_edit import PolicyData, StepData, policy_save
from encaisse.invoicing.quotes import services as quotes
from encaisse.invoicing.services import LineData, invoice_credit
from encaisse.payments.bank import bank_import
from encaisse.payments.models import BankLine, MatchProposal

MARKER = "zorglub"  # in every identifying string of the other company (compared lowercased)

# Namespaces whose routes this sweep leaves out, and why.
NOT_STAFF = {
    "admin": "Django's admin is for superusers and has no company of its own",
    "api": "swept from the OpenAPI schema by test_another_companys_row_is_a_404_in_the_api",
}
ID_NAME = re.compile(r"^(pk|id|\w+_id)$")


# --- the other company's rows -----------------------------------------------------------------


def their_customer(company: Company) -> Customer:
    n = Customer.objects.filter(company=company).count() + 1
    return CustomerFactory.create(
        company=company,
        name="Zorglub Garage SARL",
        reference=f"ZORGLUB{n}",
        email="compta@zorglub.example.test",
    )


def their_invoice(company: Company) -> models.Model:
    return make_invoice(company=company, customer=their_customer(company), amount="100.00")


def their_credit_note(company: Company) -> models.Model:
    invoice = their_invoice(company)
    return invoice_credit(company=company, invoice_id=invoice.pk, actor=None, on=date(2025, 2, 1))


def their_payment(company: Company) -> models.Model:
    return make_payment(
        company=company, customer=their_customer(company), amount="80.00", reference="ZORGLUB VIR"
    )


def their_allocation(company: Company) -> models.Model:
    invoice = their_invoice(company)
    payment = make_payment(
        company=company,
        customer=invoice.customer,
        amount="80.00",
        allocate_to={invoice.pk: Decimal("50.00")},
    )
    return payment.allocations.get()


def their_quote(company: Company) -> models.Model:
    draft = quotes.quote_draft_create(
        company=company,
        customer=their_customer(company),
        lines=[LineData("Zorglub conseil", Decimal(1), Decimal("350.00"), Decimal("0.20"))],
        actor=None,
    )
    return quotes.quote_issue(company=company, quote_id=draft.pk, actor=None, on=date(2025, 3, 3))


def their_reminder(company: Company) -> models.Model:
    make_invoice(
        company=company, customer=their_customer(company), issued_on=date(2025, 4, 15)
    )  # due 15 May 2025
    dunning_run(company=company, on=date(2025, 5, 16))
    return Reminder.objects.filter(company=company).latest("pk")


def their_policy(company: Company) -> models.Model:
    step = StepData(
        name="Zorglub douce", offset_days=3, channels=("email",), template_key="reminder_1"
    )
    return policy_save(
        company=company, actor=None, data=PolicyData(name="Zorglub sensibles", steps=(step,))
    )


def their_step(company: Company) -> models.Model:
    return their_policy(company).steps.get()  # type: ignore[attr-defined]  # related manager


def their_bank_line(
    company: Company, label: str = "VIR ZORGLUB", payer: str = "ZORGLUB"
) -> BankLine:
    csv = f"Date;Libellé;Montant;Tiers\n03/03/2025;{label};500,00;{payer}\n"
    bank_import(
        company=company,
        content=csv.encode("latin-1"),
        filename="zorglub.csv",
        actor=None,
        on=date(2025, 3, 5),
    )
    return BankLine.objects.filter(company=company).latest("pk")


def their_match_proposal(company: Company) -> models.Model:
    # an open invoice of the same amount, paid under a payer name too far to match it at once
    make_invoice(company=company, customer=their_customer(company), amount="500.00", vat_rate="0")
    return MatchProposal.objects.get(line=their_bank_line(company, "VIREMENT", "GL AUTO"))


def their_token(company: Company) -> models.Model:
    member = Membership.objects.filter(company=company).select_related("user").first()
    if member is None:
        member = Membership.objects.create(
            company=company, user=UserFactory.create(username="zorglub-owner"), role="owner"
        )
    token, _raw = ApiToken.issue(company=company, user=member.user, name="Zorglub ERP")
    return token


# What an id refers to, by the segment before `pk` or the stem of `<stem>_id` (singular, "_").
BUILDERS: dict[str, Callable[[Company], models.Model]] = {
    "customer": their_customer,
    "invoice": their_invoice,
    "credit_note": their_credit_note,
    "payment": their_payment,
    "allocation": their_allocation,
    "quote": their_quote,
    "reminder": their_reminder,
    "policy": their_policy,
    "step": their_step,
    "line": their_bank_line,  # bank statement lines
    "proposal": their_match_proposal,
    "token": their_token,  # API tokens (settings)
}


# --- routes and operations --------------------------------------------------------------------


def singular(segment: str) -> str:
    """
    >>> [singular(s) for s in ("invoices", "policies", "credit-notes", "customer")]
    ['invoice', 'policy', 'credit_note', 'customer']
    """
    key = segment.replace("-", "_")
    if key.endswith("ies"):
        return key[:-3] + "y"
    return key.removesuffix("s")


def model_key(path: str, name: str) -> str:
    """Which BUILDERS key an id names: `<stem>_id` -> stem, `pk` -> the segment before it.

    >>> model_key("lines/<int:pk>/accept/<int:proposal_id>/", "pk")
    'line'
    >>> model_key("/api/v1/credit-notes/{credit_note_id}", "credit_note_id")
    'credit_note'
    """
    if name.endswith("_id"):
        return name.removesuffix("_id")
    segments = [s for s in path.split("/") if s]
    index = next(i for i, s in enumerate(segments) if re.search(rf"[<{{:]{name}[>}}]", s))
    return singular(segments[index - 1]) if index else name


@dataclass(frozen=True)
class IdRoute:
    """A named staff route whose URL carries ids, each with the BUILDERS key it refers to."""

    name: str
    path: str
    ids: tuple[tuple[str, str], ...]  # (kwarg, key)

    def __str__(self) -> str:
        return self.name


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = "", converters: dict | None = None
) -> Iterator[tuple[str, str, dict[str, Any], URLPattern]]:
    """(full name, full route, converters by kwarg, pattern) for every pattern, through includes."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        found |= {g: None for g in entry.pattern.regex.groupindex if g not in found}
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner, found)
        else:
            yield f"{namespace}:{entry.name}".lstrip(":"), route, found, entry


def staff_id_routes() -> list[IdRoute]:
    routes = []
    for name, path, converters, _pattern in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in NOT_STAFF:
            continue
        ids = tuple(
            (kwarg, model_key(path, kwarg))
            for kwarg, converter in converters.items()
            if ID_NAME.match(kwarg) or isinstance(converter, IntConverter)
        )
        if ids:
            routes.append(IdRoute(name, path, ids))
    return routes


STAFF_ROUTES = staff_id_routes()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # with {name} placeholders
    ids: tuple[tuple[str, str], ...]
    body: Any

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """The smallest value a JSON schema accepts: required properties only, first enum value.

    >>> example({"type": "object", "required": ["on"], "properties": {
    ...     "on": {"type": "string", "format": "date"}, "note": {"type": "string"}}}, {})
    {'on': '2025-03-01'}
    """
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return example(options[0], components) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        props = schema.get("properties", {})
        return {k: example(v, components) for k, v in props.items() if k in required}
    if kind == "array":
        return [example(schema["items"], components)] * schema.get("minItems", 0)
    values = {"integer": 1, "number": "1.00", "boolean": False, "null": None}
    if kind == "string":
        return {"date": "2025-03-01", "date-time": "2025-03-01T09:00:00+01:00"}.get(
            schema.get("format", ""), "1"
        )
    if kind in values:
        return values[kind]
    raise AssertionError(f"no example for the schema {schema}: teach `example` this type")


def api_id_operations() -> list[Operation]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            ids = tuple(
                (p["name"], model_key(path, p["name"]))
                for p in operation.get("parameters", [])
                if p["in"] == "path" and ID_NAME.match(p["name"])
            )
            if not ids:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body_schema = content.get("application/json", {}).get("schema")
            body = example(body_schema, components) if body_schema else None
            found.append(Operation(method, path, ids, body))
    return found


API_OPERATIONS = api_id_operations()


# --- what the other company holds, to prove nothing of it changed or showed -------------------


def holdings(company: Company) -> dict[str, list[dict[str, Any]]]:
    """Every row of every company-scoped model of `company`."""
    return {
        model._meta.label: list(
            model._default_manager.filter(company=company).order_by("pk").values()
        )
        for model in scoped_models()
    }


def build(ids: tuple[tuple[str, str], ...], company: Company) -> dict[str, int]:
    kwargs = {}
    for kwarg, key in ids:
        if key not in BUILDERS:
            pytest.fail(
                f"cannot tell which model `{kwarg}` names (key {key!r}): add {key!r} to BUILDERS "
                "in tests/test_isolation_sweep.py with a function building such a row"
            )
        kwargs[kwarg] = BUILDERS[key](company).pk
    return kwargs


def leaks(body: bytes, company: Company) -> list[str]:
    text = body.decode(errors="replace").lower()
    return [m for m in (MARKER, company.siren, company.legal_name.lower()) if m in text]


@pytest.fixture
def zorglub(other_company: Company) -> Company:
    """The other company, every identifying string of it carrying the marker."""
    other_company.legal_name = "Zorglub Industries SAS"
    other_company.invoice_series = "ZORGLUB"
    other_company.credit_note_series = "ZORGLUBAV"
    other_company.quote_series = "ZORGLUBD"
    other_company.save()
    return other_company


# --- the sweeps -------------------------------------------------------------------------------


def test_the_sweeps_find_the_routes_and_operations() -> None:
    # then every kind of id is found, in every area
    names = {r.name for r in STAFF_ROUTES}
    assert {"web:invoice_detail", "payments:bank_accept", "dunning:step_delete"} <= names
    assert "invoicing:quote_convert" in names
    assert {str(o) for o in API_OPERATIONS} >= {
        "DELETE /api/v1/allocations/{allocation_id}",
        "PATCH /api/v1/customers/{customer_id}",
    }
    # and every key of BUILDERS is still used by some route or operation
    used = {key for r in [*STAFF_ROUTES, *API_OPERATIONS] for _kwarg, key in r.ids}
    assert set(BUILDERS) - used == set()


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_another_companys_row_is_a_404_on_every_staff_route(
    owner_client: Client, zorglub: Company, route: IdRoute
) -> None:
    # given rows of the other company for every id of the route
    kwargs = build(route.ids, zorglub)
    url = reverse(route.name, kwargs=kwargs)
    before = holdings(zorglub)

    # when the owner of the first company reads it, then posts to it
    got = owner_client.get(url)
    posted = owner_client.post(url, {})

    # then both are refused as not found (405: the route does not take that method)
    statuses = (got.status_code, posted.status_code)
    assert set(statuses) <= {404, 405}, f"{url}: GET {statuses[0]}, POST {statuses[1]}"
    assert 404 in statuses, url
    # and neither shows any of the other company's data
    assert leaks(got.content, zorglub) == [], url
    assert leaks(posted.content, zorglub) == [], url
    # and nothing of it changed
    assert holdings(zorglub) == before


@pytest.mark.parametrize("operation", API_OPERATIONS, ids=str)
def test_another_companys_row_is_a_404_in_the_api(
    owner: Membership, zorglub: Company, operation: Operation
) -> None:
    # given rows of the other company and a token of the first one
    kwargs = build(operation.ids, zorglub)
    _token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="sweep")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    before = holdings(zorglub)

    # when the operation is called on them
    response = client.generic(
        operation.method.upper(),
        operation.path.format(**kwargs),
        json.dumps(operation.body) if operation.body is not None else "",
        content_type="application/json",
    )

    # then it is not found, shows nothing of the other company and changes nothing
    assert response.status_code == 404, response.content
    assert re.fullmatch(r"not_found|\w+_unknown", response.json()["code"]), response.content
    assert leaks(response.content, zorglub) == []
    assert holdings(zorglub) == before
