"""Accounting pages: upload, export download, reconciliation, settings, customer panel."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from encaisse.core.models import Company, Membership, Role
from encaisse.core.tests.factories import (
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_invoice,
    make_payment,
)
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.ledger.models import FecImport, LedgerSettings
from encaisse.ledger.tests.fecdata import LEDGER

pytestmark = pytest.mark.django_db


def client_for(company: Company, role: Role, username: str) -> Client:
    membership: Membership = MembershipFactory.create(
        company=company, user=UserFactory.create(username=username), role=role
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(membership.user)
    return client


@pytest.fixture
def web(company: Company) -> Client:
    return client_for(company, Role.OWNER, "boss")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_the_page_is_in_the_menu_and_offers_import_and_export(web: Client) -> None:
    body = web.get(reverse("ledger:accounting")).content.decode()

    assert f'href="{reverse("ledger:accounting")}">Accounting</a>' in body
    assert 'id="fec-import-form"' in body
    assert 'id="fec-export-form"' in body


def test_upload_imports_and_shows_the_checked_accounts(company: Company, web: Client) -> None:
    response = web.post(
        reverse("ledger:accounting_upload"), {"file": upload("732829320FEC20251231.txt", LEDGER)}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="fec-result"' in body
    assert "4 invoices created" in body
    assert "3 open items, 610,00\xa0€ left open on the customer accounts" in body
    assert body.count("matches the file") == 2
    assert Invoice.objects.filter(company=company).count() == 5
    assert FecImport.objects.get(company=company).filename == "732829320FEC20251231.txt"


def test_a_refused_upload_lists_the_errors_and_keeps_nothing(company: Company, web: Client) -> None:
    broken = LEDGER.replace(b"20250115", b"2025-01-15", 1)

    body = web.post(
        reverse("ledger:accounting_upload"), {"file": upload("broken.txt", broken)}
    ).content.decode()

    assert "The file was refused (1 error); nothing was imported." in body
    assert "<code>EcritureDate</code>" in body
    assert "not a date: expected YYYYMMDD" in body
    assert not Invoice.objects.exists()
    assert not Customer.objects.exists()


def test_an_accountant_reads_and_exports_but_cannot_import(company: Company) -> None:
    client = client_for(company, Role.ACCOUNTANT, "compta")

    assert client.get(reverse("ledger:accounting")).status_code == 200
    assert (
        client.post(
            reverse("ledger:accounting_upload"), {"file": upload("x.txt", LEDGER)}
        ).status_code
        == 403
    )
    assert client.get(reverse("ledger:accounting_download")).status_code == 200
    assert not Invoice.objects.exists()


def test_anonymous_is_sent_to_login(db: None) -> None:
    response = Client().get(reverse("ledger:accounting"))
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_export_downloads_the_company_fec(
    company: Company, other_company: Company, web: Client
) -> None:
    customer = CustomerFactory.create(company=company, reference="C1")
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 15))
    stranger = CustomerFactory.create(company=other_company, reference="X9")
    make_invoice(company=other_company, customer=stranger, amount="7.00")

    response = web.get(
        reverse("ledger:accounting_download"), {"date_from": "2025-01-01", "date_to": "2025-12-31"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{company.siren}FEC20251231.txt"'
    )
    text = b"".join(response.streaming_content).decode()
    lines = text.split("\r\n")
    assert lines[0].startswith("JournalCode\tJournalLib\tEcritureNum")
    assert len(lines) == 5  # header, three lines, final newline
    assert "\tC1\t" in lines[1]
    assert "X9" not in text


def test_export_refuses_a_reversed_period(web: Client) -> None:
    response = web.get(
        reverse("ledger:accounting_download"), {"date_from": "2025-12-31", "date_to": "2025-01-01"}
    )
    assert response.status_code == 400


def test_reconciliation_page_and_downloads(company: Company, web: Client) -> None:
    customer = CustomerFactory.create(company=company, reference="C1", name="Dupont")
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 15))
    make_payment(company=company, customer=customer, amount="20.00", received_on=date(2025, 2, 1))
    period = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
    url = reverse("ledger:accounting_reconciliation")

    body = web.get(url, period).content.decode()
    csv_text = web.get(url, {**period, "format": "csv"}).content.decode()
    xlsx = web.get(url, {**period, "format": "xlsx"})

    assert "Every statement reconciles." in body
    assert csv_text == (
        "reference,customer,opening,invoiced,credited,paid,closing,reconciles\n"
        "C1,Dupont,0.00,120.00,0.00,20.00,100.00,True\n"
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["C1", "Dupont", 0, 120, 0, 20, 100, True]


def test_reconciliation_of_another_companys_customer_is_a_404(
    other_company: Company, web: Client
) -> None:
    stranger = CustomerFactory.create(company=other_company)
    response = web.get(reverse("ledger:accounting_reconciliation"), {"customer": stranger.pk})
    assert response.status_code == 404


def test_the_customer_page_shows_its_statement_reconciled(company: Company, web: Client) -> None:
    customer = CustomerFactory.create(company=company)
    make_invoice(company=company, customer=customer, amount="100.00", issued_on=date(2025, 1, 15))
    make_payment(company=company, customer=customer, amount="50.00", received_on=date(2025, 2, 1))

    body = web.get(
        reverse("web:customer_detail", args=[customer.pk]),
        {"date_from": "2025-02-01", "as_of": "2025-03-31"},
    ).content.decode()

    assert 'id="statement-reconciliation"' in body
    assert 'id="recon-opening">120,00\xa0€<' in body
    assert 'id="recon-paid">50,00\xa0€<' in body
    assert 'id="recon-closing">70,00\xa0€<' in body
    assert 'id="recon-status">reconciles<' in body


def test_settings_are_saved_and_checked(company: Company, web: Client) -> None:
    url = reverse("ledger:accounting_settings")
    good = {
        "customer_account": "41100000",
        "sales_account": "70600000",
        "vat_account_prefix": "445710",
        "bank_account": "51200000",
        "sales_journal": "VT",
        "sales_journal_label": "Ventes",
        "bank_journal": "BQ1",
        "bank_journal_label": "Banque",
    }

    bad = web.post(url, {**good, "bank_journal": "VT", "bank_account": "512-000"})
    response = web.post(url, good)

    assert "The bank journal must differ from the sales journal." in bad.content.decode()
    assert "An account number has only letters and digits." in bad.content.decode()
    assert response.status_code == 302
    saved = LedgerSettings.objects.get(company=company)
    assert (saved.customer_account, saved.sales_journal, saved.bank_journal) == (
        "41100000",
        "VT",
        "BQ1",
    )


def test_only_money_roles_change_settings(company: Company) -> None:
    client = client_for(company, Role.SALES, "seller")
    response = client.post(reverse("ledger:accounting_settings"), {"customer_account": "4"})
    assert response.status_code == 403
    assert not LedgerSettings.objects.exists()
