"""`encaisse backup -o FILE`: the database and the media files in one archive (cron-able)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from encaisse.cli.backup import backup_create
from encaisse.core.cli import EncaisseCommand


class Command(EncaisseCommand):
    help = _("Back up the database and the uploaded files to one archive.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help=_("archive to write (.tar.gz)"))

    def handle(self, *args: Any, **options: Any) -> None:
        summary = backup_create(Path(options["output"]))
        self.stdout.write(
            _("Backup written: %(path)s (%(backend)s, %(files)d file(s), %(size)s kB).")
            % {
                "path": options["output"],
                "backend": summary.backend,
                "files": summary.media_files,
                "size": f"{summary.size / 1024:.0f}",
            }
        )
