"""Reconciliation screen: upload, accept, match by hand, split, ignore, undo; isolation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from encaisse.core.models import Company, Role
from encaisse.core.tests.factories import (
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_invoice,
)
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.payments.bank import bank_import
from encaisse.payments.models import BankLine, MatchProposal, Payment, ReconciliationSettings

FIXTURES = Path(__file__).parent / "fixtures"
CSV = b"Date;Libell\xe9;Montant;Tiers\n03/03/2025;VIREMENT;500,00;GL AUTO\n"


def _open(invoice: Invoice) -> Decimal:
    return with_open_amount(Invoice.objects.filter(pk=invoice.pk)).get().open_amount


@pytest.fixture
def garage(company: Company) -> Invoice:
    customer = CustomerFactory.create(company=company, name="Garage Leroy")
    return make_invoice(company=company, customer=customer, amount="500.00", vat_rate="0")


def _client(company: Company, role: str) -> Client:
    client = Client()
    user = UserFactory.create(username=f"u-{role}")
    MembershipFactory.create(company=company, user=user, role=role)
    client.force_login(user)
    return client


def test_upload_then_accept_from_the_list(owner_client: Client, garage: Invoice) -> None:
    # when a statement is uploaded
    upload = SimpleUploadedFile("releve.csv", CSV, content_type="text/csv")
    response = owner_client.post("/bank/import/", {"statements": [upload]})
    assert response.status_code == 302
    page = owner_client.get("/bank/")
    # then the line is listed with its proposal
    body = page.content.decode()
    assert "releve.csv" in body
    assert "Garage Leroy" in body
    line = BankLine.objects.get()
    proposal = MatchProposal.objects.get(line=line)
    # when accepted in one click
    response = owner_client.post(f"/bank/lines/{line.pk}/accept/{proposal.pk}/")
    assert response.status_code == 302
    assert _open(garage) == Decimal("0.00")
    assert BankLine.objects.get().state == "matched"


def test_bad_upload_shows_the_error_and_writes_nothing(owner_client: Client) -> None:
    upload = SimpleUploadedFile("x.xml", b"<Document xmlns='urn:foo'/>", content_type="text/xml")
    response = owner_client.post("/bank/import/", {"statements": [upload]}, follow=True)
    assert response.status_code == 200
    assert "x.xml, /Document, xmlns: not an ISO 20022" in response.content.decode()
    assert not BankLine.objects.exists()


def test_match_by_hand_split_ignore_undo(
    owner_client: Client, company: Company, garage: Invoice
) -> None:
    bank_import(company=company, content=b"Date;Montant\n03/03/2025;700,00\n04/03/2025;9,00\n",
                filename="m.csv", actor=None, on=date(2025, 3, 5))  # fmt: skip
    big, small = BankLine.objects.order_by("booking_date")
    # search shows the open invoice
    page = owner_client.get(f"/bank/lines/{big.pk}/", {"q": garage.number})
    assert garage.number in page.content.decode()
    # a bad amount is refused, nothing written
    response = owner_client.post(
        f"/bank/lines/{big.pk}/match/", {"invoice": [garage.pk], f"amount_{garage.pk}": "abc"}
    )
    assert response.status_code == 302
    assert not Payment.objects.exists()
    # 300 on the invoice, 400 left as credit
    owner_client.post(
        f"/bank/lines/{big.pk}/match/", {"invoice": [garage.pk], f"amount_{garage.pk}": "300,00"}
    )
    payment = Payment.objects.get()
    assert (payment.amount, _open(garage)) == (Decimal("700.00"), Decimal("200.00"))
    # undo
    owner_client.post(f"/bank/lines/{big.pk}/undo/")
    assert not Payment.objects.exists()
    assert _open(garage) == Decimal("500.00")
    # split and ignore
    owner_client.post(f"/bank/lines/{big.pk}/split/", {"amounts": "500,00; 200,00"})
    assert sorted(BankLine.objects.filter(parent=big).values_list("amount", flat=True)) == [
        Decimal("200.00"), Decimal("500.00")
    ]  # fmt: skip
    owner_client.post(f"/bank/lines/{small.pk}/ignore/")
    assert BankLine.objects.get(pk=small.pk).state == "ignored"


def test_other_company_line_is_not_listed(owner_client: Client, other_company: Company) -> None:
    # (their line is a 404 by id: tests/test_isolation_sweep.py)
    bank_import(company=other_company, content=b"Date;Montant\n03/03/2025;70,00\n",
                filename="o.csv", actor=None, on=date(2025, 3, 5))  # fmt: skip
    assert "70,00" not in owner_client.get("/bank/?state=all").content.decode()


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.SALES])
def test_roles_without_money_cannot_match(company: Company, role: str) -> None:
    bank_import(company=company, content=b"Date;Montant\n03/03/2025;70,00\n",
                filename="r.csv", actor=None, on=date(2025, 3, 5))  # fmt: skip
    line = BankLine.objects.get()
    client = _client(company, role)
    assert client.get("/bank/").status_code == 200
    assert client.post(f"/bank/lines/{line.pk}/ignore/").status_code == 403
    assert BankLine.objects.get().state == "unmatched"


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/bank/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_settings_threshold(owner_client: Client, company: Company) -> None:
    response = owner_client.post("/bank/settings/", {"auto_threshold": "0.95"})
    assert response.status_code == 302
    assert ReconciliationSettings.objects.get(company=company).auto_threshold == Decimal("0.950")
    response = owner_client.post("/bank/settings/", {"auto_threshold": "2"})
    assert response.status_code == 200
    assert ReconciliationSettings.objects.get(company=company).auto_threshold == Decimal("0.950")
