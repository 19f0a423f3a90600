"""Reads on invoices: today's open amounts from the stored settlement (ADR 4)."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Func, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from encaisse.core.db import MONEY, ZERO_VALUE, money_expr
from encaisse.core.models import Company
from encaisse.invoicing.models import Invoice, stored_open_amount


def sum_subquery(qs: QuerySet, group: str, field: str) -> Func:
    """Sum of `field` over `qs` grouped by `group` (an OuterRef filter), zero when empty."""
    return money_expr(
        Coalesce(
            Subquery(qs.values(group).annotate(s=Sum(field)).values("s")[:1], output_field=MONEY),
            ZERO_VALUE,
            output_field=MONEY,
        )
    )


def credited_sum() -> Func:
    """What the issued credit notes of the outer invoice credit (its stored `credited_total`)."""
    credits = Invoice.objects.filter(
        credited_invoice=OuterRef("pk"),
        kind=Invoice.Kind.CREDIT_NOTE,
        status=Invoice.Status.ISSUED,
    )
    return sum_subquery(credits, "credited_invoice", "total_amount")


def with_open_amount(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate paid_amount, credited_amount and open_amount from the settlement stored on the
    invoice (`payments.settlement`): today's. At a past date, read `ledger.positions`."""
    # The model declares these attributes for readers; the plugin sees them as redefined.
    return qs.annotate(  # type: ignore[no-redef]
        paid_amount=F("paid_total"),
        credited_amount=F("credited_total"),
        open_amount=stored_open_amount(),
    )


def invoice_list(
    company: Company,
    *,
    status: str | None = None,
    customer_id: int | None = None,
    overdue_on: date | None = None,
    open_only: bool = False,
    issued_from: date | None = None,
    issued_to: date | None = None,
    kind: str | None = Invoice.Kind.INVOICE,
    search: str = "",
    due_from: date | None = None,
    due_to: date | None = None,
) -> QuerySet[Invoice]:
    """Invoices of a company with filters; `status` also accepts the derived 'open' and 'paid'."""
    qs = with_open_amount(Invoice.objects.filter(company=company)).select_related("customer")
    if kind:
        qs = qs.filter(kind=kind)
    if status in ("open", "paid"):
        qs = qs.filter(status=Invoice.Status.ISSUED)
        qs = (
            qs.filter(Q(open_amount__gt=0))
            if status == "open"
            else qs.filter(Q(open_amount__lte=0))
        )
    elif status:
        qs = qs.filter(status=status)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if open_only:
        qs = qs.filter(Q(open_amount__gt=0), status=Invoice.Status.ISSUED)
    if overdue_on:
        qs = qs.filter(Q(open_amount__gt=0), status=Invoice.Status.ISSUED, due_date__lt=overdue_on)
    if issued_from:
        qs = qs.filter(issue_date__gte=issued_from)
    if issued_to:
        qs = qs.filter(issue_date__lte=issued_to)
    if search:
        qs = qs.filter(Q(number__icontains=search) | Q(customer__name__icontains=search))
    if due_from:
        qs = qs.filter(due_date__gte=due_from)
    if due_to:
        qs = qs.filter(due_date__lte=due_to)
    return qs


def invoice_open_list(company: Company, *, customer_id: int) -> QuerySet[Invoice]:
    """Issued invoices of a customer with something left to pay, oldest due first."""
    return (
        with_open_amount(
            Invoice.objects.filter(
                company=company,
                customer_id=customer_id,
                kind=Invoice.Kind.INVOICE,
                status=Invoice.Status.ISSUED,
            ),
        )
        .filter(Q(open_amount__gt=0))
        .order_by("due_date", "issue_date", "id")
    )


def invoice_get(company: Company, pk: int) -> Invoice:
    """One invoice of the company with its open amount; DoesNotExist for another company's."""
    return with_open_amount(
        Invoice.objects.filter(company=company).select_related("customer", "credited_invoice")
    ).get(pk=pk)
