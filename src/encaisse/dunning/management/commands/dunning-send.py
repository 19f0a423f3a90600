"""`encaisse dunning-send --company C`: deliver the queued reminders (email, letters, SMS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from encaisse.core.cli import EncaisseCommand, resolve_company
from encaisse.dunning.services import deliver_pending


class Command(EncaisseCommand):
    help = (
        "Deliver the queued reminders of a company, each at most once; after a crash, what was "
        "being sent is marked uncertain for a person to decide."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_company_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        result = deliver_pending(company=company, now=timezone.now())
        self.stdout.write(
            f"sent {result.sent}, failed {result.failed}, retrying {result.retrying}, "
            f"cancelled {result.cancelled}, uncertain {result.uncertain}"
        )
