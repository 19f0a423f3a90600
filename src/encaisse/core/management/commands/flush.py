"""`flush`, as Django's, on a database whose audit trail is append-only (`core.append_only`).

On SQLite a flush deletes every row of every table; the audit triggers would refuse it, so they
are lifted for the flush and put back right after, whatever happens. Tests that commit are
flushed this way after each test.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections

from encaisse.core import append_only


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if not append_only.flush_lifts_the_guard(connection):
            super().handle(**options)
            return
        append_only.remove(connection)
        try:
            super().handle(**options)
        finally:
            append_only.install(connection)
