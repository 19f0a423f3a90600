"""Demo plan: a French SME's receivables as plain records, drawn deterministically from a seed.

Pure module: frozen dataclasses of dates and Decimals out, no ORM and no clock (`today` is
given). Seeded `random.Random` and Faker instances; nothing depends on set or dict
iteration order, so a seed always gives the same records.

Each customer gets a payment behaviour that drives how its invoices are settled: punctual
(*bon payeur*), a little late, chronically late (*retardataire*), disputing (*litiges*),
defaulted (*défaillant*, stopped paying some months ago) or paying in several parts.
`customers` draws who they are, `activity` what they were invoiced and how they paid.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

from faker import Faker

from encaisse.cli.demo.activity import Activity
from encaisse.cli.demo.customers import CustomerDraw
from encaisse.cli.demo.records import TERMS, Batch, DemoConfig


class DemoPlan:
    """Everything the demo company holds, drawn from `config.seed`.

    `company`, `terms` and `customers` are computed at once; `batches()` streams the invoices,
    payments and credit notes so that half a million invoices never sit in memory together.
    Iterating `batches()` twice yields the same records.
    """

    def __init__(self, config: DemoConfig) -> None:
        if config.customers < 1:
            raise ValueError("the demo needs at least one customer")
        if config.invoices < 0:
            raise ValueError("the number of invoices cannot be negative")
        self.config = config
        self.start = config.today - timedelta(days=round(config.months * 365.25 / 12) - 1)
        rng = random.Random(config.seed)  # noqa: S311 -- reproducible demo data, not secrets
        fake_fr = Faker("fr_FR")
        fake_fr.seed_instance(config.seed)
        fake_en = Faker("en_GB")
        fake_en.seed_instance(config.seed)
        draw = CustomerDraw(config, self.start)
        self.company = draw.company(rng)
        self.terms = TERMS
        self.customers = draw.customers(rng, fake_fr, fake_en)

    def batches(self, size: int = 5000) -> Iterator[Batch]:
        """Invoices by `size` in number order with their payments; then all credit notes."""
        return Activity(self.config, self.start, self.customers).batches(size)
