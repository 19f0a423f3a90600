"""`encaisse import-einvoice FILE... --company C`: e-invoices issued by another tool."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from encaisse.core.cli import EncaisseCommand, resolve_company
from encaisse.invoicing.documents.receive import einvoice_import


class Command(EncaisseCommand):
    help = (
        "Import Factur-X / ZUGFeRD PDFs and CII or UBL XML e-invoices (EN 16931 or BASIC "
        "profile) issued by another tool. The customer is found by SIREN or VAT number, or "
        "created. Each file is imported whole or refused with its reason; a file imported "
        "twice adds nothing. Exit status 1 when a file was refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="PDF or XML files")
        self.add_company_argument(parser)
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        files = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(_("No such file: %(path)s") % {"path": name})
            files.append((name, path.read_bytes()))
        results = einvoice_import(company=company, files=files, actor=None)
        if options["format"] == "json":
            self.stdout.write(json.dumps([asdict(r) for r in results], indent=2))
        else:
            for r in results:
                if r.status == "refused":
                    self.stdout.write(f"{r.filename}: refused: {r.reason}")
                else:
                    detail = f" ({r.reason})" if r.reason else ""
                    self.stdout.write(f"{r.filename}: {r.status} {r.number} {r.customer}{detail}")
        refused = [r for r in results if r.status == "refused"]
        if refused:
            raise CommandError(
                _("%(refused)d of %(total)d file(s) refused.")
                % {"refused": len(refused), "total": len(results)}
            )
