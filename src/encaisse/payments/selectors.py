"""Reads on payments: what each payment has settled and what is left of it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, Q, QuerySet

from encaisse.core.db import money_expr
from encaisse.core.models import Company
from encaisse.invoicing.selectors import sum_subquery
from encaisse.payments.models import Allocation, Payment


def payment_list(
    company: Company,
    *,
    customer_id: int | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    unallocated_only: bool = False,
) -> QuerySet[Payment]:
    """Payments with `allocated_amount` and `unallocated_amount`, newest first."""
    allocations = Allocation.objects.filter(payment=OuterRef("pk"))
    qs = (
        Payment.objects.filter(company=company)
        .select_related("customer")
        .annotate(allocated_amount=sum_subquery(allocations, "payment", "amount"))
        .annotate(unallocated_amount=money_expr(F("amount") - F("allocated_amount")))
    )
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    if unallocated_only:
        qs = qs.filter(Q(unallocated_amount__gt=Decimal(0)))
    return qs.order_by("-received_on", "-id")


def payment_get(company: Company, pk: int) -> Payment:
    """One payment of the company with its allocations; DoesNotExist for another company's."""
    return (
        payment_list(company)
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.filter(company=company).select_related("invoice"),
            )
        )
        .get(pk=pk)
    )
