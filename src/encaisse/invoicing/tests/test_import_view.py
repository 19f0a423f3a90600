"""The upload page: result shown, errors listed with nothing kept, roles enforced."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from encaisse.core.models import Company, Role
from encaisse.core.tests.factories import MembershipFactory, UserFactory
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Payment

FIXTURES = Path(__file__).parent / "fixtures"
URL = reverse("web:invoice_import")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def post(client: Client, content: bytes, name: str = "f.csv", **data: str):
    return client.post(URL, {"file": upload(name, content), **data}, HTTP_ACCEPT_LANGUAGE="en")


def counts() -> tuple[int, int, int]:
    return Invoice.objects.count(), Customer.objects.count(), Payment.objects.count()


def test_the_form_is_prefilled_with_the_saved_mapping(
    company: Company, owner_client: Client
) -> None:
    company.import_mapping = {"number": "Ref doc", "total": "Somme"}
    company.save()

    response = owner_client.get(URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["form"].initial == {"mapping": "number=Ref doc\ntotal=Somme"}
    assert b'id="import-form"' in response.content


def test_upload_imports_and_shows_the_result(company: Company, owner_client: Client) -> None:
    response = post(owner_client, (FIXTURES / "import_fr.csv").read_bytes(), "import_fr.csv")

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.file, result.created, result.skipped_existing) == ("import_fr.csv", 5, 0)
    assert (result.customers_created, result.payments_created) == (3, 2)
    assert response.context["errors"] == []
    assert b'id="import-result"' in response.content
    assert counts() == (5, 3, 2)
    invoice = Invoice.objects.get(company=company, number="F2025-001")
    assert invoice.created_by is not None
    assert invoice.created_by.username == "owner"


def test_upload_with_a_mapping_and_date_format(company: Company, owner_client: Client) -> None:
    content = b"Ref doc;Payeur;Le;Somme\nM1;Alpha;02/03/2025;10,00\n"

    response = post(
        owner_client,
        content,
        mapping="number=Ref doc\r\ncustomer_name=Payeur\r\nissue_date=Le\r\ntotal=Somme\r\n",
        date_format="mdy",
    )

    assert response.status_code == 200
    assert response.context["result"].created == 1
    assert Invoice.objects.get(number="M1").issue_date == date(2025, 2, 3)
    company.refresh_from_db()
    assert company.import_mapping == {
        "number": "Ref doc",
        "customer_name": "Payeur",
        "issue_date": "Le",
        "total": "Somme",
    }


def test_refused_upload_lists_every_error_and_keeps_nothing(
    company: Company, owner_client: Client
) -> None:
    content = b"N\xb0 facture;Client;Date;Total\nB1;Alpha;31/02/2025;10\nB2;Alpha;01/02/2025;x\n"

    response = post(owner_client, content, "bad.csv")

    assert response.status_code == 200
    assert response.context["result"] is None
    assert [(e.file, e.line, e.field) for e in response.context["errors"]] == [
        ("bad.csv", 2, "issue_date"),
        ("bad.csv", 3, "total"),
    ]
    body = response.content.decode()
    assert 'id="import-error-list"' in body
    assert "&#x27;31/02/2025&#x27; is not a date" in body
    assert counts() == (0, 0, 0)


def test_a_bad_mapping_line_is_listed(company: Company, owner_client: Client) -> None:
    response = post(owner_client, b"Numero;Client;Date;Total\nA;B;01/01/2025;1\n", mapping="bogus")

    assert [(e.line, e.field, e.value) for e in response.context["errors"]] == [(None, "", "bogus")]
    assert counts() == (0, 0, 0)


def test_dry_run_shows_counts_and_writes_nothing(company: Company, owner_client: Client) -> None:
    response = post(owner_client, (FIXTURES / "import_fr.csv").read_bytes(), dry_run="on")

    assert response.context["result"].created == 5
    assert response.context["result"].dry_run is True
    assert counts() == (0, 0, 0)


def test_an_accountant_sees_the_page_but_cannot_post(company: Company) -> None:
    accountant = MembershipFactory.create(
        company=company, user=UserFactory.create(username="accountant"), role=Role.ACCOUNTANT
    )
    client = Client()
    client.force_login(accountant.user)

    page = client.get(URL)
    response = post(client, (FIXTURES / "import_fr.csv").read_bytes())

    assert page.status_code == 200
    assert b'id="import-form"' not in page.content
    assert response.status_code == 403
    assert counts() == (0, 0, 0)


def test_a_credit_manager_may_import(company: Company) -> None:
    manager = MembershipFactory.create(
        company=company, user=UserFactory.create(username="cm"), role=Role.CREDIT_MANAGER
    )
    client = Client()
    client.force_login(manager.user)

    response = post(client, (FIXTURES / "import_us.csv").read_bytes(), "import_us.csv")

    assert response.status_code == 200
    assert response.context["result"].created == 3


def test_anonymous_is_sent_to_the_login_page(db: None) -> None:
    response = Client().get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_import_goes_to_the_current_company_only(
    company: Company, other_company: Company, owner_client: Client
) -> None:
    post(owner_client, (FIXTURES / "import_us.csv").read_bytes(), "import_us.csv")

    assert Invoice.objects.filter(company=company).count() == 3
    assert Invoice.objects.filter(company=other_company).count() == 0
