"""`encaisse restore FILE [--force]`: put back what `encaisse backup` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from encaisse.cli.backup import backup_restore
from encaisse.core.cli import EncaisseCommand


class Command(EncaisseCommand):
    help = _("Restore a backup archive (refuses a database that holds data unless --force).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help=_("archive written by encaisse backup"))
        parser.add_argument(
            "--force", action="store_true", help=_("replace a database that already holds data")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = backup_restore(Path(options["archive"]), force=options["force"])
        self.stdout.write(
            _("Restored the backup of %(created)s (encaisse %(version)s, %(files)d file(s)).")
            % {
                "created": summary.created_at,
                "version": summary.encaisse_version,
                "files": summary.media_files,
            }
        )
        if summary.pending_migrations:
            self.stdout.write(_("Run encaisse migrate: this version has newer migrations."))
