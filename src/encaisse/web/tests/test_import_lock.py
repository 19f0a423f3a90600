"""Uploads from the browser take the company's import lock, like the commands: while another
import of the company runs, the page says so in one line and writes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from encaisse.core.locks import import_lock
from encaisse.core.models import Company
from encaisse.invoicing.models import Invoice
from encaisse.ledger.models import FecImport
from encaisse.payments.models import BankStatement
from encaisse.web.bank import views as bank_views
from encaisse.web.invoices import imports as invoice_views
from encaisse.web.ledger import views as ledger_views

BUSY = "Un import est déjà en cours pour cette société"
BANK_CSV = b"Date;Libell\xe9;Montant;Tiers\n03/03/2025;VIREMENT;500,00;GL AUTO\n"
INVOICES_CSV = (
    b"number;customer_name;issue_date;due_date;total\nF-1;Garage;01/03/2025;31/03/2025;100,00\n"
)


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    # a browser upload waits a few seconds for the lock; the test need not
    for module in (bank_views, invoice_views, ledger_views):
        monkeypatch.setattr(module, "WEB_IMPORT_WAIT", 0.0)


@pytest.mark.django_db(transaction=True)
def test_a_bank_upload_during_another_import_is_refused(
    owner_client: Client, company: Company
) -> None:
    # given another import of the company in progress
    with import_lock(company):
        # when a statement is uploaded
        upload = SimpleUploadedFile("releve.csv", BANK_CSV, content_type="text/csv")
        page = owner_client.post("/bank/import/", {"statements": [upload]}, follow=True)
    # then
    assert BUSY in page.content.decode()
    assert not BankStatement.objects.filter(company=company).exists()


@pytest.mark.django_db(transaction=True)
def test_an_invoice_upload_during_another_import_is_refused(
    owner_client: Client, company: Company
) -> None:
    with import_lock(company):
        upload = SimpleUploadedFile("factures.csv", INVOICES_CSV, content_type="text/csv")
        page = owner_client.post("/import/invoices/", {"file": upload, "mapping": ""})
    assert page.status_code == 200
    assert BUSY in page.content.decode()
    assert not Invoice.objects.filter(company=company).exists()


@pytest.mark.django_db(transaction=True)
def test_an_fec_upload_during_another_import_is_refused(
    owner_client: Client, company: Company
) -> None:
    with import_lock(company):
        upload = SimpleUploadedFile(
            "FEC.txt", b"JournalCode\tJournalLib\n", content_type="text/plain"
        )
        page = owner_client.post("/ledger/import/", {"file": upload})
    assert page.status_code == 200
    assert BUSY in page.content.decode()
    assert not FecImport.objects.filter(company=company).exists()
