"""`encaisse api-token`: create, list and revoke the API tokens of a company.

encaisse api-token --company C --user USERNAME [--name N] [--days D]   # print a new token
encaisse api-token --company C --list
encaisse api-token --company C --revoke ID
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.core.cli import EncaisseCommand, resolve_company
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company, Membership
from encaisse.core.selectors import api_token_list
from encaisse.core.services import TOKEN_MAX_DAYS, api_token_create, api_token_revoke


class Command(EncaisseCommand):
    help = (
        "Create an API token acting as USER in the company and print it (it is shown once: "
        "only its hash is stored); or --list the company's tokens; or --revoke one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_company_argument(parser)
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--list", action="store_true", help="list the company's tokens")
        action.add_argument("--revoke", type=int, metavar="ID", help="revoke the token ID")
        parser.add_argument("--user", help="username of a member of the company (to create)")
        parser.add_argument("--name", default="", help="what the token is for (default: api)")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"days the token lives (default: {settings.ENCAISSE_API_TOKEN_DAYS})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        company = resolve_company(options["company"])
        if options["list"]:
            self._list(company)
        elif options["revoke"] is not None:
            self._revoke(company, options["revoke"])
        else:
            self._create(company, options)

    def _create(self, company: Company, options: dict[str, Any]) -> None:
        username = options["user"]
        if not username:
            raise CommandError("--user is required to create a token")
        days = options["days"] or settings.ENCAISSE_API_TOKEN_DAYS
        if options["days"] is not None and not 1 <= options["days"] <= TOKEN_MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {TOKEN_MAX_DAYS}")
        membership = (
            Membership.objects.filter(company=company, user__username=username)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise CommandError(
                _("%(user)s is not a member of %(company)s.")
                % {"user": username, "company": company.slug}
            )
        if not membership.user.is_active:
            raise CommandError(_("%(user)s is not an active user.") % {"user": username})
        token, raw = api_token_create(
            company=company, user=membership.user, name=options["name"], days=days, actor=None
        )
        self.stdout.write(raw)
        self.stderr.write(
            f"token {token.pk} '{token.name}' for {username} ({membership.role}) in "
            f"{company.slug}, expires {token.expires_at:%Y-%m-%d}; "
            "store it now, it is not shown again"
        )

    def _revoke(self, company: Company, token_id: int) -> None:
        try:
            token = api_token_revoke(
                company=company, token_id=token_id, actor=None, now=timezone.now()
            )
        except DomainError as error:
            if error.code == CoreCode.TOKEN_UNKNOWN:
                raise CommandError(f"no token {token_id} in {company.slug}") from error
            raise CommandError(f"token {token_id} is already revoked") from error
        self.stdout.write(f"token {token.pk} '{token.name}' revoked")

    def _list(self, company: Company) -> None:
        now = timezone.now()

        def when(value: Any) -> str:
            return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else "-"

        rows = [("id", "name", "user", "created", "last_used", "expires", "state")]
        rows += [
            (
                str(t.pk),
                t.name,
                t.user.get_username(),
                when(t.created_at),
                when(t.last_used_at),
                when(t.expires_at),
                str(t.state_at(now)),
            )
            for t in api_token_list(company)
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            line = "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True))
            self.stdout.write(line.rstrip())
