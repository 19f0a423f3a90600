"""`encaisse export-fec --company C [--from D --to D] [-o FILE]`: FEC of the receivables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.ledger.fec import fec_filename, write_fec
from encaisse.ledger.selectors import fec_export_lines

HELP = """Write the entries of the company's invoices, credit notes and payments as an FEC.

Tab separated, the 18 columns in order, dates YYYYMMDD, comma decimals, entries numbered
in sequence per journal, lettering codes from the allocations. Without -o, the file is
named SIRENFECYYYYMMDD.txt (the closing date: --to, else today) in the current directory.
Accounts and journals come from the company's ledger settings (411000, 706000, 44571xx,
512000, journals VE and BQ by default).
"""


class Command(EncaisseCommand):
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_company_argument(parser)
        parser.add_argument("--from", dest="date_from", help="first day (default: everything)")
        parser.add_argument("--to", dest="date_to", help="last day (default: everything)")
        parser.add_argument("-o", "--output", help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        date_from = parse_date_arg(options["date_from"]) if options["date_from"] else None
        date_to = parse_date_arg(options["date_to"]) if options["date_to"] else None
        path = Path(
            options["output"] or fec_filename(company.siren, date_to or parse_date_arg(None))
        )
        count = 0
        with path.open("w", encoding="utf-8", newline="") as out:
            for text in write_fec(fec_export_lines(company, date_from=date_from, date_to=date_to)):
                out.write(text)
                count += 1
        self.stdout.write(f"{path}: {count - 1} lines")
