"""The pure decision: which step is due, grouping, business days, pauses and no regression."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.core.dates import is_business_day
from encaisse.dunning.rules import (
    Batch,
    Decision,
    InvoiceState,
    Skip,
    StepRule,
    decide,
    decide_one,
    group,
    scheduled_on,
    skipped_counts,
)

D = Decimal
COURTESY, FIRST, SECOND, THIRD, NOTICE, CALL = (
    StepRule(1, -5),
    StepRule(2, 1),
    StepRule(3, 8),
    StepRule(4, 15),
    StepRule(5, 30),
    StepRule(6, 45),
)
FRENCH = (COURTESY, FIRST, SECOND, THIRD, NOTICE, CALL)
DUE = date(2025, 5, 15)  # a Thursday


def invoice(**kwargs) -> InvoiceState:
    base = InvoiceState(invoice_id=1, customer_id=7, due_date=DUE, open_amount=D("1200.00"))
    return replace(base, **kwargs)


def step_key(decision: Decision) -> int | None:
    return decision.step.key if decision.step else None


@pytest.mark.parametrize(
    ("_case", "on", "expected"),
    [
        ("before the courtesy date", date(2025, 5, 9), Skip.NOT_DUE),
        # -5 is Saturday 10 May: moved to Monday 12 May
        ("courtesy moved off the weekend", date(2025, 5, 12), COURTESY.key),
        ("on the due date, courtesy still", date(2025, 5, 15), COURTESY.key),
        ("the day after", date(2025, 5, 16), FIRST.key),
        ("saturday", date(2025, 5, 17), Skip.NON_BUSINESS_DAY),
        ("sunday", date(2025, 5, 18), Skip.NON_BUSINESS_DAY),
        # nothing sent yet, 20 days late: the highest step due (+15), not the +1
        ("first reminder late jumps to the highest due", date(2025, 6, 4), THIRD.key),
        # 8 May 2025 is a public holiday (Victoire 1945), a Thursday
        ("public holiday", date(2025, 5, 8), Skip.NON_BUSINESS_DAY),
        ("long overdue", date(2025, 7, 30), CALL.key),
    ],
)
def test_step_due_when_nothing_was_sent(_case: str, on: date, expected: object) -> None:
    # given an invoice due 15 May 2025 under the French policy, no reminder sent
    # when deciding on `on`
    decision = decide_one(invoice(), FRENCH, on=on)
    # then
    assert (decision.skip if decision.skip else step_key(decision)) == expected


def test_step_on_a_holiday_moves_to_next_business_day() -> None:
    # given an invoice due Sunday 13 July 2025: +1 is Monday 14 July, Fête nationale
    inv = invoice(due_date=date(2025, 7, 13))
    # then the +1 is due on Tuesday 15 July, and nothing is decided on the 14th
    assert scheduled_on(FIRST, due_date=date(2025, 7, 13)) == date(2025, 7, 15)
    assert decide_one(inv, FRENCH, on=date(2025, 7, 14)).skip == Skip.NON_BUSINESS_DAY
    assert step_key(decide_one(inv, FRENCH, on=date(2025, 7, 15))) == FIRST.key


def test_courtesy_step_is_never_sent_after_the_due_date() -> None:
    # given a policy with a courtesy step only
    decision = decide_one(invoice(), (COURTESY,), on=date(2025, 5, 16))
    assert decision.skip == Skip.NOT_DUE


def test_a_step_already_sent_is_not_sent_again() -> None:
    # given the +1 sent on Friday 16 May
    inv = invoice(last_offset=1, last_sent_on=date(2025, 5, 16))
    # then nothing until the +8 on Friday 23 May
    assert decide_one(inv, FRENCH, on=date(2025, 5, 19)).skip == Skip.NOT_DUE
    assert decide_one(inv, FRENCH, on=date(2025, 5, 22)).skip == Skip.NOT_DUE
    assert step_key(decide_one(inv, FRENCH, on=date(2025, 5, 23))) == SECOND.key


def test_never_a_lower_step_than_the_one_sent() -> None:
    # given the formal notice (+30) already sent, e.g. by hand, on 16 May
    inv = invoice(last_offset=30, last_sent_on=date(2025, 5, 16))
    # then the +1, +8, +15 never come; the +45 comes 15 days after the notice at the earliest
    assert decide_one(inv, FRENCH, on=date(2025, 5, 30)).skip == Skip.NOT_DUE
    assert step_key(decide_one(inv, FRENCH, on=date(2025, 6, 30))) == CALL.key
    last = invoice(last_offset=45, last_sent_on=date(2025, 6, 30))
    assert decide_one(last, FRENCH, on=date(2025, 9, 1)).skip == Skip.LAST_STEP_SENT


@pytest.mark.parametrize(
    ("_case", "state", "reason"),
    [
        ("paid", {"open_amount": D("0.00")}, Skip.PAID),
        ("overpaid by a credit note", {"open_amount": D("-10.00")}, Skip.PAID),
        ("disputed", {"disputed": True}, Skip.DISPUTED),
        ("customer on hold", {"customer_on_hold": True}, Skip.ON_HOLD),
        ("promise running", {"promised_until": date(2025, 6, 10)}, Skip.PROMISE),
        ("promise ends today", {"promised_until": date(2025, 6, 2)}, Skip.PROMISE),
        ("payment plan", {"paused": True}, Skip.PAUSED),
    ],
)
def test_pauses(_case: str, state: dict, reason: Skip) -> None:
    # when deciding on Monday 2 June, the +15 being due
    decision = decide_one(invoice(**state), FRENCH, on=date(2025, 6, 2))
    # then no step, and the reason
    assert decision == Decision(1, 7, skip=reason)


def test_broken_promise_resumes_at_the_next_step() -> None:
    # given the +1 sent on 16 May, then a promise to pay by 30 May (grace included)
    inv = invoice(last_offset=1, last_sent_on=date(2025, 5, 16), promised_until=date(2025, 5, 30))
    # then paused on 23 May although the +8 was due
    assert decide_one(inv, FRENCH, on=date(2025, 5, 23)).skip == Skip.PROMISE
    # when the promise is broken, on Monday 2 June the +8 comes (not the +15 already passed)
    assert step_key(decide_one(inv, FRENCH, on=date(2025, 6, 2))) == SECOND.key
    # and the +15 keeps its 7-day spacing after it: due Monday 9 June, not the day after
    after = replace(inv, last_offset=8, last_sent_on=date(2025, 6, 2))
    assert decide_one(after, FRENCH, on=date(2025, 6, 3)).skip == Skip.NOT_DUE
    # 9 June 2025 is Whit Monday (Pentecôte), a public holiday in France: the 10th
    assert decide_one(after, FRENCH, on=date(2025, 6, 9)).skip == Skip.NON_BUSINESS_DAY
    assert step_key(decide_one(after, FRENCH, on=date(2025, 6, 10))) == THIRD.key


def test_step_minimum_open_amount() -> None:
    # given a formal notice for 1 000.00 and more
    notice = replace(NOTICE, min_open_amount=D("1000.00"))
    steps = (FIRST, SECOND, THIRD, notice, CALL)
    small = invoice(open_amount=D("999.99"))
    # then nothing sent yet, 35 days late: the highest step it qualifies for, the +15
    assert step_key(decide_one(small, steps, on=date(2025, 6, 19))) == THIRD.key
    # and after the +15 the notice is passed over: nothing until the +45 is due
    sent = replace(small, last_offset=15, last_sent_on=date(2025, 6, 2))
    assert decide_one(sent, steps, on=date(2025, 6, 19)).skip == Skip.BELOW_MINIMUM
    assert step_key(decide_one(sent, steps, on=date(2025, 7, 2))) == CALL.key
    # and the invoice at exactly the minimum gets the notice
    exact = replace(sent, open_amount=D("1000.00"))
    assert step_key(decide_one(exact, steps, on=date(2025, 6, 19))) == NOTICE.key


def test_partial_payment_lowers_the_amount_the_minimum_sees() -> None:
    # given 1 500.00 invoiced, 600.00 paid: 900.00 open, below a 1 000.00 minimum
    steps = (replace(FIRST, min_open_amount=D("1000.00")),)
    decision = decide_one(invoice(open_amount=D("900.00")), steps, on=date(2025, 5, 16))
    assert decision.skip == Skip.BELOW_MINIMUM


def test_no_policy() -> None:
    assert decide_one(invoice(), (), on=date(2025, 5, 16)).skip == Skip.NO_POLICY


def test_grouping_per_customer_and_step() -> None:
    # given three invoices of customer 7 (two at +1, one at +8) and one of customer 9
    invoices = [
        invoice(invoice_id=1),
        invoice(invoice_id=2, open_amount=D("50.00")),
        invoice(invoice_id=3, due_date=date(2025, 5, 8)),
        invoice(invoice_id=4, customer_id=9),
        invoice(invoice_id=5, disputed=True),
    ]
    # when deciding on Friday 16 May
    decisions = decide(invoices, lambda inv: FRENCH, on=date(2025, 5, 16))
    # then three messages: customer 7 at +1 listing two invoices, 7 at +8, 9 at +1
    assert group(decisions) == [
        Batch(7, FIRST, (1, 2)),
        Batch(7, SECOND, (3,)),
        Batch(9, FIRST, (4,)),
    ]
    assert skipped_counts(decisions) == {"disputed": 1}


@settings(max_examples=60, deadline=None)
@given(
    due_offset=st.integers(0, 400),
    start=st.integers(-20, 80),
    pause=st.tuples(st.integers(0, 60), st.integers(0, 40)),
)
def test_daily_runs_send_each_step_at_most_once_and_in_order(
    due_offset: int, start: int, pause: tuple[int, int]
) -> None:
    # given an invoice and a promise window, and a daily run over 120 days
    due = date(2024, 1, 1) + timedelta(days=due_offset)
    pause_from, pause_len = pause
    state = invoice(due_date=due)
    sent: list[tuple[int, date]] = []
    for n in range(120):
        on = due + timedelta(days=start + n)
        promised = due + timedelta(days=pause_from + pause_len)
        in_pause = due + timedelta(days=pause_from) <= on
        state = replace(state, promised_until=promised if in_pause else None)
        decision = decide_one(state, FRENCH, on=on)
        if decision.step is not None:
            sent.append((decision.step.offset_days, on))
            state = replace(state, last_offset=decision.step.offset_days, last_sent_on=on)
    # then offsets strictly increase, every send is on a business day, none during the pause
    offsets = [offset for offset, _on in sent]
    assert offsets == sorted(set(offsets))
    assert all(is_business_day(on) for _offset, on in sent)
    assert all(
        not (due + timedelta(days=pause_from) <= on <= due + timedelta(days=pause_from + pause_len))
        for _offset, on in sent
    )
    # and no step is sent before its own date
    assert all(on >= due + timedelta(days=offset) for offset, on in sent)
