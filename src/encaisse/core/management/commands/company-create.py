"""`encaisse company-create --name NAME --siren SIREN [--slug S]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from encaisse.core.cli import EncaisseCommand
from encaisse.core.services import company_create


class Command(EncaisseCommand):
    help = "Create a company (tenant)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="legal name")
        parser.add_argument("--siren", required=True, help="9-digit SIREN")
        parser.add_argument(
            "--slug", help="short name used in URLs and --company (default: from name)"
        )
        parser.add_argument("--owner", help="username of an existing user to make owner")

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_create(
            legal_name=options["name"],
            siren=options["siren"],
            slug=options["slug"],
            owner_username=options["owner"],
        )
        if company is None:  # pragma: no cover - company_create raises instead
            raise CommandError("company not created")
        self.stdout.write(f"{company.slug}\t{company.siren}\t{company.legal_name}")
