"""Pure arithmetic of a customer account (compte client): running balance and overdue amount.

`ledger.positions` reads the rows; this module adds them up. A statement of account (relevé)
lists movements in date order, invoices before credit notes before payments on the same day,
each line carrying the balance after it; the movements before `date_from` fold into the
opening balance.

>>> from datetime import date
>>> from decimal import Decimal as D
>>> moves = [
...     Movement(date(2025, 1, 10), "invoice", "F1", date(2025, 2, 9), D("120.00"), D("0"), None),
...     Movement(date(2025, 2, 1), "payment", "VIR", None, D("0"), D("100.00"), None),
... ]
>>> opening, lines, closing = running_balance(moves, date_from=date(2025, 2, 1))
>>> (opening, [line.balance for line in lines], closing)
(Decimal('120.00'), [Decimal('20.00')], Decimal('20.00'))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from encaisse.core.money import ZERO

# Same day: invoices first, then credit notes, then payments.
ORDER = {"invoice": 0, "credit_note": 1, "payment": 2}


@dataclass(frozen=True, slots=True)
class Movement:
    on: date
    kind: str  # invoice, credit_note, payment
    label: str
    due_date: date | None
    debit: Decimal
    credit: Decimal
    open_amount: Decimal | None  # for invoices: left to pay as of the statement date


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


def running_balance(
    movements: Iterable[Movement], *, date_from: date | None
) -> tuple[Decimal, list[StatementLine], Decimal]:
    """(opening balance, lines from `date_from` with their running balance, closing balance)."""
    ordered = sorted(movements, key=lambda m: (m.on, ORDER[m.kind], m.label))
    opening = running = ZERO
    lines: list[StatementLine] = []
    for m in ordered:
        running += m.debit - m.credit
        if date_from and m.on < date_from:
            opening = running
            continue
        lines.append(
            StatementLine(
                m.on, m.kind, m.label, m.due_date, m.debit, m.credit, running, m.open_amount
            )
        )
    return opening, lines, running


def overdue_amount(items: Sequence[tuple[date | None, Decimal]], *, on: date) -> Decimal:
    """What is left to pay on the invoices due before `on`, from (due date, open amount)."""
    return sum((max(amount, ZERO) for due, amount in items if due and due < on), ZERO)


def unapplied_credit(*, open_amount: Decimal, balance: Decimal) -> Decimal:
    """Payments and credit notes set against no invoice: what the open items exceed the
    balance by."""
    return open_amount - balance


def exposure(balance: Decimal) -> Decimal:
    """What the company stands to lose if the customer paid nothing more: its balance when
    it owes something, nothing when it is in credit."""
    return max(balance, ZERO)
