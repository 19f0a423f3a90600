"""`encaisse demo`: a demo company with customers, invoices, credit notes and payments."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from encaisse.cli.demo.plan import DemoConfig, DemoPlan
from encaisse.cli.demo.writer import INSERT_BATCH, demo_write
from encaisse.core.cli import EncaisseCommand, parse_date_arg
from encaisse.core.models import Company
from encaisse.core.sequences import format_number


def _positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(EncaisseCommand):
    help = (
        "Create a demo company: customers with distinct payment behaviours, two years of "
        "invoices, credit notes and payments. Deterministic per --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=_positive, default=150)
        parser.add_argument("--invoices", type=_positive, default=3000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--slug", default="demo", help="slug of the company to create")
        parser.add_argument("--today", help="last day of the history (YYYY-MM-DD); default today")
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help="do nothing when a company with this slug exists",
        )
        parser.add_argument("--batch-size", type=_positive, default=INSERT_BATCH)
        parser.add_argument(
            "--force",
            action="store_true",
            help="create the demo users (demo/demo, comptable/demo) even with DEBUG off",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Users with known passwords have no place on a production server.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "refusing to create the demo users (demo/demo, comptable/demo) with DEBUG off: "
                "use DEBUG=1 for development, or --force"
            )
        slug: str = options["slug"]
        if options["if_absent"] and Company.objects.filter(slug=slug).exists():
            self.stdout.write(f"demo company {slug!r} already exists; nothing created")
            return
        if options["customers"] < 1:
            raise CommandError(_("--customers must be at least 1."))
        config = DemoConfig(
            today=parse_date_arg(options["today"]),
            customers=options["customers"],
            invoices=options["invoices"],
            seed=options["seed"],
            number_format=format_number,
        )
        started = time.perf_counter()
        result = demo_write(DemoPlan(config), slug=slug, batch_size=options["batch_size"] or 1)
        seconds = time.perf_counter() - started  # committed: PostgreSQL checks keys at commit
        self.stdout.write(
            f"demo company {result.company.legal_name!r} ({slug}): "
            f"{result.customers} customers, {result.invoices} invoices, "
            f"{result.credit_notes} credit notes, {result.payments} payments "
            f"in {seconds:.1f} s ({result.invoices / max(seconds, 1e-9):.0f} invoices/s)"
        )
