"""Isolation matrix: every operation against own rows, each role, no token.

Own company -> success, with none of another company's data; accountant writing -> 403; sales
issuing, crediting or handling money -> 403; no or bad token -> 401. A refusal writes nothing.
Another company's row is a 404 on every operation that takes its id: that is swept from the
OpenAPI schema in `tests/test_isolation_sweep.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from encaisse.api.tests.conftest import ClientFor, JsonClient
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.services import credit_note_issue

SECRET_NAME = "Martin Confidentiel SARL"
LINE = {"description": "Conseil", "quantity": "1", "unit_price": "10.00", "vat_rate": "0.20"}


@dataclass(frozen=True)
class World:
    """One company's rows, one of each kind an operation can target."""

    customer: Customer
    invoice: Invoice  # issued, 120.00, 50.00 paid
    draft: Invoice
    credit_note: Invoice
    payment: Payment  # 80.00, 30.00 unallocated
    allocation: Allocation


def build_world(company: Company, name: str) -> World:
    customer = CustomerFactory.create(company=company, name=name)
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    draft = make_invoice(company=company, customer=customer, amount="50.00", issued_on=None)
    credited = make_invoice(company=company, customer=customer, amount="10.00")
    credit_note = credit_note_issue(
        company=company, invoice_id=credited.pk, actor=None, on=date(2025, 2, 1)
    )
    payment = make_payment(
        company=company,
        customer=customer,
        amount="80.00",
        allocate_to={invoice.pk: Decimal("50.00")},
    )
    allocation = Allocation.objects.get(payment=payment)
    return World(customer, invoice, draft, credit_note, payment, allocation)


Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Case:
    name: str
    permission: str  # read | write (not accountant) | money (owner, credit manager)
    success: int
    request: Callable[[World], Request]

    def __str__(self) -> str:
        return self.name


CASES = [
    Case("customers list", "read", 200, lambda w: ("get", "/api/v1/customers", None)),
    Case(
        "customers get", "read", 200, lambda w: ("get", f"/api/v1/customers/{w.customer.pk}", None)
    ),
    Case(
        "customers create",
        "write",
        201,
        lambda w: ("post", "/api/v1/customers", {"name": "Nouveau client"}),
    ),
    Case(
        "customers update",
        "write",
        200,
        lambda w: ("patch", f"/api/v1/customers/{w.customer.pk}", {"city": "Lille"}),
    ),
    Case("invoices list", "read", 200, lambda w: ("get", "/api/v1/invoices", None)),
    Case("invoices get", "read", 200, lambda w: ("get", f"/api/v1/invoices/{w.invoice.pk}", None)),
    Case(
        "invoices create",
        "write",
        201,
        lambda w: ("post", "/api/v1/invoices", {"customer_id": w.customer.pk, "lines": [LINE]}),
    ),
    Case(
        "invoices issue",
        "money",
        200,
        lambda w: ("post", f"/api/v1/invoices/{w.draft.pk}/issue", {}),
    ),
    Case(
        "invoices credit",
        "money",
        201,
        lambda w: ("post", f"/api/v1/invoices/{w.invoice.pk}/credit", {"lines": [LINE]}),
    ),
    Case("credit notes list", "read", 200, lambda w: ("get", "/api/v1/credit-notes", None)),
    Case(
        "credit notes get",
        "read",
        200,
        lambda w: ("get", f"/api/v1/credit-notes/{w.credit_note.pk}", None),
    ),
    Case("payments list", "read", 200, lambda w: ("get", "/api/v1/payments", None)),
    Case("payments get", "read", 200, lambda w: ("get", f"/api/v1/payments/{w.payment.pk}", None)),
    Case(
        "payments create",
        "money",
        201,
        lambda w: (
            "post",
            "/api/v1/payments",
            {"customer_id": w.customer.pk, "amount": "10.00", "received_on": "2025-03-01"},
        ),
    ),
    Case(
        "payments allocate",
        "money",
        201,
        lambda w: (
            "post",
            f"/api/v1/payments/{w.payment.pk}/allocations",
            {"allocations": [{"invoice_id": w.invoice.pk, "amount": "10.00"}]},
        ),
    ),
    Case(
        "allocations delete",
        "money",
        204,
        lambda w: ("delete", f"/api/v1/allocations/{w.allocation.pk}", None),
    ),
]
WRITE_CASES = [c for c in CASES if c.permission != "read"]
MONEY_CASES = [c for c in CASES if c.permission == "money"]


def call(client: Client, request: Request) -> Any:
    method, url, body = request
    if method == "get":
        return client.get(url)
    if method == "delete":
        return client.delete(url)
    return getattr(client, method)(url, body)


def fingerprint(company: Company) -> tuple:
    """Everything an operation could change in a company, to prove it did not."""
    return (
        list(
            Customer.objects.filter(company=company)
            .order_by("pk")
            .values_list("pk", "name", "city", "updated_at")
        ),
        list(
            Invoice.objects.filter(company=company)
            .order_by("pk")
            .values_list("pk", "status", "number", "total_amount")
        ),
        list(Payment.objects.filter(company=company).order_by("pk").values_list("pk", "amount")),
        list(
            Allocation.objects.filter(company=company)
            .order_by("pk")
            .values_list("pk", "invoice_id", "amount")
        ),
    )


@pytest.fixture
def mine(company: Company) -> World:
    return build_world(company, "Dupont SA")


@pytest.fixture
def theirs(other_company: Company) -> World:
    return build_world(other_company, SECRET_NAME)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_own_company_succeeds(api: Client, mine: World, theirs: World, case: Case) -> None:
    # when
    response = call(api, case.request(mine))

    # then
    assert response.status_code == case.success, response.content
    assert SECRET_NAME not in response.content.decode()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_accountant_reads_but_never_writes(
    accountant: Membership, client_for: ClientFor, mine: World, company: Company, case: Case
) -> None:
    # given
    before = fingerprint(company)

    # when
    response = call(client_for(accountant), case.request(mine))

    # then
    if case.permission == "read":
        assert response.status_code == 200
    else:
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "permission_denied"
        assert fingerprint(company) == before


@pytest.mark.parametrize("case", CASES, ids=str)
def test_sales_drafts_but_never_handles_money(
    sales: Membership, client_for: ClientFor, mine: World, company: Company, case: Case
) -> None:
    # given
    before = fingerprint(company)

    # when
    response = call(client_for(sales), case.request(mine))

    # then
    if case.permission == "money":
        assert response.status_code == 403, response.content
        assert fingerprint(company) == before
    else:
        assert response.status_code == case.success, response.content


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer enc_revoked-or-invented"}],
    ids=["no token", "bad token"],
)
def test_without_a_valid_token_nothing_is_read_or_written(
    mine: World, company: Company, case: Case, headers: dict[str, str]
) -> None:
    # given
    before = fingerprint(company)

    # when
    response = call(JsonClient(headers=headers), case.request(mine))

    # then
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "Dupont" not in response.content.decode()
    assert fingerprint(company) == before
