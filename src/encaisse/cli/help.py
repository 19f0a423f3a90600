"""`encaisse --help`: our commands first, grouped by what an operator does, one line each; then
Django's own commands."""

from __future__ import annotations

from collections import defaultdict

import django.core.management
from django.core.management import find_commands, get_commands, load_command_class
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

GROUPS: tuple[tuple[Promise, tuple[tuple[str, Promise], ...]], ...] = (
    (
        _lazy("Invoices"),
        (
            ("import-invoices", _lazy("import invoices of another tool (CSV, XLSX)")),
            ("import-einvoice", _lazy("import e-invoices (Factur-X PDF, CII or UBL XML)")),
            ("export-document", _lazy("write the PDF of an invoice, credit note or quote")),
        ),
    ),
    (
        _lazy("Bank"),
        (("import-bank", _lazy("import bank statements and match them to invoices")),),
    ),
    (
        _lazy("Accounting"),
        (
            ("import-fec", _lazy("import the receivables of an FEC")),
            ("export-fec", _lazy("export the entries as an FEC for the accountant")),
            ("reconcile-statements", _lazy("reconcile each customer's statement of account")),
        ),
    ),
    (
        _lazy("Dunning"),
        (
            ("dunning-run", _lazy("decide today's reminders (outbox)")),
            ("dunning-send", _lazy("deliver the queued reminders")),
            ("rates-update", _lazy("load ECB refinancing rates (late penalties)")),
        ),
    ),
    (
        _lazy("Reports"),
        (("report", _lazy("aged balance, DSO, KPIs... as a table, JSON, CSV or XLSX")),),
    ),
    (
        _lazy("Administration"),
        (
            ("company-create", _lazy("create a company")),
            ("api-token", _lazy("create an API token")),
            ("backup", _lazy("back up the database and the uploaded files")),
            ("restore", _lazy("restore a backup")),
            ("demo", _lazy("create a demo company")),
            ("migrate", _lazy("create or update the database")),
            ("createsuperuser", _lazy("create an administrator")),
            ("runserver", _lazy("serve the application (development server)")),
            ("collectstatic", _lazy("gather the static files for a web server")),
        ),
    ),
)


def _first_sentence(app: str, name: str) -> str:
    text = " ".join(str(load_command_class(app, name).help).split())
    return text.split(". ")[0].rstrip(".")[:70]


def main_help() -> str:
    commands = get_commands()
    groups = [
        (str(title), [(name, str(line)) for name, line in entries if name in commands])
        for title, entries in GROUPS
    ]
    listed = {name for _title, entries in groups for name, _line in entries}
    # Django's own commands that an app of ours overrides (flush) stay with Django's.
    builtin = set(find_commands(django.core.management.__path__[0]))
    others = sorted(
        n
        for n, app in commands.items()
        if app.startswith("encaisse") and n not in listed and n not in builtin
    )
    if others:
        groups.append((_("Other"), [(n, _first_sentence(commands[n], n)) for n in others]))
    width = max(len(name) for _title, entries in groups for name, _line in entries) + 2
    lines = [_("Usage: encaisse <command> [options]; encaisse <command> --help for its options.")]
    for title, entries in groups:
        lines += ["", _("%(group)s:") % {"group": title}]
        lines += [f"  {name.ljust(width)}{line}" for name, line in entries]
    django_commands: dict[str, list[str]] = defaultdict(list)
    for name, app in commands.items():
        if (not app.startswith("encaisse") or name in builtin) and name not in listed:
            django_commands["core" if name in builtin else app.rpartition(".")[2]].append(name)
    lines += ["", _("Django commands:")]
    lines += [
        f"  [{app}] {', '.join(sorted(names))}" for app, names in sorted(django_commands.items())
    ]
    return "\n".join(lines)
