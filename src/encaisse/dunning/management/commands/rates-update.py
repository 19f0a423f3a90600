"""`encaisse rates-update FILE`: add ECB main refinancing rates from a CSV of date,rate (%)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.cli import EncaisseCommand
from encaisse.core.rates import rates_update


class Command(EncaisseCommand):
    help = "Load ECB refinancing rate changes (CSV: value date, rate in percent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        result = rates_update(path=options["file"])
        self.stdout.write(f"{result.added} rate(s) added, {result.changed} changed")
