"""Shared plumbing of the `encaisse` commands: company lookup and one-line errors."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.core.dates import parse_date, today
from encaisse.core.exceptions import DomainError
from encaisse.core.locks import import_lock
from encaisse.core.models import Company


def resolve_company(value: str | None) -> Company:
    """A company by slug or SIREN; optional when only one company exists."""
    if not value:
        companies = list(Company.objects.all()[:2])
        if len(companies) == 1:
            return companies[0]
        raise CommandError(
            "--company is required (slug or SIREN)" if companies else "no company exists yet"
        )
    found = (
        Company.objects.filter(slug=value).first()
        or Company.objects.filter(siren=value.replace(" ", "")).first()
    )
    if found is None:
        raise CommandError(f"unknown company: {value}")
    return found


def parse_date_arg(value: str | None) -> date:
    if not value:
        return today()
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CommandError(f"bad date {value!r}: expected YYYY-MM-DD or DD/MM/YYYY") from exc


class EncaisseCommand(BaseCommand):
    """A command whose business errors end as one line on stderr and a non-zero exit."""

    company_required = False
    # Imports of one company go one at a time (`core.locks.import_lock`): a second one waits.
    takes_import_lock = False

    def add_company_argument(self, parser: CommandParser) -> None:
        parser.add_argument("--company", help="company slug or SIREN")

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            if self.takes_import_lock:
                with import_lock(resolve_company(options.get("company"))):
                    return super().execute(*args, **options)
            return super().execute(*args, **options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
