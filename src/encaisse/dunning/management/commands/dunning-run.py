"""`encaisse dunning-run --company C [--date D] [--dry-run] [--format json|table]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.dunning.services import dunning_run


class Command(EncaisseCommand):
    help = "Decide today's reminders for every open invoice and queue them (the outbox)."

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_company_argument(parser)
        parser.add_argument("--date", help="run as of this date (default today, Europe/Paris)")
        parser.add_argument("--dry-run", action="store_true", help="decide, write nothing")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        on = parse_date_arg(options["date"])
        result = dunning_run(company=company, on=on, dry_run=options["dry_run"])
        data = result.as_json()
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        title = "Dry run" if options["dry_run"] else "Dunning run"
        self.stdout.write(f"{title} {data['date']}: {data['reminders_created']} reminder(s)")
        for heading, key in (
            ("step", "by_step"),
            ("channel", "by_channel"),
            ("skipped", "skipped"),
        ):
            for name, count in data[key].items():
                self.stdout.write(f"  {heading:<8} {name:<20} {count:>7}")
        if data["reminders_created"] == 0 and not data["skipped"]:
            self.stdout.write("  no open invoice")
