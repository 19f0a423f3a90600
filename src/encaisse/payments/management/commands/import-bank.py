"""`encaisse import-bank FILE... --company C [--format json]`: bank statements in, matched."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from encaisse.core.cli import EncaisseCommand, parse_date_arg, resolve_company
from encaisse.core.exceptions import DomainError
from encaisse.payments.bank import BankImportResult, bank_import
from encaisse.payments.io import FORMATS
from encaisse.payments.io.csv import FIELDS as CSV_FIELDS

HELP = """Import bank statements (CAMT.053/054, OFX/QFX, MT940, CFONB 120, CSV), each file
whole or not at all, and match their credits to open invoices: sure matches are applied,
the others proposed on the reconciliation screen. A movement already imported is skipped.
"""


class Command(EncaisseCommand):
    takes_import_lock = True  # waits for another import of the same company
    help = HELP

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        self.add_company_argument(parser)
        parser.add_argument(
            "--bank-format",
            choices=FORMATS,
            default=None,
            help="force the file format (default: detected)",
        )
        parser.add_argument(
            "--map",
            action="extend",
            nargs="+",
            default=None,
            metavar="FIELD=COLUMN",
            help=f"CSV only: which column holds a field ({', '.join(CSV_FIELDS)}); saved for "
            "the company and reused when no --map is given",
        )
        parser.add_argument("--date", help="import date (default today)")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        on = parse_date_arg(options["date"])
        mapping = _mapping(options["map"])
        results: list[BankImportResult] = []
        errors: list[str] = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                errors.append(f"{name}: no such file")
                continue
            try:
                results.append(
                    bank_import(
                        company=company,
                        content=path.read_bytes(),
                        filename=path.name,
                        actor=None,
                        on=on,
                        format=options["bank_format"],
                        csv_mapping=mapping,
                    )
                )
            except DomainError as exc:
                errors.append(exc.message)
        if options["format"] == "json":
            self.stdout.write(json.dumps({"files": [r.as_dict() for r in results]}))
        else:
            for r in results:
                self.stdout.write(
                    f"{r.file} ({r.format}): {r.lines} lines, {r.new} new, "
                    f"{r.auto_matched} matched automatically, {r.proposed} proposed, "
                    f"{r.unmatched} unmatched"
                )
        if errors:
            raise CommandError(
                "\n".join(
                    [
                        *errors,
                        _("%(count)d file(s) refused, nothing imported from them.")
                        % {"count": len(errors)},
                    ]
                )
            )


def _mapping(items: list[str] | None) -> dict[str, str] | None:
    if items is None:
        return None
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, column = item.partition("=")
        if not sep or field.strip() not in CSV_FIELDS:
            raise CommandError(
                _("--map %(item)s: expected field=Column with a field among %(fields)s.")
                % {"item": repr(item), "fields": ", ".join(CSV_FIELDS)}
            )
        mapping[field.strip()] = column.strip()
    return mapping
