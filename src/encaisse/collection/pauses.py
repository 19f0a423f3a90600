"""What pauses dunning (relances), and why: plain values that `collection.selectors.dunning_pauses`
returns and the dunning run reads. No ORM here.

A pause applies to one invoice (an open dispute, a promise naming the invoice) or to all of a
customer's invoices (a hold, a promise naming none). An invoice is paused on a day when it, or
its customer, has at least one pause; the reasons say which.

>>> pauses = DunningPauses(
...     on=date(2025, 6, 2),
...     invoices={7: (Pause(PauseReason.DISPUTE, amount=Decimal("40.00")),)},
...     customers={3: (Pause(PauseReason.HOLD, until=date(2025, 6, 30)),)},
... )
>>> [p.reason.value for p in pauses.for_invoice(7, customer_id=3)]
['dispute', 'hold']
>>> pauses.for_invoice(8, customer_id=4)
()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class PauseReason(StrEnum):
    """Why reminders wait. Plan, agency and proceedings are reserved for what collection will
    own next (payment plans, a case handed to an agency, collective proceedings)."""

    DISPUTE = "dispute"
    PROMISE = "promise"
    HOLD = "hold"
    PLAN = "plan"
    AGENCY = "agency"
    PROCEEDINGS = "proceedings"


@dataclass(frozen=True, slots=True)
class Pause:
    reason: PauseReason
    until: date | None = None  # last paused day when known (promise date + grace, hold end)
    amount: Decimal | None = None  # disputed amount (sum of the open disputes)
    note: str = ""


@dataclass(frozen=True, slots=True)
class DunningPauses:
    on: date
    invoices: Mapping[int, tuple[Pause, ...]] = field(default_factory=dict)
    customers: Mapping[int, tuple[Pause, ...]] = field(default_factory=dict)

    def for_invoice(self, invoice_id: int, *, customer_id: int) -> tuple[Pause, ...]:
        """Every pause that stops reminders of the invoice on `on`, its own first."""
        return self.invoices.get(invoice_id, ()) + self.customers.get(customer_id, ())

    def disputed_invoice_ids(self) -> set[int]:
        return {
            pk
            for pk, pauses in self.invoices.items()
            if any(p.reason == PauseReason.DISPUTE for p in pauses)
        }
