"""Reads on customers: list with balances, balances as of a date, statement of account (relevé)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Sum

from encaisse.core.db import money_expr, quantized
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import sum_subquery
from encaisse.payments.models import Allocation, Payment

SORTS = {
    "name": "name",
    "-name": "-name",
    "reference": "reference",
    "balance": "balance",
    "-balance": "-balance",
    "city": "city",
}


def customer_list(
    company: Company,
    *,
    search: str = "",
    with_balance_only: bool = False,
    owner_id: int | None = None,
    sort: str = "name",
) -> QuerySet[Customer]:
    """Customers with their balance (invoices − credit notes − payments), searchable, sortable."""
    issued = Invoice.objects.filter(customer=OuterRef("pk"), status=Invoice.Status.ISSUED)
    qs = Customer.objects.filter(company=company).annotate(
        invoiced=sum_subquery(issued.filter(kind=Invoice.Kind.INVOICE), "customer", "total_amount"),
        credited=sum_subquery(
            issued.filter(kind=Invoice.Kind.CREDIT_NOTE), "customer", "total_amount"
        ),
        received=sum_subquery(
            Payment.objects.filter(customer=OuterRef("pk")), "customer", "amount"
        ),
    )
    qs = qs.annotate(  # type: ignore[no-redef]  # declared on the model for readers
        balance=money_expr(F("invoiced") - F("credited") - F("received"))
    )
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(reference__icontains=search)
            | Q(siren__startswith=search.replace(" ", ""))
            | Q(city__icontains=search)
        )
    if with_balance_only:
        qs = qs.filter(Q(balance__gt=0))
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs.order_by(SORTS.get(sort, "name"), "pk")


@dataclass(frozen=True, slots=True)
class BalanceRow:
    customer_id: int
    customer: str
    reference: str
    invoiced: Decimal
    open_amount: Decimal  # what is left to pay on the customer's invoices
    unapplied_credit: Decimal  # payments and credit notes not set against an invoice
    balance: Decimal  # open_amount - unapplied_credit


def customer_balances(
    company: Company, *, as_of: date, only_nonzero: bool = True
) -> list[BalanceRow]:
    """Each customer's position as of a date, in a fixed number of grouped queries."""
    invoices = Invoice.objects.filter(
        company=company, status=Invoice.Status.ISSUED, issue_date__lte=as_of
    )
    invoiced = _grouped(invoices.filter(kind=Invoice.Kind.INVOICE), "customer", "total_amount")
    credited = _grouped(invoices.filter(kind=Invoice.Kind.CREDIT_NOTE), "customer", "total_amount")
    credited_linked = _grouped(
        invoices.filter(kind=Invoice.Kind.CREDIT_NOTE, credited_invoice__issue_date__lte=as_of),
        "customer",
        "total_amount",
    )
    received = _grouped(
        Payment.objects.filter(company=company, received_on__lte=as_of), "customer", "amount"
    )
    allocated = _grouped(
        Allocation.objects.filter(
            company=company, payment__received_on__lte=as_of, invoice__issue_date__lte=as_of
        ),
        "invoice__customer",
        "amount",
    )
    ids = set(invoiced) | set(credited) | set(received)
    customers = Customer.objects.filter(company=company, pk__in=ids).values_list(
        "pk", "name", "reference"
    )
    rows = []
    for pk, name, reference in customers:
        open_amount = (
            invoiced.get(pk, ZERO) - credited_linked.get(pk, ZERO) - allocated.get(pk, ZERO)
        )
        balance = invoiced.get(pk, ZERO) - credited.get(pk, ZERO) - received.get(pk, ZERO)
        if only_nonzero and not open_amount and not balance:
            continue
        rows.append(
            BalanceRow(
                pk,
                name,
                reference,
                invoiced.get(pk, ZERO),
                open_amount,
                open_amount - balance,
                balance,
            )
        )
    rows.sort(key=lambda r: (-r.open_amount, r.customer))
    return rows


def _grouped(qs: QuerySet, group: str, field: str) -> dict[int, Decimal]:
    return {
        key: quantized(total)
        for key, total in qs.order_by().values_list(group).annotate(s=Sum(field))
    }


@dataclass(frozen=True, slots=True)
class StatementLine:
    on: date
    kind: str  # invoice, credit_note, payment
    label: str
    due_date: date | None
    debit: Decimal
    credit: Decimal
    balance: Decimal
    open_amount: Decimal | None  # for invoices: left to pay as of the statement date


@dataclass(frozen=True, slots=True)
class Statement:
    customer: Customer
    date_from: date | None
    as_of: date
    opening_balance: Decimal
    lines: list[StatementLine]
    closing_balance: Decimal
    overdue_amount: Decimal


def customer_statement(
    company: Company, customer: Customer, *, as_of: date, date_from: date | None = None
) -> Statement:
    """Relevé de compte: every movement up to `as_of`, with a running balance."""
    from encaisse.invoicing.selectors import with_open_amount

    movements: list[tuple[date, int, str, str, date | None, Decimal, Decimal, Decimal | None]] = []
    invoices = with_open_amount(
        Invoice.objects.filter(
            company=company, customer=customer, status=Invoice.Status.ISSUED, issue_date__lte=as_of
        ),
        as_of=as_of,
    )
    for inv in invoices:
        assert inv.issue_date is not None
        if inv.is_credit_note:
            label = inv.number + (
                f" ({inv.credited_invoice.number})" if inv.credited_invoice else ""
            )
            movements.append(
                (inv.issue_date, 1, "credit_note", label, None, ZERO, inv.total_amount, None)
            )
        else:
            movements.append(
                (
                    inv.issue_date,
                    0,
                    "invoice",
                    inv.number,
                    inv.due_date,
                    inv.total_amount,
                    ZERO,
                    inv.open_amount,
                )
            )
    for pay in Payment.objects.filter(company=company, customer=customer, received_on__lte=as_of):
        movements.append(
            (
                pay.received_on,
                2,
                "payment",
                pay.reference or pay.get_method_display(),
                None,
                ZERO,
                pay.amount,
                None,
            )
        )
    movements.sort(key=lambda m: (m[0], m[1], m[3]))
    opening = ZERO
    lines: list[StatementLine] = []
    running = ZERO
    overdue = ZERO
    for on, _order, kind, label, due, debit, credit, open_amount in movements:
        running += debit - credit
        if date_from and on < date_from:
            opening = running
            continue
        lines.append(StatementLine(on, kind, label, due, debit, credit, running, open_amount))
    for inv in invoices:
        if not inv.is_credit_note and inv.due_date and inv.due_date < as_of:
            overdue += max(inv.open_amount, ZERO)
    return Statement(customer, date_from, as_of, opening, lines, running, overdue)
