"""`encaisse import-invoices FILE --company C [--map field=Column ...]`: invoices from CSV/XLSX."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.collection.services import invoices_import
from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.core.exceptions import FileProblem
from encaisse.invoicing.importer.mapping import FIELDS, parse_mapping_items
from encaisse.invoicing.importer.rows import DATE_FORMATS
from encaisse.ledger.invoice_import import ImportResult

HELP = f"""Import invoices issued by another tool from a CSV or XLSX file, all or nothing.

Each row becomes an issued invoice (a negative total: a credit note) under the number it
has in the file; numbers the company already has are skipped, so the same file imported
twice adds nothing. Usual French and English headers are recognised; --map field=Column
names the others, and is saved for the company and reused when no --map is given.
Fields: {", ".join(FIELDS)}. Required: number, issue_date, total, and customer_ref or
customer_name. A missing due date comes from the customer's terms, else the company's,
else 30 days net. A paid amount (or total minus open amount, or the whole total when only
a paid date is given) becomes a payment allocated to the invoice, dated with the paid date
or, when the file has none, with the import date (--date, default today). Payments of
credit notes (refunds) are not imported. Dates: ISO, dd/mm/yyyy or m/d/yyyy, decided per
file unless --date-format is given.
"""


class Command(EncaisseCommand):
    takes_import_lock = True  # waits for another import of the same company
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV or XLSX file")
        self.add_company_argument(parser)
        parser.add_argument(
            "--map",
            action="extend",
            nargs="+",
            default=None,
            metavar="FIELD=COLUMN",
            help="which column holds a field, e.g. --map number='N° pièce' total=TTC",
        )
        parser.add_argument(
            "--date-format",
            choices=DATE_FORMATS,
            default=None,
            help="force how dates are read: dmy (31/03/2025), mdy (3/31/2025), iso",
        )
        parser.add_argument(
            "--date", help="import date, for payments without a paid date (default today)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        mapping = None
        if options["map"] is not None:
            mapping, errors = parse_mapping_items(options["map"], file=path.name)
            if errors:
                raise CommandError(_refusal(errors))
        result = invoices_import(
            company=company,
            content=path.read_bytes(),
            filename=path.name,
            actor=None,
            on=parse_date_arg(options["date"]),
            mapping=mapping,
            date_format=options["date_format"],
            dry_run=options["dry_run"],
        )
        if not result.ok:
            raise CommandError(_refusal(result.errors))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.counts()))
        else:
            self.stdout.write(_summary(result))


def _refusal(errors: Sequence[FileProblem]) -> str:
    lines = [str(error) for error in errors]
    count = len(lines)
    lines.append(
        ngettext("%(count)d error: nothing imported.", "%(count)d errors: nothing imported.", count)
        % {"count": count}
    )
    return "\n".join(lines)


def _summary(result: ImportResult) -> str:
    verb = "would create" if result.dry_run else "created"
    return (
        f"{result.file}: {verb} {result.created} invoices, {result.customers_created} customers, "
        f"{result.payments_created} payments; {result.skipped_existing} already imported"
        + (" (dry run, nothing written)" if result.dry_run else "")
    )
