"""`encaisse export-document NUMBER --company C -o FILE.pdf`: the stored document of an issued
invoice, credit note or quote, byte for byte what the web download returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from encaisse.core.cli import EncaisseCommand, resolve_company
from encaisse.invoicing.documents.services import document_by_number


class Command(EncaisseCommand):
    help = (
        "Write the stored PDF (PDF/A-3 with Factur-X for invoices and credit notes) of an "
        "issued invoice, credit note or quote. The document is rendered once, then the same "
        "bytes are returned every time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help="invoice, credit note or quote number")
        self.add_company_argument(parser)
        parser.add_argument(
            "-o", "--output", help="file to write (default: the document's file name)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        document = document_by_number(company=company, number=options["number"].strip())
        path = Path(options["output"] or document.filename)
        content = bytes(document.content)
        path.write_bytes(content)
        self.stdout.write(f"{path}: {len(content)} bytes, sha256 {document.sha256}")
