"""Which dunning step (relance) is due for each open invoice on a day: the pure decision.

A policy is a list of steps with an offset in days from the due date (negative: before it).
The rule, for one invoice on day `on`:

- nothing is decided on a day that is not a French business day; a step whose date falls on a
  weekend or a public holiday is due on the next business day;
- a paid (open amount <= 0), disputed, held or promised invoice is skipped, with the reason;
- when no step was sent yet, the highest step already due is chosen (an invoice imported 40
  days late gets the +30 letter, not the +1 email); a step before the due date (courtesy) is
  only sent up to the due date;
- when a step was sent, only a later step (larger offset) may follow: never the same step
  twice, never a lower one; it is due at its own offset from the due date, shifted by the
  delay with which the last step went out, so a dunning paused by a promise resumes at the
  next step (not at the last) and keeps the spacing between steps;
- a step with a minimum open amount is passed over for invoices below it.

>>> steps = (StepRule(1, -5), StepRule(2, 1), StepRule(3, 8))
>>> inv = InvoiceState(10, 7, due_date=date(2025, 5, 15), open_amount=Decimal("120.00"))
>>> decide_one(inv, steps, on=date(2025, 5, 16)).step.key
2
>>> decide_one(inv, steps, on=date(2025, 5, 17)).skip  # a Saturday
<Skip.NON_BUSINESS_DAY: 'non_business_day'>
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from encaisse.core import dates

ZERO = Decimal("0.00")
# The run asks the same few hundred days again and again for 100 000 invoices.
is_business_day = lru_cache(maxsize=8192)(dates.is_business_day)
next_business_day = lru_cache(maxsize=8192)(dates.next_business_day)


class Skip(StrEnum):
    """Why an open invoice gets no reminder today (the keys of the run's `skipped` counts)."""

    NON_BUSINESS_DAY = "non_business_day"
    PAID = "paid"
    DISPUTED = "disputed"
    ON_HOLD = "on_hold"
    PROMISE = "promise"
    PAUSED = "paused"  # payment plan, collection agency, proceedings
    NO_POLICY = "no_policy"
    NOT_DUE = "not_due"
    BELOW_MINIMUM = "below_minimum"
    LAST_STEP_SENT = "last_step_sent"


@dataclass(frozen=True, slots=True)
class StepRule:
    """One step of a policy: `key` identifies it (the Step row's id)."""

    key: int
    offset_days: int
    min_open_amount: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class InvoiceState:
    """What the decision needs to know about one open invoice, read in bulk by the run."""

    invoice_id: int
    customer_id: int
    due_date: date
    open_amount: Decimal
    disputed: bool = False
    customer_on_hold: bool = False
    promised_until: date | None = None  # promise date + grace: paused up to that day
    paused: bool = False
    last_offset: int | None = None  # offset of the highest step already sent
    last_sent_on: date | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    invoice_id: int
    customer_id: int
    step: StepRule | None = None
    skip: Skip | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    """One message: a customer's invoices at the same step, listed together."""

    customer_id: int
    step: StepRule
    invoice_ids: tuple[int, ...]


def scheduled_on(
    step: StepRule,
    *,
    due_date: date,
    last_offset: int | None = None,
    last_sent_on: date | None = None,
    business_day: Callable[[date], date] = next_business_day,
) -> date:
    """The business day on which `step` becomes due for an invoice."""
    day = due_date + timedelta(days=step.offset_days)
    if last_offset is not None and last_sent_on is not None:
        # The last step went out `delay` days after its own date (a pause, a run missed):
        # the rest of the schedule moves by as much, so the spacing between steps is kept.
        delay = (last_sent_on - business_day(due_date + timedelta(days=last_offset))).days
        day += timedelta(days=max(0, delay))
    return business_day(day)


def _pause(invoice: InvoiceState, on: date) -> Skip | None:
    if invoice.open_amount <= 0:
        return Skip.PAID
    if invoice.disputed:
        return Skip.DISPUTED
    if invoice.customer_on_hold:
        return Skip.ON_HOLD
    if invoice.promised_until is not None and on <= invoice.promised_until:
        return Skip.PROMISE
    if invoice.paused:
        return Skip.PAUSED
    return None


def decide_one(
    invoice: InvoiceState,
    steps: Sequence[StepRule],
    *,
    on: date,
    business_day: Callable[[date], bool] = is_business_day,
    presorted: bool = False,
) -> Decision:
    """The step due today for one invoice, or the reason there is none."""
    ids = (invoice.invoice_id, invoice.customer_id)
    if not business_day(on):
        return Decision(*ids, skip=Skip.NON_BUSINESS_DAY)
    if (reason := _pause(invoice, on)) is not None:
        return Decision(*ids, skip=reason)
    if not steps:
        return Decision(*ids, skip=Skip.NO_POLICY)
    ordered = steps if presorted else sorted(steps, key=lambda s: (s.offset_days, s.key))
    later = [
        s for s in ordered if invoice.last_offset is None or s.offset_days > invoice.last_offset
    ]
    if not later:
        return Decision(*ids, skip=Skip.LAST_STEP_SENT)

    def due(step: StepRule) -> bool:
        when = scheduled_on(
            step,
            due_date=invoice.due_date,
            last_offset=invoice.last_offset,
            last_sent_on=invoice.last_sent_on,
        )
        return when <= on and (step.offset_days >= 0 or on <= invoice.due_date)

    due_steps = [s for s in later if due(s)]
    if invoice.last_offset is not None:
        due_steps = due_steps[:1] if due_steps else []  # the next step, not a jump ahead
    eligible = [s for s in due_steps if invoice.open_amount >= s.min_open_amount]
    if eligible:
        return Decision(*ids, step=eligible[-1])
    if due_steps:
        # The next step asks for more than is owed: try the one after it, in turn.
        if invoice.last_offset is not None:
            for step in later[later.index(due_steps[0]) + 1 :]:
                if due(step) and invoice.open_amount >= step.min_open_amount:
                    return Decision(*ids, step=step)
        return Decision(*ids, skip=Skip.BELOW_MINIMUM)
    return Decision(*ids, skip=Skip.NOT_DUE)


def decide(
    invoices: Iterable[InvoiceState],
    steps_for: Callable[[InvoiceState], Sequence[StepRule]],
    *,
    on: date,
) -> list[Decision]:
    """Decide for every invoice; `steps_for` gives the policy steps of its customer."""
    ordered: dict[int, tuple[StepRule, ...]] = {}
    decisions = []
    for invoice in invoices:
        steps = steps_for(invoice)
        key = id(steps)
        if key not in ordered:  # sort each policy once, not once per invoice
            ordered[key] = tuple(sorted(steps, key=lambda s: (s.offset_days, s.key)))
        decisions.append(decide_one(invoice, ordered[key], on=on, presorted=True))
    return decisions


def group(decisions: Iterable[Decision]) -> list[Batch]:
    """One batch per customer and step, invoices in the order they were decided."""
    batches: dict[tuple[int, int], list[int]] = defaultdict(list)
    steps: dict[tuple[int, int], StepRule] = {}
    for decision in decisions:
        if decision.step is None:
            continue
        key = (decision.customer_id, decision.step.key)
        batches[key].append(decision.invoice_id)
        steps[key] = decision.step
    return [Batch(key[0], steps[key], tuple(ids)) for key, ids in batches.items()]


def skipped_counts(decisions: Iterable[Decision]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for decision in decisions:
        if decision.skip is not None:
            counts[decision.skip.value] += 1
    return dict(sorted(counts.items()))
