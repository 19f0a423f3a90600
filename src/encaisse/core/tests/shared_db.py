"""The test's database for other processes (commands run as subprocesses, a lock holder).

On PostgreSQL the test database itself, which a test marked `django_db(transaction=True)`
commits to. On SQLite the test database lives in memory, out of other processes' reach: it is
copied to a file for the block and copied back when the block ends, so that the test then reads
with the ORM what the subprocesses wrote.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

SRC = Path(__file__).resolve().parents[3]  # the src/ folder, for the subprocesses' PYTHONPATH


@contextmanager
def shared_database(tmp_path: Path) -> Iterator[str]:
    """A DATABASE_URL that another process can open on the test's data."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings["USER"] or "")
        password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"
        yield f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    try:
        yield f"sqlite:///{path}"
    finally:
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def command_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an `encaisse` subprocess working on `database_url`."""
    return {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "encaisse.settings",
        "DATABASE_URL": database_url,
        **extra,
    }


def manage(*args: str) -> list[str]:
    """The argv of `python -m encaisse.manage ARGS` with this interpreter."""
    return [sys.executable, "-m", "encaisse.manage", *args]


def run_command(database_url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own command
        manage(*args),
        env=command_env(database_url, **extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
