"""Positions: what customers owe at a date (encours client), the one read model of it.

Every screen, export, report and KPI that needs an open amount or a balance reads it here.

- An **open item** is an issued invoice with something left to pay at `on`: its total − the
  allocations of payments received by `on` − the linked credit notes issued by `on`. It never
  goes below zero (allocations and credit notes never exceed the invoice's total).
- The **balance** at `on` (solde) is everything dated up to `on`: invoices − credit notes −
  payments, allocated or not.
- **Unapplied credit** is what the open items exceed the balance by: payments not allocated
  and credit notes citing no invoice. **Overdue** is the open amount of the items due before
  `on`; **exposure** is the balance when the customer owes something.
- The **statement of account** (relevé) lists the movements with a running balance.

Every function takes the company first, and serves one customer (`customer_id`) or all of
them in a fixed number of grouped queries: no query per customer or per invoice.

When nothing was received or credited after `on` (today, usually), the settlement stored on
invoices (ADR 4) gives open amounts in one scan of the invoices, through the partial index of
open invoices; otherwise they are derived from the dated allocations and credit notes. Money
summed in SQL goes through `money_expr` (SQLite sums decimals as floats).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth

from encaisse.core.db import ZERO_VALUE, money_expr, quantized
from encaisse.core.models import Company
from encaisse.core.money import ZERO, quantize
from encaisse.customers.models import Customer
from encaisse.customers.selectors import customer_search
from encaisse.invoicing.models import Invoice, stored_open_amount
from encaisse.invoicing.selectors import sum_subquery
from encaisse.ledger import accounts
from encaisse.ledger.accounts import Movement, StatementLine
from encaisse.payments.models import Allocation, Payment

INVOICE, CREDIT_NOTE = Invoice.Kind.INVOICE, Invoice.Kind.CREDIT_NOTE
ISSUED = Invoice.Status.ISSUED

# --- the rows that make up a position --------------------------------------------------------


def issued_invoices(company: Company) -> QuerySet[Invoice]:
    return Invoice.objects.filter(company=company, kind=INVOICE, status=ISSUED)


def invoice_allocations(company: Company) -> QuerySet[Allocation]:
    """Allocations to issued invoices (what payments settled of them)."""
    return Allocation.objects.filter(company=company, invoice__kind=INVOICE, invoice__status=ISSUED)


def linked_credit_notes(company: Company) -> QuerySet[Invoice]:
    """Issued credit notes linked to an issued invoice (those settle part of it)."""
    return Invoice.objects.filter(
        company=company,
        kind=CREDIT_NOTE,
        status=ISSUED,
        credited_invoice__isnull=False,
        credited_invoice__kind=INVOICE,
        credited_invoice__status=ISSUED,
    )


def _allocations_until(company: Company, on: date) -> QuerySet[Allocation]:
    """Allocations of payments received by `on`. Usually no payment is dated later (`on` is
    today), and the join to payments, the costliest part of the scan, is then left out."""
    allocations = invoice_allocations(company)
    if Payment.objects.filter(company=company, received_on__gt=on).exists():
        allocations = allocations.filter(payment__received_on__lte=on)
    return allocations


def _stored_settlement_holds(company: Company, on: date) -> bool:
    """Whether what settled each invoice by `on` is what it stores (ADR 4): yes unless a
    payment was received or a linked credit note issued after `on`, which is rare when `on`
    is today. Open amounts then read one table instead of joining three."""
    later_payment = Payment.objects.filter(company=company, received_on__gt=on)
    return not (
        later_payment.exists() or linked_credit_notes(company).filter(issue_date__gt=on).exists()
    )


def _open_invoices(company: Company, on: date) -> QuerySet[Invoice]:
    """The issued invoices open at `on` by their stored settlement, through the partial index
    of open invoices (it is defined by the same expression)."""
    return (
        issued_invoices(company)
        .alias(stored_open=stored_open_amount())
        .filter(stored_open__gt=0, issue_date__lte=on)
    )


def _for_customer(qs: QuerySet[Any], prefix: str, customer_id: int | None) -> QuerySet[Any]:
    return qs if customer_id is None else qs.filter(**{f"{prefix}customer_id": customer_id})


# --- open items ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenItem:
    invoice_id: int
    customer_id: int
    number: str
    issue_date: date
    due_date: date
    total_amount: Decimal
    open_amount: Decimal


def open_items(
    company: Company, *, on: date, customer_id: int | None = None, open_only: bool = True
) -> list[OpenItem]:
    """Each invoice issued by `on` with its open amount at `on`: only those left to pay, or
    all of them (`open_only=False`, for a statement). Unordered.

    One grouped query keeps the invoices whose payments up to `on` leave something to pay
    (a join and GROUP BY, no query per invoice); linked credit notes, few, come apart."""
    fields = ("pk", "customer_id", "number", "issue_date", "due_date", "total_amount")
    if _stored_settlement_holds(company, on):
        stored = (
            _open_invoices(company, on)
            if open_only
            else issued_invoices(company).filter(issue_date__lte=on)
        )
        rows = (
            _for_customer(stored, "", customer_id)
            .annotate(stored=stored_open_amount())
            .values_list(*fields, "stored")
            .order_by()
        )
        return [
            OpenItem(pk, cid, number, issued, due, quantize(total), amount)
            for pk, cid, number, issued, due, total, amount in rows
        ]
    credited: dict[int, Decimal] = {
        invoice_id: quantized(total)
        for invoice_id, total in _for_customer(
            linked_credit_notes(company), "credited_invoice__", customer_id
        )
        .filter(issue_date__lte=on, credited_invoice__issue_date__lte=on)
        .values_list("credited_invoice_id")
        .annotate(s=money_expr(Sum("total_amount")))
        .order_by()
    }
    candidates = (
        _for_customer(issued_invoices(company), "", customer_id)
        .filter(issue_date__lte=on)
        .values_list(*fields)
        .annotate(
            paid=money_expr(
                Coalesce(
                    Sum(
                        "allocations__amount",
                        filter=Q(allocations__payment__received_on__lte=on),
                    ),
                    ZERO_VALUE,
                )
            )
        )
        .order_by()
    )
    if open_only:
        candidates = candidates.filter(total_amount__gt=F("paid"))
    items = []
    for pk, cid, number, issued, due, total, paid in candidates:
        open_amount = quantize(total) - paid - credited.get(pk, ZERO)
        if open_amount > 0 or not open_only:
            items.append(OpenItem(pk, cid, number, issued, due, quantize(total), open_amount))
    return items


def open_sums(
    company: Company,
    *,
    on: date,
    group: Callable[[str], Any],
    customer_id: int | None = None,
) -> dict[tuple[int, Any], Decimal]:
    """Σ open amount at `on` by (customer, `group`), `group` a function of the invoice's
    field prefix ("" for the invoice itself) giving an expression (an aging bucket, say).

    Summed in the database, one scan of the stored settlement, or three grouped scans
    (Σ totals − Σ allocations − Σ linked credit notes), each in one pass."""
    sources: list[tuple[QuerySet[Any], str, str | Func, int]]
    if _stored_settlement_holds(company, on):
        sources = [(_open_invoices(company, on), "", stored_open_amount(), 1)]
    else:
        sources = [
            (issued_invoices(company).filter(issue_date__lte=on), "", "total_amount", 1),
            (
                _allocations_until(company, on).filter(invoice__issue_date__lte=on),
                "invoice__",
                "amount",
                -1,
            ),
            (
                linked_credit_notes(company).filter(
                    issue_date__lte=on, credited_invoice__issue_date__lte=on
                ),
                "credited_invoice__",
                "total_amount",
                -1,
            ),
        ]
    result: dict[tuple[int, Any], Decimal] = defaultdict(lambda: ZERO)
    group_name = "position_group"
    for qs, prefix, field, sign in sources:
        rows = (
            _for_customer(qs, prefix, customer_id)
            .annotate(**{group_name: group(prefix)})
            .values_list(f"{prefix}customer_id", group_name)
            .annotate(s=money_expr(Sum(field)))
            .order_by()
        )
        for cid, key, total in rows:
            result[(cid, key)] += sign * quantized(total)
    return result


def open_by_customer(company: Company, *, on: date) -> dict[int, Decimal]:
    """Σ open amount at `on` per customer (the customers with invoices issued by `on`)."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (cid, _key), value in open_sums(company, on=on, group=lambda p: Value(1)).items():
        totals[cid] += value
    return dict(totals)


def open_totals_at(company: Company, ends: Sequence[date]) -> list[Decimal]:
    """Σ open amount of the whole ledger at each of `ends` (month ends, ascending), from
    cumulative monthly sums: billed by issue month, receipts by the month of max(receipt
    date, issue date). Three grouped queries whatever the number of dates; each date must be
    the last day of its month."""
    last = ends[-1]
    deltas: dict[date, Decimal] = defaultdict(lambda: ZERO)
    sources: list[tuple[QuerySet[Any], Any, str, int]] = [
        (
            issued_invoices(company).filter(issue_date__lte=last),
            F("issue_date"),
            "total_amount",
            1,
        ),
        (
            invoice_allocations(company).filter(
                invoice__issue_date__lte=last, payment__received_on__lte=last
            ),
            Greatest("invoice__issue_date", "payment__received_on", output_field=DateField()),
            "amount",
            -1,
        ),
        (
            linked_credit_notes(company).filter(
                issue_date__lte=last, credited_invoice__issue_date__lte=last
            ),
            Greatest("issue_date", "credited_invoice__issue_date", output_field=DateField()),
            "total_amount",
            -1,
        ),
    ]
    for qs, when, field, sign in sources:
        rows = (
            qs.annotate(effective=when)
            .annotate(month=TruncMonth("effective", output_field=DateField()))
            .values_list("month")
            .annotate(s=money_expr(Sum(field)))
            .order_by()
        )
        for month, total in rows:
            deltas[_as_date(month).replace(day=1)] += sign * quantized(total)
    return [sum((v for m, v in deltas.items() if m <= end), ZERO) for end in ends]


def _as_date(value: Any) -> date:
    if isinstance(value, str):  # SQLite returns some date expressions as text
        return date.fromisoformat(value)
    return value if isinstance(value, date) else value.date()


# --- balances --------------------------------------------------------------------------------


def _movements(company: Company, on: date | None) -> dict[str, tuple[QuerySet[Any], str]]:
    """What moves a balance, dated up to `on` (everything when None): invoices add, credit
    notes and payments subtract. Name -> (rows, amount field)."""
    documents = Invoice.objects.filter(company=company, status=ISSUED)
    payments = Payment.objects.filter(company=company)
    if on is not None:
        documents = documents.filter(issue_date__lte=on)
        payments = payments.filter(received_on__lte=on)
    return {
        "invoiced": (documents.filter(kind=INVOICE), "total_amount"),
        "credited": (documents.filter(kind=CREDIT_NOTE), "total_amount"),
        "received": (payments, "amount"),
    }


def _balance(invoiced: Any, credited: Any, received: Any) -> Any:
    """The balance from its three sums, as Decimals or as SQL expressions."""
    return invoiced - credited - received


def _movement_sums(
    company: Company, *, on: date | None, customer_id: int | None
) -> dict[str, dict[int, Decimal]]:
    """Each of `_movements` summed per customer, one grouped query each."""
    return {
        name: {
            cid: quantized(total)
            for cid, total in _for_customer(qs, "", customer_id)
            .order_by()
            .values_list("customer_id")
            .annotate(s=money_expr(Sum(field)))
        }
        for name, (qs, field) in _movements(company, on).items()
    }


def balances_at(
    company: Company, *, on: date, customer_id: int | None = None
) -> dict[int, Decimal]:
    """Balance at `on` of each customer with an invoice, credit note or payment dated by then."""
    sums = _movement_sums(company, on=on, customer_id=customer_id)
    ids = set().union(*sums.values())
    return {
        pk: _balance(*(sums[name].get(pk, ZERO) for name in ("invoiced", "credited", "received")))
        for pk in ids
    }


def with_balance(company: Company, qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """Annotate each customer's balance of everything issued and received (`balance`), as a
    column that lists can filter, sort and page on."""
    sums = {
        name: sum_subquery(rows.filter(customer=OuterRef("pk")), "customer", field)
        for name, (rows, field) in _movements(company, None).items()
    }
    return qs.annotate(**sums).annotate(  # type: ignore[no-redef]  # declared on the model
        balance=money_expr(_balance(F("invoiced"), F("credited"), F("received")))
    )


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
    qs = with_balance(company, customer_search(company, search=search, owner_id=owner_id))
    if with_balance_only:
        qs = qs.filter(Q(balance__gt=0))
    return qs.order_by(SORTS.get(sort, "name"), "pk")


@dataclass(frozen=True, slots=True)
class Position:
    """A customer's position at a date."""

    customer_id: int
    customer: str
    reference: str
    invoiced: Decimal
    open_amount: Decimal  # what is left to pay on the customer's invoices
    unapplied_credit: Decimal  # payments and credit notes not set against an invoice
    balance: Decimal  # open_amount - unapplied_credit
    overdue_amount: Decimal  # open amount of the invoices due before the date

    @property
    def exposure(self) -> Decimal:
        return accounts.exposure(self.balance)


def customer_balances(
    company: Company, *, as_of: date, only_nonzero: bool = True, customer_id: int | None = None
) -> list[Position]:
    """Each customer's position at `as_of` (those with something open or a balance, unless
    `only_nonzero` is False), largest open amount first; a fixed number of grouped queries."""
    sums = _movement_sums(company, on=as_of, customer_id=customer_id)
    invoiced = sums["invoiced"]
    open_amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
    overdue_amounts: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (cid, key), value in open_sums(
        company,
        on=as_of,
        group=lambda p: Case(
            When(**{f"{p}due_date__lt": as_of}, then=Value("overdue")),
            default=Value("not_due"),
            output_field=CharField(),
        ),
        customer_id=customer_id,
    ).items():
        open_amounts[cid] += value
        if key == "overdue":
            overdue_amounts[cid] += value
    ids = set().union(*sums.values())
    customers = Customer.objects.filter(company=company, pk__in=ids).values_list(
        "pk", "name", "reference"
    )
    rows = []
    for pk, name, reference in customers:
        open_amount = open_amounts.get(pk, ZERO)
        balance = _balance(
            *(sums[name].get(pk, ZERO) for name in ("invoiced", "credited", "received"))
        )
        if only_nonzero and not open_amount and not balance:
            continue
        rows.append(
            Position(
                pk,
                name,
                reference,
                invoiced.get(pk, ZERO),
                open_amount,
                accounts.unapplied_credit(open_amount=open_amount, balance=balance),
                balance,
                overdue_amounts.get(pk, ZERO),
            )
        )
    rows.sort(key=lambda r: (-r.open_amount, r.customer))
    return rows


def customer_position(company: Company, customer: Customer, *, as_of: date) -> Position:
    """One customer's position at `as_of`, zero when nothing is dated by then."""
    found = customer_balances(company, as_of=as_of, only_nonzero=False, customer_id=customer.pk)
    if found:
        return found[0]
    return Position(customer.pk, customer.name, customer.reference, ZERO, ZERO, ZERO, ZERO, ZERO)


# --- statement of account --------------------------------------------------------------------


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
    """Relevé de compte: every movement up to `as_of`, with a running balance; each invoice
    with what is left to pay on it at `as_of`."""
    items = {
        item.invoice_id: item
        for item in open_items(company, on=as_of, customer_id=customer.pk, open_only=False)
    }
    rows = {
        name: qs.filter(customer=customer) for name, (qs, _f) in _movements(company, as_of).items()
    }
    movements: list[Movement] = []
    notes = rows["credited"].values_list(
        "issue_date", "number", "credited_invoice__number", "total_amount"
    )
    for on, number, credited, total in notes:
        label = number + (f" ({credited})" if credited else "")
        movements.append(Movement(on, "credit_note", label, None, ZERO, total, None))
    for item in items.values():
        movements.append(
            Movement(
                item.issue_date,
                "invoice",
                item.number,
                item.due_date,
                item.total_amount,
                ZERO,
                item.open_amount,
            )
        )
    methods = dict(Payment.Method.choices)
    payments = rows["received"].values_list("received_on", "reference", "method", "amount")
    for on, reference, method, amount in payments:
        label = reference or str(methods.get(method, method))
        movements.append(Movement(on, "payment", label, None, ZERO, amount, None))
    opening, lines, closing = accounts.running_balance(movements, date_from=date_from)
    overdue = accounts.overdue_amount(
        [(item.due_date, item.open_amount) for item in items.values()], on=as_of
    )
    return Statement(customer, date_from, as_of, opening, lines, closing, overdue)
