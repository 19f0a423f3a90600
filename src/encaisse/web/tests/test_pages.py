"""Every staff page renders with real data, and shows the figures the selectors compute."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Contact
from encaisse.payments.services import credit_note_issue

pytestmark = pytest.mark.django_db

NNBSP, NBSP = "\u202f", "\xa0"


def eur(text: str) -> str:
    """'1 234,56' written with ordinary spaces -> the exact text of format_eur."""
    return text.replace(" ", NNBSP) + NBSP + "€"


@pytest.fixture
def ledger(company: Company) -> dict:
    customer = CustomerFactory.create(company=company, name="Boulangerie Martin", city="Lyon")
    Contact.objects.create(company=company, customer=customer, name="Anne Martin", role="billing")
    big = make_invoice(company=company, customer=customer, amount="1000.00")  # 1 200 € TTC
    small = make_invoice(
        company=company, customer=customer, amount="50.00", issued_on=date(2025, 3, 1)
    )  # 60 € TTC
    payment = make_payment(
        company=company, customer=customer, amount="200.00", received_on=date(2025, 2, 1)
    )  # oldest first: 200 on `big`
    credit = credit_note_issue(
        company=company, invoice_id=small.pk, actor=None, on=date(2025, 3, 2)
    )  # `small` fully credited
    draft = make_invoice(company=company, customer=customer, amount="10.00", issued_on=None)
    return {
        "customer": customer,
        "big": big,
        "small": small,
        "credit": credit,
        "draft": draft,
        "payment": payment,
    }


def test_home_shows_open_and_overdue_totals_and_top_customers(web: Client, ledger: dict) -> None:
    response = web.get(reverse("web:home"))

    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.open_amount == Decimal("1000.00")
    assert figures.open_count == 1
    assert figures.overdue_amount == Decimal("1000.00")  # due 14/02/2025, long past
    assert figures.overdue_count == 1
    assert [c.name for c in figures.top_customers] == ["Boulangerie Martin"]
    body = response.content.decode()
    assert eur("1 000,00") in body
    assert reverse("web:customer_detail", args=[ledger["customer"].pk]) in body


def test_customer_list_shows_balance(web: Client, ledger: dict) -> None:
    response = web.get(reverse("web:customer_list"))

    assert response.status_code == 200
    assert [c.balance for c in response.context["page"]] == [Decimal("1000.00")]
    assert eur("1 000,00") in response.content.decode()


def test_customer_page_shows_contacts_open_invoices_statement_and_audit(
    web: Client, ledger: dict
) -> None:
    response = web.get(reverse("web:customer_detail", args=[ledger["customer"].pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Anne Martin" in body
    assert [i.number for i in response.context["open_invoices"]] == [ledger["big"].number]
    statement = response.context["statement"]
    assert statement.closing_balance == Decimal("1000.00")
    assert [(line.kind, line.debit, line.credit) for line in statement.lines] == [
        ("invoice", Decimal("1200.00"), Decimal("0.00")),
        ("payment", Decimal("0.00"), Decimal("200.00")),
        ("invoice", Decimal("60.00"), Decimal("0.00")),
        ("credit_note", Decimal("0.00"), Decimal("60.00")),
    ]
    assert "01/15/2025" in body  # English short date; French below


def test_dates_are_day_first_in_french(owner: Membership, ledger: dict) -> None:
    client = Client(headers={"accept-language": "fr"})
    client.force_login(owner.user)

    response = client.get(reverse("web:invoice_detail", args=[ledger["big"].pk]))

    assert 'id="issue-date">15/01/2025<' in response.content.decode()
    assert 'id="due-date">14/02/2025<' in response.content.decode()


def test_customer_statement_as_of_a_past_date_and_from(web: Client, ledger: dict) -> None:
    url = reverse("web:customer_detail", args=[ledger["customer"].pk])

    response = web.get(url, {"as_of": "2025-01-31"})
    statement = response.context["statement"]
    assert statement.as_of == date(2025, 1, 31)
    assert statement.closing_balance == Decimal("1200.00")

    response = web.get(url, {"as_of": "2025-02-28", "date_from": "2025-02-01"})
    statement = response.context["statement"]
    assert statement.opening_balance == Decimal("1200.00")
    assert [line.kind for line in statement.lines] == ["payment"]
    assert statement.closing_balance == Decimal("1000.00")


def test_invoice_list_and_pages_render(web: Client, ledger: dict) -> None:
    response = web.get(reverse("web:invoice_list"))
    assert response.status_code == 200
    numbers = {str(i) for i in response.context["page"]}
    assert numbers == {ledger["big"].number, ledger["small"].number, str(ledger["draft"])}

    for key in ("big", "small", "credit", "draft"):
        response = web.get(reverse("web:invoice_detail", args=[ledger[key].pk]))
        assert response.status_code == 200, key


def test_invoice_page_shows_totals_vat_paid_and_open(web: Client, ledger: dict) -> None:
    response = web.get(reverse("web:invoice_detail", args=[ledger["big"].pk]))

    invoice = response.context["invoice"]
    assert (invoice.total_amount, invoice.paid_amount, invoice.open_amount) == (
        Decimal("1200.00"),
        Decimal("200.00"),
        Decimal("1000.00"),
    )
    body = response.content.decode()
    assert f'id="open-amount">{eur("1 000,00")}<' in body
    assert f'id="paid-amount">{eur("200,00")}<' in body
    assert "20\xa0%" in body  # VAT rate of the line and of the VAT total


def test_credited_invoice_page_lists_its_credit_note(web: Client, ledger: dict) -> None:
    response = web.get(reverse("web:invoice_detail", args=[ledger["small"].pk]))

    assert [c.number for c in response.context["credit_notes"]] == [ledger["credit"].number]
    assert response.context["invoice"].open_amount == Decimal("0.00")


def test_payment_list_and_page(web: Client, ledger: dict) -> None:
    response = web.get(reverse("web:payment_list"))
    assert response.status_code == 200
    assert [p.amount for p in response.context["page"]] == [Decimal("200.00")]

    response = web.get(reverse("web:payment_detail", args=[ledger["payment"].pk]))
    assert response.status_code == 200
    payment = response.context["payment"]
    assert (payment.allocated_amount, payment.unallocated_amount) == (
        Decimal("200.00"),
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    "name", ["web:customer_create", "web:invoice_create", "web:payment_create"]
)
def test_empty_forms_render(web: Client, ledger: dict, name: str) -> None:
    assert web.get(reverse(name)).status_code == 200
