"""Reads on payments: what each payment has settled and what is left of it."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet

from encaisse.core.db import money_expr
from encaisse.core.models import Company
from encaisse.core.money import parse_amount
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import sum_subquery, with_open_amount
from encaisse.payments.models import Allocation, BankLine, MatchProposal, Payment


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


# -- bank reconciliation ---------------------------------------------------------------------


OPEN_LINE_STATES = (BankLine.State.UNMATCHED, BankLine.State.PROPOSED)


def bank_line_list(
    company: Company, *, state: str = "open", search: str = ""
) -> QuerySet[BankLine]:
    """Bank lines of the company, oldest first; `state` "open" means unmatched or proposed,
    "all" every line, else one state. `search` looks in label, payer, reference and amount."""
    qs = BankLine.objects.filter(company=company).select_related("payment__customer")
    if state == "open":
        qs = qs.filter(state__in=OPEN_LINE_STATES)
    elif state and state != "all":
        qs = qs.filter(state=state)
    if search:
        text = Q(label__icontains=search) | Q(payer_name__icontains=search)
        text |= Q(reference__icontains=search)
        with contextlib.suppress(ValueError):
            text |= Q(amount=parse_amount(search)) | Q(amount=-parse_amount(search))
        qs = qs.filter(text)
    return qs.prefetch_related(
        Prefetch(
            "proposals",
            queryset=MatchProposal.objects.filter(company=company)
            .select_related("customer")
            .prefetch_related("invoices"),
        )
    ).order_by("booking_date", "id")


def bank_line_get(company: Company, pk: int) -> BankLine:
    """One bank line of the company with its proposals; DoesNotExist for another company's."""
    return bank_line_list(company, state="all").get(pk=pk)


def bank_line_counts(company: Company) -> dict[str, int]:
    """How many lines are in each state."""
    rows = BankLine.objects.filter(company=company).values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}


def bank_invoice_search(
    company: Company, *, search: str = "", customer_id: int | None = None, limit: int = 30
) -> list[Invoice]:
    """Open invoices to match a line by hand: by number, customer name or open amount."""
    qs = with_open_amount(
        Invoice.objects.filter(
            company=company, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
        )
    ).filter(Q(open_amount__gt=0))
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if search:
        condition = Q(number__icontains=search) | Q(customer__name__icontains=search)
        with contextlib.suppress(ValueError):
            condition |= Q(open_amount=parse_amount(search)) | Q(total_amount=parse_amount(search))
        qs = qs.filter(condition)
    elif not customer_id:
        return []
    return list(qs.select_related("customer").order_by("due_date", "id")[:limit])
