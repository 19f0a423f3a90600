"""Shared plumbing of the `encaisse` commands: company lookup, the user's language, and errors
as one line in that language (French by default, English with `LANG=en...`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import date
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import Error as DatabaseFailure
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from encaisse.core.dates import parse_date, today
from encaisse.core.exceptions import DomainError
from encaisse.core.locks import import_lock
from encaisse.core.models import Company

# argparse's own messages, translated through our catalogue (argparse_translate()).
ARGPARSE_MESSAGES = (
    gettext_noop("usage: "),
    gettext_noop("positional arguments"),
    gettext_noop("options"),
    gettext_noop("show this help message and exit"),
    gettext_noop("argument %(argument_name)s: %(message)s"),
    gettext_noop("the following arguments are required: %s"),
    gettext_noop("unrecognized arguments: %s"),
    gettext_noop("expected one argument"),
    gettext_noop("expected at least one argument"),
    gettext_noop("expected at most one argument"),
    gettext_noop("invalid %(type)s value: %(value)r"),
    gettext_noop("invalid choice: %(value)r (choose from %(choices)s)"),
    gettext_noop("ambiguous option: %(option)s could match %(matches)s"),
    gettext_noop("one of the arguments %s is required"),
    gettext_noop("not allowed with argument %s"),
)


def cli_language(environ: Mapping[str, str]) -> str:
    """The language of a command line: the locale's when we speak it, else the project's.

    >>> cli_language({"LANG": "en_GB.UTF-8"}), cli_language({"LANG": "C.UTF-8"})
    ('en', 'fr')
    >>> cli_language({"LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"})
    'fr'
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE


def cli_language_activate(environ: Mapping[str, str]) -> None:
    """Speak the user's language in this process, argparse's messages included."""
    translation.activate(cli_language(environ))
    argparse._ = _  # type: ignore[attr-defined]  # argparse looks `_` up at each message


def error_line(exc: BaseException) -> str:
    """A refusal as the one line a command prints: translated, never a traceback."""
    if isinstance(exc, FileNotFoundError) and exc.filename:
        message = _("No such file: %(path)s") % {"path": exc.filename}
    elif isinstance(exc, PermissionError) and exc.filename:
        message = _("Permission denied: %(path)s") % {"path": exc.filename}
    elif isinstance(exc, OSError) and exc.strerror:
        message = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    else:
        message = str(exc)
    return "; ".join(line.strip() for line in message.splitlines() if line.strip())


def resolve_company(value: str | None) -> Company:
    """A company by slug or SIREN; optional when only one company exists."""
    if not value:
        companies = list(Company.objects.all()[:2])
        if len(companies) == 1:
            return companies[0]
        raise CommandError(
            _("--company is required (slug or SIREN).")
            if companies
            else _("No company exists yet.")
        )
    found = (
        Company.objects.filter(slug=value).first()
        or Company.objects.filter(siren=value.replace(" ", "")).first()
    )
    if found is None:
        raise CommandError(_("Unknown company: %(company)s") % {"company": value})
    return found


def parse_date_arg(value: str | None) -> date:
    if not value:
        return today()
    try:
        return parse_date(value)
    except ValueError as exc:
        raise CommandError(
            _("Bad date %(value)s: expected YYYY-MM-DD or DD/MM/YYYY.") % {"value": repr(value)}
        ) from exc


class EncaisseCommand(BaseCommand):
    """A command whose refusals (bad arguments, business errors, missing files) end as one line
    on stderr in the user's language and a non-zero exit; `call_command` gets a CommandError."""

    company_required = False
    # Imports of one company go one at a time (`core.locks.import_lock`): a second one waits.
    takes_import_lock = False

    def add_company_argument(self, parser: CommandParser) -> None:
        parser.add_argument("--company", help=_("company slug or SIREN"))

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = self._argument_error  # type: ignore[method-assign]  # one line, no usage
        return parser

    def _argument_error(self, message: str) -> NoReturn:
        self._refuse(CommandError(message, returncode=2))

    def _refuse(self, exc: CommandError) -> NoReturn:
        if not getattr(self, "_called_from_command_line", False):
            raise exc
        self.stderr.write(_("Error: %(message)s") % {"message": error_line(exc)})
        sys.exit(exc.returncode)

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            try:
                if self.takes_import_lock:
                    with import_lock(resolve_company(options.get("company"))):
                        return super().execute(*args, **options)
                return super().execute(*args, **options)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            except (OSError, ValueError) as exc:
                raise CommandError(error_line(exc)) from exc
            except DatabaseFailure as exc:
                # The server went away (restart, network) or refused: the command's
                # transaction was rolled back; one line says so, never a traceback.
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise CommandError(
                    f"database error, nothing of this run was saved: {reason}"
                ) from exc
        except CommandError as exc:
            if options.get("traceback"):
                raise
            self._refuse(exc)
