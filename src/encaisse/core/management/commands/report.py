"""`encaisse report balance --company C [--date D] --format json|csv|table`.

Output formats are stable for scripts: JSON is a list of objects, amounts as decimal strings.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.core.models import Company
from encaisse.customers.selectors import customer_balances

Row = dict[str, Any]


def balance_rows(company: Company, options: dict[str, Any]) -> list[Row]:
    as_of = parse_date_arg(options["date"])
    return [
        {
            "customer": row.customer,
            "reference": row.reference,
            "invoiced": str(row.invoiced),
            "open_amount": str(row.open_amount),
            "unapplied_credit": str(row.unapplied_credit),
            "balance": str(row.balance),
        }
        for row in customer_balances(company, as_of=as_of)
    ]


REPORTS: dict[str, Callable[[Company, dict[str, Any]], list[Row]]] = {
    "balance": balance_rows,
}


class Command(EncaisseCommand):
    help = "Print a report of a company's receivables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=sorted(REPORTS))
        self.add_company_argument(parser)
        parser.add_argument("--date", help="as of this date (default today)")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        rows = REPORTS[options["report"]](company, options)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif options["format"] == "csv":
            self._write_csv(rows)
        else:
            self._write_table(rows)

    def _write_csv(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        writer = csv.DictWriter(self.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    def _write_table(self, rows: Sequence[Row]) -> None:
        if not rows:
            self.stdout.write("(no rows)")
            return
        headers = list(rows[0])
        widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in headers]
        numeric = {h for h in headers if all(_is_number(str(r[h])) for r in rows)}

        def fmt(values: Sequence[str]) -> str:
            return "  ".join(
                v.rjust(w) if h in numeric else v.ljust(w)
                for h, v, w in zip(headers, values, widths, strict=True)
            ).rstrip()

        self.stdout.write(fmt(headers))
        self.stdout.write(fmt(["-" * w for w in widths]))
        for row in rows:
            self.stdout.write(fmt([str(row[h]) for h in headers]))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
