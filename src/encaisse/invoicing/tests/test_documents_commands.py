"""`encaisse export-document` and `encaisse import-einvoice`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from encaisse.core.models import Company
from encaisse.invoicing.documents import services
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.tests.documents_helpers import dress_company, issue_invoice, make_buyer

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "einvoices"


def test_export_document_writes_the_stored_bytes(company: Company, tmp_path: Path) -> None:
    # given an issued invoice whose document the web download would return
    dress_company(company)
    invoice = issue_invoice(company, make_buyer(company))
    stored = bytes(services.invoice_document(company=company, invoice_id=invoice.pk).content)
    target = tmp_path / "out.pdf"
    # when it is exported by number
    out = io.StringIO()
    call_command(
        "export-document", invoice.number, "--company", "acme", "-o", str(target), stdout=out
    )
    # then the file holds exactly the stored document
    assert target.read_bytes() == stored
    assert f"{len(stored)} bytes" in out.getvalue()


def test_export_unknown_number_fails_in_one_line(company: Company, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("export-document", "F-999999", "--company", "acme", "-o", str(tmp_path / "x"))
    assert str(exc.value) == "Aucune facture, aucun avoir ni devis émis portant le numéro F-999999."
    assert not (tmp_path / "x").exists()


def test_import_einvoice_reports_each_file(company: Company, tmp_path: Path) -> None:
    # given one good file and one that is not an e-invoice
    dress_company(company)
    bad = tmp_path / "notes.txt"
    bad.write_text("bonjour")
    good = FIXTURES / "cii_basic_invoice.xml"
    out = io.StringIO()
    # when both are imported
    with pytest.raises(CommandError) as exc:
        call_command(
            "import-einvoice", str(good), str(bad), "--company", "acme", "--format", "json",
            stdout=out,
        )  # fmt: skip
    # then the good one is imported, the bad one refused with its reason, exit status 1
    assert str(exc.value) == "1 fichier(s) sur 2 refusé(s)."
    results = json.loads(out.getvalue())
    assert [(r["status"], r["number"], r["reason"]) for r in results] == [
        ("imported", "ERP-2025-0457", ""),
        ("refused", "", "not a PDF or XML e-invoice"),
    ]
    assert Invoice.objects.filter(company=company).count() == 1


def test_import_einvoice_missing_file(company: Company) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("import-einvoice", "/nonexistent.xml", "--company", "acme")
    assert str(exc.value) == "Fichier introuvable : /nonexistent.xml"


def test_export_document_of_a_quote(company: Company, tmp_path: Path) -> None:
    from datetime import date
    from decimal import Decimal

    from encaisse.invoicing.quotes import services as quotes
    from encaisse.invoicing.services import LineData

    dress_company(company)
    draft = quotes.quote_draft_create(
        company=company,
        customer=make_buyer(company),
        lines=[LineData("Étude", Decimal(1), Decimal("500"), Decimal("0.2"))],
        actor=None,
    )
    quote = quotes.quote_issue(company=company, quote_id=draft.pk, actor=None, on=date(2025, 3, 3))
    target = tmp_path / "devis.pdf"
    call_command(
        "export-document", "D-000001", "--company", "acme", "-o", str(target), stdout=io.StringIO()
    )
    stored = services.quote_document(company=company, quote_id=quote.pk)
    assert target.read_bytes() == bytes(stored.content)
