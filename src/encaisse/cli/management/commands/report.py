"""`encaisse report balance|aging|dso|kpis|behaviour|concentration|forecast|trends|drift
--company C [--date D] [--from D --to D] --format json|csv|table|xlsx [-o FILE]`.

Output formats are stable for scripts: JSON is a list of objects (`kpis`: one object), money as
decimal strings, day figures and rates (percentages, 0-100) as numbers rounded to two places,
null when a figure cannot be computed. `--date` is the as-of date (aged balance, forecast,
concentration of receivables, default today); `--from/--to` bound the period of the KPIs, DSO,
behaviour and sales concentration (default: all of the company's history up to `--date`).
XLSX is binary: it needs `-o FILE` (never bytes on a terminal); the other formats print, or go
to `-o FILE` too.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from encaisse.analytics import reports
from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.core.models import Company
from encaisse.core.spreadsheet import safe_row
from encaisse.ledger.positions import customer_balances

Row = dict[str, Any]
BINARY_FORMATS = ("xlsx",)


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


def _analytics(name: str) -> Callable[[Company, dict[str, Any]], list[Row] | Row]:
    def rows(company: Company, options: dict[str, Any]) -> list[Row] | Row:
        params = reports.params(
            company,
            on=parse_date_arg(options["date"]),
            start=parse_date_arg(options["from"]) if options.get("from") else None,
            end=parse_date_arg(options["to"]) if options.get("to") else None,
        )
        report = reports.REPORTS[name](company, params)
        return report.summary if report.summary is not None else report.rows

    return rows


REPORTS: dict[str, Callable[[Company, dict[str, Any]], list[Row] | Row]] = {
    "balance": balance_rows,
    **{name: _analytics(name) for name in reports.REPORTS},
}


class Command(EncaisseCommand):
    help = "Print a report of a company's receivables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("report", choices=sorted(REPORTS))
        self.add_company_argument(parser)
        parser.add_argument("--date", help="as of this date (default today)")
        parser.add_argument("--from", dest="from", help="period start (default: first invoice)")
        parser.add_argument("--to", dest="to", help="period end (default: --date)")
        parser.add_argument("--format", choices=["json", "csv", "table", "xlsx"], default="table")
        parser.add_argument("-o", "--output", help="write to this file (xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["format"] in BINARY_FORMATS and not options.get("output"):
            raise CommandError(
                _("--format %(format)s writes a binary file: give it with -o FILE.")
                % {"format": options["format"]}
            )
        company = resolve_company(options["company"])
        result = REPORTS[options["report"]](company, options)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        rows = (
            [{"kpi": k, "value": v} for k, v in result.items()]
            if isinstance(result, dict)
            else result
        )
        if options["format"] == "xlsx":
            data = reports.to_xlsx(rows, title=options["report"])
            Path(options["output"]).write_bytes(data)
        elif options["format"] == "csv":
            self._write_csv(rows)
        else:
            self._write_table(rows)

    def _write_csv(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        writer = csv.DictWriter(self.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(safe_row(row) for row in rows)

    def _write_table(self, rows: Sequence[Row]) -> None:
        if not rows:
            self.stdout.write("(no rows)")
            return
        headers = list(rows[0])
        rows = [{h: "" if r[h] is None else r[h] for h in headers} for r in rows]
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
