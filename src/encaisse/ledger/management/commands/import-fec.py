"""`encaisse import-fec FILE --company C [--format json]`: receivables from an FEC file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.ledger.services import FecImportResult, fec_import

HELP = """Import the receivables of an FEC (Fichier des Écritures Comptables), all or nothing.

Tab or | separated, dates YYYYMMDD, comma decimals, UTF-8 or Latin-1. Lines of the
customer accounts (411..., the customer being CompAuxNum, else the account) become
customers, invoices (debits), credit notes (credits in a sales entry) and payments (other
credits); the lettering (EcritureLet) becomes allocations and what is left unlettered stays
open. A file without any lettering is lettered on import: exact amount and reference, then
oldest invoice first. The file is refused when an entry or the whole file does not balance.
Lines already imported are skipped, so the same file imported twice adds nothing.
"""


class Command(EncaisseCommand):
    takes_import_lock = True  # waits for another import of the same company
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="FEC file (.txt)")
        self.add_company_argument(parser)
        parser.add_argument("--date", help="import date, kept in the audit trail (default today)")
        parser.add_argument(
            "--lettering",
            choices=("auto", "file", "reconstitute"),
            default="auto",
            help="auto: the file's lettering, or lettered on import when it has none; "
            "file: only the file's lettering; reconstitute: lettered on import",
        )
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})

        def opener() -> IO[bytes]:
            return path.open("rb")

        result = fec_import(
            company=company,
            source=opener,
            filename=path.name,
            actor=None,
            on=parse_date_arg(options["date"]),
            reconstitute={"auto": None, "file": False, "reconstitute": True}[options["lettering"]],
        )
        if not result.ok:
            lines = [str(error) for error in result.errors]
            count = len(lines)
            lines.append(
                ngettext(
                    "%(count)d error: nothing imported.",
                    "%(count)d errors: nothing imported.",
                    count,
                )
                % {"count": count}
            )
            raise CommandError("\n".join(lines))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.counts()))
        else:
            self.stdout.write(summary(result))


def summary(result: FecImportResult) -> str:
    out = [
        f"{result.file}: {result.entries} entries, {result.lines} lines read",
        f"created {result.customers} customers, {result.invoices} invoices, "
        f"{result.credit_notes} credit notes, {result.payments} payments, "
        f"{result.allocations} allocations; {result.skipped} customer lines already imported",
    ]
    if result.reconstituted:
        out.append("no lettering in the file: payments matched to invoices on import")
    out.append(f"open items: {result.open_items}, open amount: {result.open_amount}")
    out.append("customer accounts (file / imported):")
    for check in result.accounts:
        out.append(
            f"  {check.account} {check.label}: {check.lines} lines, debit {check.debit}, "
            f"credit {check.credit}, balance {check.balance} -- "
            + ("ok" if check.ok else f"imported {check.imported_debit}/{check.imported_credit}")
        )
    return "\n".join(out)
