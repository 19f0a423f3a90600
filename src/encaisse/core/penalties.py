"""Late-payment penalties (pénalités de retard) and the fixed recovery indemnity, B2B France.

C. com. L441-10 II: from the day after the due date, without any reminder, the unpaid amount
incl. VAT bears interest at the contractual rate or, by default, the ECB main refinancing rate
in force on 1 January (first half-year) or 1 July (second half-year) plus 10 points, prorata
of the days late over 365. The period is split at each half-year boundary and at each partial
payment (the base drops from the day after the payment). D441-5: 40 EUR per invoice paid late
(indemnité forfaitaire pour frais de recouvrement), owed by professional debtors only.

Each segment is rounded to the cent (half up) and the penalty is the sum of the segments.

>>> late_penalty(Decimal("10000.00"), due_date=date(2025, 5, 15), paid_on=date(2025, 8, 14))
Decimal('315.52')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from encaisse.core.money import ZERO, quantize

TEN_POINTS = Decimal("0.10")
INDEMNITY = Decimal("40.00")


@dataclass(frozen=True, slots=True)
class RateChange:
    """The ECB main refinancing operations rate from a value date on (a fraction)."""

    effective: date
    rate: Decimal


def _r(y: int, m: int, d: int, percent: str) -> RateChange:
    return RateChange(date(y, m, d), Decimal(percent) / 100)


# DOMAIN-FR §4.1: MRO changes by value date (2016 to 2026). `encaisse rates-update` adds more.
ECB_MRO_HISTORY: tuple[RateChange, ...] = (
    _r(2016, 3, 16, "0.00"),
    _r(2022, 7, 27, "0.50"),
    _r(2022, 9, 14, "1.25"),
    _r(2022, 11, 2, "2.00"),
    _r(2022, 12, 21, "2.50"),
    _r(2023, 2, 8, "3.00"),
    _r(2023, 3, 22, "3.50"),
    _r(2023, 5, 10, "3.75"),
    _r(2023, 6, 21, "4.00"),
    _r(2023, 8, 2, "4.25"),
    _r(2023, 9, 20, "4.50"),
    _r(2024, 6, 12, "4.25"),
    _r(2024, 9, 18, "3.65"),
    _r(2024, 10, 23, "3.40"),
    _r(2024, 12, 18, "3.15"),
    _r(2025, 2, 5, "2.90"),
    _r(2025, 3, 12, "2.65"),
    _r(2025, 4, 23, "2.40"),
    _r(2025, 6, 11, "2.15"),
)

# DOMAIN-FR §4.3: legal interest rate, "professional creditor" column, per half-year.
# A contractual penalty rate may not be below three times this rate.
LEGAL_RATE_PRO: dict[tuple[int, int], Decimal] = {
    (2019, 1): Decimal("0.0086"),
    (2019, 2): Decimal("0.0087"),
    (2020, 1): Decimal("0.0087"),
    (2020, 2): Decimal("0.0084"),
    (2021, 1): Decimal("0.0079"),
    (2021, 2): Decimal("0.0076"),
    (2022, 1): Decimal("0.0076"),
    (2022, 2): Decimal("0.0077"),
    (2023, 1): Decimal("0.0206"),
    (2023, 2): Decimal("0.0422"),
    (2024, 1): Decimal("0.0507"),
    (2024, 2): Decimal("0.0492"),
    (2025, 1): Decimal("0.0371"),
    (2025, 2): Decimal("0.0276"),
    (2026, 1): Decimal("0.0262"),
}


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(day: date) -> date:
    start = half_year_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def rate_in_force(history: Sequence[RateChange], on: date) -> Decimal:
    """The ECB rate whose value date is the latest on or before `on`."""
    found: RateChange | None = None
    for change in history:
        if change.effective <= on and (found is None or change.effective >= found.effective):
            found = change
    if found is None:
        raise ValueError(f"no ECB rate known on {on.isoformat()}")
    return found.rate


def default_rate(history: Sequence[RateChange], day: date) -> Decimal:
    """Legal default penalty rate on `day`: ECB rate of 1 Jan / 1 Jul of its half-year + 10."""
    return _half_year_rate(tuple(history), half_year_start(day))


@lru_cache(maxsize=1024)
def _half_year_rate(history: tuple[RateChange, ...], start: date) -> Decimal:
    return rate_in_force(history, start) + TEN_POINTS


def contractual_rate_floor(day: date) -> Decimal | None:
    """Three times the legal interest rate of the half-year, None when unknown."""
    legal = LEGAL_RATE_PRO.get((day.year, 1 if day.month <= 6 else 2))
    return None if legal is None else 3 * legal


@dataclass(frozen=True, slots=True)
class Segment:
    """Days `start` to `end` inclusive at one base and one rate."""

    start: date
    end: date
    base: Decimal
    rate: Decimal
    amount: Decimal

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _day_basis(day: date, basis: int | str) -> int:
    if basis == "actual":
        year = day.year
        return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365
    return int(basis)


def penalty_segments(
    principal: Decimal,
    *,
    due_date: date,
    paid_on: date,
    payments: Iterable[tuple[date, Decimal]] = (),
    history: Sequence[RateChange] = ECB_MRO_HISTORY,
    contractual_rate: Decimal | None = None,
    day_basis: int | str = 365,
    freeze_rate: bool = False,
) -> list[Segment]:
    """The late period from due_date + 1 to paid_on inclusive, split where base or rate changes.

    `payments` are (date, amount) received before the final `paid_on`; a payment on day d
    still counts day d late and lowers the base from d + 1. Payments on or before the due
    date lower the principal from the start. `freeze_rate` keeps the rate of the half-year in
    which the lateness began (the public-procurement reading) instead of the literal one.
    """
    start = due_date + timedelta(days=1)
    if paid_on < start:
        return []
    base = principal
    reductions: dict[date, Decimal] = {}
    for when, value in payments:
        if when <= due_date:
            base -= value
        elif when < paid_on:
            reductions[when + timedelta(days=1)] = reductions.get(
                when + timedelta(days=1), ZERO
            ) + Decimal(value)
    cuts = set(reductions)
    boundary = next_half_year(start)
    while boundary <= paid_on:
        cuts.add(boundary)
        boundary = next_half_year(boundary)
    if day_basis == "actual":
        cuts.update(date(y, 1, 1) for y in range(start.year + 1, paid_on.year + 1))
    segments: list[Segment] = []
    points = sorted(c for c in cuts if start < c <= paid_on)
    for seg_start, next_start in zip(
        [start, *points], [*points, paid_on + timedelta(days=1)], strict=True
    ):
        base -= reductions.get(seg_start, ZERO)
        if base <= 0:
            break
        rate = (
            contractual_rate
            if contractual_rate is not None
            else default_rate(history, start if freeze_rate else seg_start)
        )
        days = (next_start - seg_start).days
        value = quantize(base * rate * days / _day_basis(seg_start, day_basis))
        segments.append(Segment(seg_start, next_start - timedelta(days=1), base, rate, value))
    return segments


def late_penalty(
    principal: Decimal,
    *,
    due_date: date,
    paid_on: date,
    payments: Iterable[tuple[date, Decimal]] = (),
    history: Sequence[RateChange] = ECB_MRO_HISTORY,
    contractual_rate: Decimal | None = None,
    day_basis: int | str = 365,
    freeze_rate: bool = False,
) -> Decimal:
    """Penalty owed on `principal` (incl. VAT) paid on `paid_on` (or still open that day)."""
    segments = penalty_segments(
        principal,
        due_date=due_date,
        paid_on=paid_on,
        payments=payments,
        history=history,
        contractual_rate=contractual_rate,
        day_basis=day_basis,
        freeze_rate=freeze_rate,
    )
    return quantize(sum((s.amount for s in segments), ZERO))


def recovery_indemnity(
    *, due_date: date, paid_on: date, professional: bool, amount: Decimal = INDEMNITY
) -> Decimal:
    """The fixed indemnity, once per invoice paid (or still unpaid) after its due date."""
    return quantize(amount) if professional and paid_on > due_date else ZERO


@dataclass(frozen=True, slots=True)
class Claim:
    """What one late invoice owes beside its principal as of a day: penalty and indemnity."""

    segments: tuple[Segment, ...]
    penalty: Decimal
    indemnity: Decimal


def claim_compute(
    principal: Decimal,
    *,
    due_date: date,
    on: date,
    payments: Iterable[tuple[date, Decimal]],
    history: Sequence[RateChange] = ECB_MRO_HISTORY,
    contractual_rate: Decimal | None = None,
    professional: bool = True,
    indemnity_amount: Decimal = INDEMNITY,
) -> Claim:
    """Penalty and indemnity of an invoice until it was paid in full, or until `on` while open.

    The one computation behind the invoice page, the reminders and the legal packs, so that
    what a letter claims is what the screen shows.

    >>> claim = claim_compute(
    ...     Decimal("10000.00"), due_date=date(2025, 5, 15), on=date(2025, 9, 1),
    ...     payments=[(date(2025, 8, 14), Decimal("10000.00"))],
    ... )
    >>> claim.penalty, claim.indemnity
    (Decimal('315.52'), Decimal('40.00'))
    """
    received = sorted((d, a) for d, a in payments if d <= on)
    paid = sum((a for _d, a in received), ZERO)
    until = received[-1][0] if received and paid >= principal else on
    segments = penalty_segments(
        principal,
        due_date=due_date,
        paid_on=until,
        payments=[p for p in received if p[0] < until],
        history=history,
        contractual_rate=contractual_rate,
    )
    indemnity = recovery_indemnity(
        due_date=due_date, paid_on=until, professional=professional, amount=indemnity_amount
    )
    return Claim(tuple(segments), sum((s.amount for s in segments), ZERO), indemnity)
