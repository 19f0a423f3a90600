"""`encaisse reconcile-statements --company C [--from D] [--to D] --format table|csv|json`."""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.core.spreadsheet import safe_row
from encaisse.ledger.selectors import (
    RECONCILIATION_COLUMNS,
    reconciliation_table,
    statement_reconciliation,
)


class Command(EncaisseCommand):
    help = (
        "Reconcile each customer's statement of account over a period: opening balance + "
        "invoices - credit notes - payments = closing balance. Exits non-zero when one does "
        "not reconcile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_company_argument(parser)
        parser.add_argument("--from", dest="date_from", help="first day (default 1 January)")
        parser.add_argument("--to", dest="date_to", help="last day (default today)")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        date_to = parse_date_arg(options["date_to"])
        date_from = (
            parse_date_arg(options["date_from"])
            if options["date_from"]
            else date(date_to.year, 1, 1)
        )
        if date_from > date_to:
            raise ValueError("--from must not be after --to")
        rows = statement_reconciliation(company, date_from=date_from, date_to=date_to)
        table = reconciliation_table(rows)
        if options["format"] == "json":
            self.stdout.write(json.dumps(table, ensure_ascii=False, indent=2))
        elif options["format"] == "csv":
            writer = csv.DictWriter(
                self.stdout, fieldnames=RECONCILIATION_COLUMNS, lineterminator="\n"
            )
            writer.writeheader()
            writer.writerows(safe_row(row) for row in table)
        else:
            for row in rows:
                self.stdout.write(
                    f"{row.reference:<12} {row.customer[:30]:<30} {row.opening:>12} "
                    f"{row.invoiced:>12} {row.credited:>12} {row.paid:>12} {row.closing:>12} "
                    + ("ok" if row.reconciles else f"DIFF {row.difference}")
                )
        if not all(row.reconciles for row in rows):
            raise ValueError("some statements do not reconcile")
