"""From the customer lines of an FEC to open items: what each line is and what settles what.

A pure module (no database). Each customer-account line becomes an item:

- a debit is an invoice (also an opening balance or a refund: something the customer owes);
- a credit in a sales entry (one touching class 7 or VAT collected, and no bank or cash
  account) is a credit note (avoir);
- any other credit is part of a payment; the credit lines of one bank movement (same
  journal, entry number, date, customer and piece reference) make one payment.

Lettering (lettrage) says what settles what: inside a group of lines sharing a letter on
one customer account, credit notes are set against an invoice they fit, exact amounts
first, and payments are allocated to the invoices exact amount first, then oldest first.
What stays unlettered, or the rest of a partial lettering, is open.

When nothing in the file is lettered, the lettering is reconstituted as a bookkeeper would:
per customer, the bank matching engine (`payments.matching`) applies its automatic matches
(invoice numbers found in the label even when mangled, sums of several invoices), then a
payment naming an invoice of its exact amount settles it, then a payment of the exact
amount of an invoice settles the oldest such, then the rest is allocated to the oldest
invoices first (as `payments.services.payment_allocate_oldest_first`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from encaisse.ledger.fec import EntrySummary, FecLine
from encaisse.payments import matching

ZERO = Decimal("0.00")
INVOICE, CREDIT_NOTE, PAYMENT = "invoice", "credit_note", "payment"


@dataclass(frozen=True, slots=True)
class Item:
    index: int  # position in the file's customer lines
    kind: str  # invoice, credit_note, payment
    customer: str
    amount: Decimal  # positive
    on: date
    reference: str
    text: str  # piece reference and label, to find invoice numbers in
    letter: str
    payment_group: tuple[str, ...] = ()  # the lines of one payment share it
    net: Decimal = ZERO  # for invoices and credit notes: excl. VAT, from the entry
    vat: Decimal = ZERO


@dataclass(slots=True)
class Settlement:
    """Allocations between items and the rest left open on each."""

    allocations: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (pay, inv)
    credit_links: dict[int, int] = field(default_factory=dict)  # credit note -> invoice
    left: dict[int, Decimal] = field(default_factory=dict)  # item -> open rest


def items_from_lines(
    lines: Sequence[FecLine], entries: Mapping[tuple[str, str], EntrySummary]
) -> list[Item]:
    """One item per customer line with an amount; VAT split taken from a sale's entry."""
    customer_lines_per_entry: dict[tuple[str, str], int] = defaultdict(int)
    for line in lines:
        customer_lines_per_entry[(line.journal_code, line.entry_num)] += 1
    items = []
    for index, line in enumerate(lines):
        amount = line.amount
        if not amount:
            continue
        entry = entries[(line.journal_code, line.entry_num)]
        key = (line.journal_code, line.entry_num)
        net, vat = abs(amount), ZERO
        if entry.sales and customer_lines_per_entry[key] == 1:
            sign = 1 if amount > 0 else -1
            if entry.net * sign >= 0 and entry.vat * sign >= 0 and entry.net + entry.vat == amount:
                net, vat = abs(entry.net), abs(entry.vat)
        if amount > 0:
            kind = INVOICE
        elif entry.sales and not entry.bank:
            kind = CREDIT_NOTE
        else:
            kind = PAYMENT  # a cash sale's receipt too: its entry also touches the bank
        items.append(
            Item(
                index=index,
                kind=kind,
                customer=line.customer_key,
                amount=abs(amount),
                on=(line.piece_date or line.entry_date) if kind != PAYMENT else line.entry_date,
                reference=line.piece_ref,
                text=f"{line.piece_ref} {line.label}",
                letter=line.letter,
                payment_group=(
                    (
                        line.journal_code,
                        line.entry_num,
                        line.entry_date.isoformat(),
                        line.customer_key,
                        line.piece_ref,
                    )
                    if kind == PAYMENT
                    else ()
                ),
                net=net,
                vat=vat,
            )
        )
    return items


def is_lettered(items: Iterable[Item]) -> bool:
    return any(item.letter for item in items)


def settle(items: Sequence[Item], *, reconstitute: bool) -> Settlement:
    """Allocations per lettering group, or reconstituted per customer when asked."""
    settlement = Settlement(left={item.index: item.amount for item in items})
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        if reconstitute:
            groups[(item.customer, "")].append(item)
        elif item.letter:
            groups[(item.customer, item.letter)].append(item)
    for group in groups.values():
        _settle_group(group, settlement, by_reference=reconstitute)
    return settlement


def _oldest(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.on, i.index))


_NON_ALNUM = re.compile(r"[^0-9A-Z]")


def _norm(text: str) -> str:
    return _NON_ALNUM.sub("", text.upper())


def _names(text: str, reference: str) -> bool:
    """Does a normalised text name this invoice reference (3 characters at least)?"""
    ref = _norm(reference)
    return len(ref) >= 3 and ref in text


def _settle_group(group: list[Item], s: Settlement, *, by_reference: bool) -> None:
    invoices = _oldest(i for i in group if i.kind == INVOICE)
    if not invoices:
        return
    left = s.left
    # Credit notes: the invoice of the same amount, else the one it names, else the last
    # invoice before it that it fits in, else the oldest one it fits in.
    for note in _oldest(i for i in group if i.kind == CREDIT_NOTE):
        fits = [inv for inv in invoices if left[inv.index] >= note.amount]
        text = _norm(note.text)
        target = (
            next((inv for inv in fits if left[inv.index] == note.amount), None)
            or next((inv for inv in fits if _names(text, inv.reference)), None)
            or next((inv for inv in reversed(fits) if inv.on <= note.on), None)
            or next(iter(fits), None)
        )
        if target is not None:
            s.credit_links[note.index] = target.index
            left[target.index] -= note.amount
            left[note.index] = ZERO
    payments = _oldest(i for i in group if i.kind == PAYMENT)
    if by_reference:
        _engine(payments, invoices, s)
        # Exact amount and the invoice's reference named in the payment's text.
        for pay in payments:
            text = _norm(pay.text)
            for inv in invoices:
                if (
                    left[pay.index] > 0
                    and left[inv.index] == left[pay.index]
                    and _names(text, inv.reference)
                ):
                    _allocate(s, pay, inv, left[pay.index])
                    break
    # Exact amount, oldest invoice first.
    for pay in payments:
        if left[pay.index] <= 0:
            continue
        inv_exact = next((inv for inv in invoices if left[inv.index] == left[pay.index]), None)
        if inv_exact is not None:
            _allocate(s, pay, inv_exact, left[pay.index])
    # The rest: oldest invoice first.
    start = 0
    for pay in payments:
        while left[pay.index] > 0:
            while start < len(invoices) and left[invoices[start].index] <= 0:
                start += 1
            if start == len(invoices):
                return
            inv = invoices[start]
            _allocate(s, pay, inv, min(left[pay.index], left[inv.index]))


def _engine(payments: Sequence[Item], invoices: Sequence[Item], s: Settlement) -> None:
    """The bank matching engine's automatic matches within one customer's items.

    The customer is known from the account, so it is named as the payer; the engine then
    finds invoice numbers even when mangled, and sums of several invoices.
    """
    left = s.left
    if not payments or not invoices:
        return
    customer = payments[0].customer
    by_index = {item.index: item for item in (*payments, *invoices)}
    results = matching.match(
        [
            matching.BankLine(p.index, left[p.index], label=p.text, payer_name=customer)
            for p in payments
            if left[p.index] > 0
        ],
        [
            matching.OpenInvoice(i.index, i.reference, 0, left[i.index], i.on)
            for i in invoices
            if left[i.index] > 0
        ],
        [matching.CustomerRef(0, customer)],
    )
    for result in results:
        best = result.best
        if not result.auto or best is None:
            continue
        pay = by_index[result.line_id]
        for invoice_index, amount in best.allocations:
            take = min(amount, left[pay.index], left[invoice_index])
            if take > 0:
                _allocate(s, pay, by_index[invoice_index], take)


def _allocate(s: Settlement, pay: Item, inv: Item, amount: Decimal) -> None:
    key = (pay.index, inv.index)
    s.allocations[key] = s.allocations.get(key, ZERO) + amount
    s.left[pay.index] -= amount
    s.left[inv.index] -= amount
