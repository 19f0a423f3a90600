"""/api/v1/payments and /api/v1/allocations: record payments, allocate them (lettrage), undo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from encaisse.api.auth import money_manager, principal
from encaisse.api.errors import documented
from encaisse.api.fields import (
    AmountIn,
    Currency,
    Day,
    DayFilter,
    Id,
    Money,
    Page,
    PageQuery,
    Str140,
    rule_broken,
)
from encaisse.core.exceptions import DomainError, ErrorKind
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.selectors import payment_get, payment_list
from encaisse.payments.services import (
    allocation_undo,
    payment_allocate,
    payment_allocate_oldest_first,
    payment_record,
)

router = Router(tags=["payments"])

MAX_ALLOCATIONS = 1000
Method = Literal["transfer", "direct_debit", "check", "card", "cash", "other"]


class PaymentFilters(PageQuery):
    customer_id: Id | None = None
    received_from: DayFilter | None = None
    received_to: DayFilter | None = None


class PaymentOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    amount: Money
    currency: str
    received_on: date
    method: str
    reference: str
    allocated_amount: Money
    unallocated_amount: Money

    @staticmethod
    def resolve_customer_name(obj: Payment) -> str:
        return obj.customer.name


class AllocationOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    amount: Money
    created_at: datetime

    @staticmethod
    def resolve_invoice_number(obj: Allocation) -> str:
        return obj.invoice.number


class PaymentDetailOut(PaymentOut):
    notes: str
    created_at: datetime
    allocations: list[AllocationOut]


class AllocationIn(Schema):
    invoice_id: Id
    amount: AmountIn


def _distinct_invoices(value: Sequence[AllocationIn] | None) -> Sequence[AllocationIn] | None:
    if value is not None:
        ids = [a.invoice_id for a in value]
        if len(ids) != len(set(ids)):
            raise rule_broken("invoice_repeated", "each invoice may appear only once")
    return value


class PaymentIn(Schema):
    customer_id: Id
    amount: AmountIn
    received_on: Day
    method: Method = "transfer"
    reference: Str140 = ""
    currency: Currency = "EUR"
    allocations: list[AllocationIn] | None = Field(
        None,
        max_length=MAX_ALLOCATIONS,
        description="invoices to settle; without them the oldest open invoices are settled first",
    )

    _check_allocations = field_validator("allocations")(_distinct_invoices)


class AllocateIn(Schema):
    allocations: list[AllocationIn] = Field(
        default_factory=list,
        max_length=MAX_ALLOCATIONS,
        description="empty: spread what is left over the oldest open invoices",
    )

    _check_allocations = field_validator("allocations")(_distinct_invoices)


def _amounts(allocations: Sequence[AllocationIn]) -> dict[int, Decimal]:
    return {a.invoice_id: a.amount for a in allocations}


@router.get("/payments", response={200: Page[PaymentOut], **documented()})
def payments_list(request: HttpRequest, filters: Query[PaymentFilters]) -> dict[str, Any]:
    company = principal(request).company
    qs = payment_list(
        company,
        customer_id=filters.customer_id,
        received_from=filters.received_from,
        received_to=filters.received_to,
    )
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/payments/{payment_id}", response={200: PaymentDetailOut, **documented(ErrorKind.NOT_FOUND)}
)
def payments_get(request: HttpRequest, payment_id: Id) -> Payment:
    return payment_get(principal(request).company, payment_id)


@router.post(
    "/payments",
    response={
        201: PaymentDetailOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def payments_create(request: HttpRequest, payload: PaymentIn) -> Status[Payment]:
    """Record money received and allocate it: to the invoices given, or oldest due first."""
    caller = money_manager(request)
    customer = Customer.objects.filter(company=caller.company, pk=payload.customer_id).first()
    if customer is None:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    payment = payment_record(
        company=caller.company,
        customer=customer,
        amount=payload.amount,
        received_on=payload.received_on,
        actor=caller.user,
        method=payload.method,
        reference=payload.reference,
        currency=payload.currency,
        allocate_to=_amounts(payload.allocations) if payload.allocations else None,
        source="api",
    )
    return Status(201, payment_get(caller.company, payment.pk))


@router.post(
    "/payments/{payment_id}/allocations",
    response={
        201: PaymentDetailOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def payments_allocate(
    request: HttpRequest, payment_id: Id, payload: AllocateIn | None = None
) -> Status[Payment]:
    """Allocate what is left of a payment to invoices of its customer."""
    caller = money_manager(request)
    payment = get_for_company_or_404(Payment, company=caller.company, pk=payment_id)
    allocations = payload.allocations if payload else []
    if allocations:
        payment_allocate(
            company=caller.company,
            payment_id=payment.pk,
            amounts=_amounts(allocations),
            actor=caller.user,
        )
    else:
        payment_allocate_oldest_first(
            company=caller.company, payment_id=payment.pk, actor=caller.user
        )
    return Status(201, payment_get(caller.company, payment.pk))


@router.delete(
    "/allocations/{allocation_id}",
    response={204: None, **documented(ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND, write=True)},
)
def allocations_delete(request: HttpRequest, allocation_id: Id) -> Status[None]:
    """Undo an allocation: the invoice is open again and the money unallocated."""
    caller = money_manager(request)
    allocation = get_for_company_or_404(Allocation, company=caller.company, pk=allocation_id)
    allocation_undo(company=caller.company, allocation_id=allocation.pk, actor=caller.user)
    return Status(204, None)
