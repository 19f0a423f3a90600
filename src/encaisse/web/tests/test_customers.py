"""Customer list (search, filters, sort, paging), create/edit through the services, contacts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import (
    CustomerFactory,
    PaymentTermsFactory,
    make_invoice,
    valid_siren,
)
from encaisse.customers.models import Customer

pytestmark = pytest.mark.django_db

BASE = {"kind": "business", "language": "fr", "country": "FR"}


@pytest.fixture
def customers(company: Company, owner: Membership) -> dict:
    alpha = CustomerFactory.create(
        company=company, name="Alpha", reference="A1", city="Lyon", owner=owner.user
    )
    beta = CustomerFactory.create(company=company, name="Beta", reference="B1", city="Brest")
    gamma = CustomerFactory.create(company=company, name="Gamma", reference="C1", city="Caen")
    make_invoice(company=company, customer=beta, amount="100.00")  # 120 €
    make_invoice(company=company, customer=gamma, amount="500.00")  # 600 €
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


def _names(response) -> list[str]:
    return [c.name for c in response.context["page"]]


def test_customer_list_search_filter_sort(web: Client, customers: dict, owner: Membership) -> None:
    url = reverse("web:customer_list")

    assert _names(web.get(url)) == ["Alpha", "Beta", "Gamma"]
    assert _names(web.get(url, {"q": "bre"})) == ["Beta"]
    assert _names(web.get(url, {"q": "C1"})) == ["Gamma"]
    assert _names(web.get(url, {"with_balance": "on"})) == ["Beta", "Gamma"]
    assert _names(web.get(url, {"owner": owner.user.pk})) == ["Alpha"]
    assert _names(web.get(url, {"sort": "-balance"})) == ["Gamma", "Beta", "Alpha"]
    assert _names(web.get(url, {"sort": "city"})) == ["Beta", "Gamma", "Alpha"]
    assert _names(web.get(url, {"sort": "reference"})) == ["Alpha", "Beta", "Gamma"]
    assert [c.balance for c in web.get(url, {"sort": "-balance"}).context["page"]] == [
        Decimal("600.00"),
        Decimal("120.00"),
        Decimal("0.00"),
    ]


def test_customer_list_pages_by_fifty(web: Client, company: Company) -> None:
    for i in range(51):
        CustomerFactory.create(company=company, name=f"Client {i:02d}")
    url = reverse("web:customer_list")

    first = web.get(url, {"q": "Client"})
    second = web.get(url, {"q": "Client", "page": "2"})

    assert len(first.context["page"]) == 50
    assert _names(second) == ["Client 50"]
    assert "?q=Client&amp;page=2" in first.content.decode()


def test_create_customer_with_terms_owner_and_identifiers(
    web: Client, company: Company, owner: Membership
) -> None:
    terms = PaymentTermsFactory.create(company=company, name="45 jours fin de mois")
    siren = valid_siren()
    spaced = f"{siren[:3]} {siren[3:6]} {siren[6:]}"

    response = web.post(
        reverse("web:customer_create"),
        {
            **BASE,
            "name": "Menuiserie Durand",
            "siren": spaced,
            "city": "Nantes",
            "payment_terms": terms.pk,
            "owner": owner.user.pk,
            "credit_limit": "15 000,50",
            "delivery_city": "Rezé",
            "notes": "Paie à 60 jours",
            "external_ref": "ERP-9",
        },
    )

    customer = Customer.objects.get(company=company, name="Menuiserie Durand")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:customer_detail", args=[customer.pk])
    assert (customer.siren, customer.payment_terms, customer.owner, customer.credit_limit) == (
        siren,
        terms,
        owner.user,
        Decimal("15000.50"),
    )
    assert (customer.reference, customer.delivery_city, customer.external_ref) == (
        "C00001",
        "Rezé",
        "ERP-9",
    )


def test_create_customer_errors_are_form_errors(web: Client, company: Company) -> None:
    CustomerFactory.create(company=company, reference="DUP")

    bad_siren = web.post(
        reverse("web:customer_create"), {**BASE, "name": "X", "siren": "123456789"}
    )
    duplicate = web.post(reverse("web:customer_create"), {**BASE, "name": "Y", "reference": "DUP"})

    assert bad_siren.status_code == 200
    assert "siren" in bad_siren.context["form"].errors
    assert duplicate.status_code == 200
    assert duplicate.context["form"].errors["reference"] == [
        "A customer with code DUP already exists."
    ]
    assert Customer.objects.filter(company=company).count() == 1


def test_other_company_terms_and_users_are_not_choices(
    web: Client, company: Company, other_company: Company
) -> None:
    theirs = PaymentTermsFactory.create(company=other_company)

    response = web.post(
        reverse("web:customer_create"), {**BASE, "name": "Z", "payment_terms": theirs.pk}
    )

    assert "payment_terms" in response.context["form"].errors
    assert not Customer.objects.filter(company=company).exists()


def test_edit_customer_is_audited(web: Client, customers: dict) -> None:
    alpha = customers["alpha"]

    response = web.post(
        reverse("web:customer_edit", args=[alpha.pk]),
        {**BASE, "reference": "A1", "name": "Alpha SAS", "city": "Villeurbanne"},
    )

    assert response.status_code == 302
    alpha.refresh_from_db()
    assert (alpha.name, alpha.city) == ("Alpha SAS", "Villeurbanne")
    page = web.get(reverse("web:customer_detail", args=[alpha.pk]))
    [event] = page.context["events"]
    assert (event.kind, event.before["name"], event.after["name"]) == (
        "customer.updated",
        "Alpha",
        "Alpha SAS",
    )
    assert "Alpha SAS" in page.content.decode()


def test_edit_to_a_taken_reference_is_refused(web: Client, customers: dict) -> None:
    alpha = customers["alpha"]

    response = web.post(
        reverse("web:customer_edit", args=[alpha.pk]), {**BASE, "reference": "B1", "name": "A"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reference"]
    alpha.refresh_from_db()
    assert (alpha.reference, alpha.name) == ("A1", "Alpha")


def test_add_contact(web: Client, customers: dict) -> None:
    beta = customers["beta"]

    response = web.post(
        reverse("web:contact_add", args=[beta.pk]),
        {"name": "Paul Roux", "role": "accounts_payable", "email": "paul@beta.test"},
    )

    assert response.status_code == 302
    assert list(beta.contacts.values_list("name", "role", "email")) == [
        ("Paul Roux", "accounts_payable", "paul@beta.test")
    ]


def test_add_contact_with_bad_email_shows_the_error(web: Client, customers: dict) -> None:
    beta = customers["beta"]

    response = web.post(
        reverse("web:contact_add", args=[beta.pk]),
        {"name": "Paul", "role": "billing", "email": "not-an-email"},
    )

    assert response.status_code == 200
    assert "email" in response.context["contact_form"].errors
    assert not beta.contacts.exists()
