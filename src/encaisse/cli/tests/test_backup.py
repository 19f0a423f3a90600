"""`encaisse backup` / `encaisse restore`: an archive brings back the same ledger, documents,
audit rows and uploaded files, on whichever database the suite runs (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from encaisse.core.models import AuditEvent, Company
from encaisse.customers.models import Customer
from encaisse.invoicing.documents.services import invoice_document
from encaisse.invoicing.models import Invoice, IssuedDocument
from encaisse.ledger.positions import customer_balances

TODAY = date(2026, 3, 15)
LOGO = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def ledger(transactional_db: None, media: Path) -> Company:
    """The demo company with a logo and two rendered invoice PDFs, committed (pg_dump sees it)."""
    call_command(
        "demo",
        *("--customers", "6", "--invoices", "40", "--today", str(TODAY), "--force"),
        stdout=StringIO(),
    )
    company = Company.objects.get(slug="demo")
    company.logo.save("logo.png", ContentFile(LOGO))
    issued = Invoice.objects.filter(company=company, status=Invoice.Status.ISSUED)
    for invoice in issued.order_by("number")[:2]:
        invoice_document(company=company, invoice_id=invoice.pk)
    return company


def snapshot() -> dict[str, Any]:
    company = Company.objects.get(slug="demo")
    return {
        "balances": [
            (p.reference, p.invoiced, p.open_amount, p.balance)
            for p in customer_balances(company, as_of=TODAY, only_nonzero=False)
        ],
        "documents": sorted(
            (d.number, hashlib.sha256(bytes(d.content)).hexdigest(), d.sha256)
            for d in IssuedDocument.objects.filter(company=company)
        ),
        "audit": list(
            AuditEvent.objects.order_by("id").values_list("id", "kind", "subject_id", "after")
        ),
        "logo": company.logo.name,
    }


def test_backup_then_restore_on_a_fresh_database_brings_everything_back(
    ledger: Company, media: Path, tmp_path: Path
) -> None:
    # given
    before = snapshot()
    archive = tmp_path / "encaisse.tar.gz"
    call_command("backup", "-o", str(archive), stdout=StringIO())
    call_command("flush", "--noinput")  # a fresh database, a fresh data folder
    shutil.rmtree(media)
    assert not Company.objects.exists()

    # when
    out = StringIO()
    call_command("restore", str(archive), stdout=out)

    # then
    after = snapshot()
    assert after == before
    assert len(after["balances"]) == 6
    assert len(after["documents"]) == 2
    assert all(computed == stored for _, computed, stored in after["documents"])
    assert len(after["audit"]) == AuditEvent.objects.count() > 0
    assert (media / after["logo"]).read_bytes() == LOGO
    assert out.getvalue().startswith("Sauvegarde du ")


def test_the_archive_lists_each_member_with_its_checksum(ledger: Company, tmp_path: Path) -> None:
    # given
    archive = tmp_path / "encaisse.tar.gz"

    # when
    call_command("backup", "-o", str(archive), stdout=StringIO())

    # then
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = sorted(tar.getnames())
        logo = tar.extractfile(f"media/{ledger.logo.name}").read()  # type: ignore[union-attr]
    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    assert names == sorted(["manifest.json", dump, f"media/{ledger.logo.name}"])
    assert manifest["backend"] == connection.vendor
    assert manifest["files"][f"media/{ledger.logo.name}"] == {
        "size": len(LOGO),
        "sha256": hashlib.sha256(LOGO).hexdigest(),
    }
    assert logo == LOGO
    assert "core.0001_initial" in manifest["migrations"]


def test_restore_refuses_a_database_that_holds_data_unless_forced(
    ledger: Company, tmp_path: Path
) -> None:
    # given
    archive = tmp_path / "encaisse.tar.gz"
    call_command("backup", "-o", str(archive), stdout=StringIO())
    Customer.objects.create(company=ledger, name="Arrivé après la sauvegarde", reference="LATE")

    # when
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=StringIO())

    # then
    assert str(refused.value) == (
        "La base contient déjà des sociétés ou des utilisateurs : ajoutez --force pour les "
        "remplacer."
    )
    assert Customer.objects.filter(reference="LATE").count() == 1

    # when
    call_command("restore", str(archive), "--force", stdout=StringIO())

    # then
    assert Customer.objects.filter(reference="LATE").count() == 0
    assert Customer.objects.filter(company__slug="demo").count() == 6


def _archive(tmp_path: Path, manifest: dict[str, Any], members: dict[str, bytes]) -> Path:
    path = tmp_path / "forged.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {"manifest.json": json.dumps(manifest).encode(), **members}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_restore_refuses_an_archive_of_the_other_backend(db: None, tmp_path: Path) -> None:
    # given
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = _archive(
        tmp_path,
        {"format": 1, "backend": other, "versions": {"encaisse": "0.1.0"}, "migrations": []},
        {},
    )

    # when
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))

    # then
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    assert str(refused.value) == (
        f"Cette archive contient une base {names[other]} et cette instance utilise "
        f"{names[connection.vendor]} : restaurez-la sur une instance {names[other]} "
        "(DATABASE_URL)."
    )


def test_restore_refuses_a_damaged_archive_and_changes_nothing(
    db: None, tmp_path: Path, media: Path
) -> None:
    # given
    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    archive = _archive(
        tmp_path,
        {
            "format": 1,
            "backend": connection.vendor,
            "versions": {"encaisse": "0.1.0"},
            "migrations": [],
            "files": {dump: {"size": 4, "sha256": hashlib.sha256(b"good").hexdigest()}},
        },
        {dump: b"evil"},
    )
    media.mkdir()
    (media / "kept.txt").write_text("kept")

    # when
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive))

    # then
    assert str(refused.value) == (
        f"Archive endommagée : {dump} ne correspond pas à sa somme de contrôle."
    )
    assert (media / "kept.txt").read_text() == "kept"
