"""Backup and restore (sauvegarde et restauration) of one encaisse instance in one archive.

Everything a company keeps is in the database, issued documents included: the PDF/A-3 with its
Factur-X XML is a row (`IssuedDocument.content`), never a file. The only files are the uploads
under MEDIA_ROOT (company logos). An archive is a gzipped tar holding:

- `manifest.json`: archive format, versions (encaisse, Django, Python, database server), the
  backend, the applied migrations, and the size and SHA-256 of every other member;
- `database.sqlite3` (SQLite, a consistent copy through the online backup API, taken while the
  application runs) or `database.pgdump` (PostgreSQL, `pg_dump --format=custom`);
- `media/...`: the files under MEDIA_ROOT.

A restore checks every checksum before it touches anything, refuses an archive of the other
backend, one from a newer encaisse (migrations unknown here), and a database that already holds a
company or a user unless forced.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.core.models import Company

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MEDIA_PREFIX = "media/"


@dataclass(frozen=True, slots=True)
class Summary:
    """What an archive holds, for the command's one-line report."""

    backend: str
    created_at: str
    encaisse_version: str
    media_files: int
    size: int
    pending_migrations: int = 0


def backend() -> str:
    vendor = connection.vendor
    if vendor not in DUMPS:
        raise CommandError(
            _("Backup supports SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": vendor}
        )
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version() -> str:
    try:
        return metadata.version("encaisse")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "unknown"


def _applied_migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def pg_binary(name: str) -> str:
    """`pg_dump` / `pg_restore`: the newest Debian build, else the one on the PATH."""

    def major(path: str) -> int:
        part = Path(path).parts[-3]
        return int(part) if part.isdigit() else 0

    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major, reverse=True)
    if found:
        return found[0]
    on_path = shutil.which(name)
    if on_path is None:
        raise CommandError(
            _(
                "%(name)s is missing: install the PostgreSQL client "
                "(apt-get install postgresql-client)."
            )
            % {"name": name}
        )
    return on_path


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode", ""),
    }
    return {**os.environ, **{k: v for k, v in values.items() if v}}


def _run(command: list[str]) -> None:
    done = subprocess.run(  # noqa: S603 - fixed binaries, arguments built here
        command, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or [""])[-1]
        raise CommandError(
            _("%(program)s failed: %(detail)s")
            % {"program": Path(command[0]).name, "detail": detail}
        )


def _dump_database(kind: str, target: Path) -> None:
    if kind == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        _run(
            [
                pg_binary("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(target),
            ]
        )


def _load_database(kind: str, source: Path) -> None:
    if kind == "sqlite":
        connection.ensure_connection()
        dump = sqlite3.connect(source)
        try:
            dump.backup(connection.connection)
        finally:
            dump.close()
    else:
        connection.close()  # pg_restore drops the tables: no session of ours may hold them
        _run(
            [
                pg_binary("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(source),
            ]
        )


def _media_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return [
        (MEDIA_PREFIX + path.relative_to(root).as_posix(), path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]


def backup_create(output: Path) -> Summary:
    """Write the database and the media files to `output` (replaced only once complete)."""
    kind = backend()
    output = output.expanduser()
    with tempfile.TemporaryDirectory(prefix="encaisse-backup-") as work:
        dump = Path(work) / DUMPS[kind]
        _dump_database(kind, dump)
        members = [(DUMPS[kind], dump), *_media_files()]
        manifest: dict[str, Any] = {
            "format": ARCHIVE_FORMAT,
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "backend": kind,
            "versions": {
                "encaisse": _version(),
                "django": django.get_version(),
                "python": platform.python_version(),
                "database": _server_version(kind),
            },
            "migrations": _applied_migrations(),
            "files": {
                name: {"size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in members
            },
        }
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
        partial.replace(output)
    return _summary(manifest, output)


def _server_version(kind: str) -> str:
    if kind == "sqlite":
        return sqlite3.sqlite_version
    connection.ensure_connection()
    return str(connection.pg_version)  # type: ignore[attr-defined]  # PostgreSQL wrapper only


def _summary(manifest: dict[str, Any], path: Path) -> Summary:
    return Summary(
        backend=manifest["backend"],
        created_at=manifest["created_at"],
        encaisse_version=manifest["versions"]["encaisse"],
        media_files=sum(1 for name in manifest["files"] if name.startswith(MEDIA_PREFIX)),
        size=path.stat().st_size,
    )


def database_is_empty() -> bool:
    """No company and no user: nothing a restore would overwrite (a fresh or unmigrated base)."""
    tables = set(connection.introspection.table_names())
    if Company._meta.db_table not in tables:
        return True
    user_model = get_user_model()
    return not (Company.objects.exists() or user_model.objects.exists())


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest: dict[str, Any] = json.load(member) if member else {}
    except (KeyError, ValueError) as exc:
        raise CommandError(_("Not an encaisse backup: manifest.json is missing.")) from exc
    if manifest.get("format") != ARCHIVE_FORMAT or manifest.get("backend") not in DUMPS:
        raise CommandError(_("Unknown backup format (manifest.json)."))
    return manifest


def _extract_checked(archive: tarfile.TarFile, manifest: dict[str, Any], work: Path) -> None:
    """Copy every member named by the manifest to `work`, refusing any that differs from it."""
    for name, expected in manifest["files"].items():
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts:
            raise CommandError(_("Refused archive: unsafe path %(name)s.") % {"name": name})
        try:
            member = archive.extractfile(name)
        except KeyError:
            member = None
        if member is None:
            raise CommandError(_("Damaged archive: %(name)s is missing.") % {"name": name})
        target = work / pure
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            shutil.copyfileobj(member, out)
        if _sha256(target) != expected["sha256"]:
            raise CommandError(
                _("Damaged archive: %(name)s does not match its checksum.") % {"name": name}
            )


def backup_restore(source: Path, *, force: bool = False) -> Summary:
    """Replace the database and the media files with an archive's, after checking it whole."""
    kind = backend()
    source = source.expanduser()
    if not source.is_file():
        raise CommandError(_("No such file: %(path)s") % {"path": source})
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as exc:
        raise CommandError(_("Not an encaisse backup: %(path)s") % {"path": source}) from exc
    with archive, tempfile.TemporaryDirectory(prefix="encaisse-restore-") as tmp:
        manifest = _read_manifest(archive)
        if manifest["backend"] != kind:
            raise CommandError(
                _(
                    "This archive holds a %(archive)s database and this instance uses "
                    "%(current)s: restore it on a %(archive)s instance (DATABASE_URL)."
                )
                % {"archive": BACKEND_NAMES[manifest["backend"]], "current": BACKEND_NAMES[kind]}
            )
        known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
        unknown = sorted(set(manifest["migrations"]) - known)
        if unknown:
            raise CommandError(
                _(
                    "This archive comes from a newer encaisse (%(version)s, migration "
                    "%(name)s): upgrade first."
                )
                % {"version": manifest["versions"]["encaisse"], "name": unknown[0]}
            )
        if not force and not database_is_empty():
            raise CommandError(
                _("The database already holds companies or users: add --force to replace them.")
            )
        work = Path(tmp)
        _extract_checked(archive, manifest, work)
        _load_database(kind, work / DUMPS[kind])
        _replace_media(work / "media")
    pending = len(known - set(manifest["migrations"]))
    return replace(_summary(manifest, source), pending_migrations=pending)


def _replace_media(extracted: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    if root.exists():
        shutil.rmtree(root)
    if extracted.is_dir():
        shutil.copytree(extracted, root)
    else:
        root.mkdir(parents=True, exist_ok=True)
