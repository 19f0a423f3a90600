"""`encaisse api-token --company C --user USERNAME [--name N]`: print a new API token once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from encaisse.api.models import ApiToken
from encaisse.core.cli import EncaisseCommand, resolve_company
from encaisse.core.models import Membership


class Command(EncaisseCommand):
    help = (
        "Create an API token acting as USER in the company and print it. "
        "It is shown once: only its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_company_argument(parser)
        parser.add_argument("--user", required=True, help="username of a member of the company")
        parser.add_argument("--name", default="", help="what the token is for (default: api)")

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        username = options["user"]
        membership = (
            Membership.objects.filter(company=company, user__username=username)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise CommandError(f"{username} is not a member of {company.slug}")
        if not membership.user.is_active:
            raise CommandError(f"{username} is not an active user")
        name = (options["name"] or "api").strip()[:100]
        _token, raw = ApiToken.issue(company=company, user=membership.user, name=name)
        self.stdout.write(raw)
        self.stderr.write(
            f"token '{name}' for {username} ({membership.role}) in {company.slug}; "
            "store it now, it is not shown again"
        )
