"""/api/v1/customers: list with balances and filters, read, create, update."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from encaisse.api.tests.conftest import ClientFor
from encaisse.core.audit import audit_events_for
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import (
    CustomerFactory,
    PaymentTermsFactory,
    make_invoice,
    make_payment,
)
from encaisse.customers.models import Customer

URL = "/api/v1/customers"


def test_list_gives_balances_count_and_pages(api: Client, company: Company) -> None:
    # given: Dupont owes 120.00 - 50.00, Martin owes nothing, Bernard is credited
    dupont = CustomerFactory.create(company=company, name="Dupont SA", reference="C1")
    CustomerFactory.create(company=company, name="Martin SARL", reference="C2")
    bernard = CustomerFactory.create(company=company, name="Bernard SAS", reference="C3")
    make_invoice(company=company, customer=dupont, amount="100.00")
    make_payment(company=company, customer=dupont, amount="50.00")
    make_payment(company=company, customer=bernard, amount="30.00")

    # when
    response = api.get(URL)

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(c["name"], c["balance"]) for c in body["items"]] == [
        ("Bernard SAS", "-30.00"),
        ("Dupont SA", "70.00"),
        ("Martin SARL", "0.00"),
    ]
    page = api.get(URL, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 3
    assert [c["name"] for c in page["items"]] == ["Dupont SA"]


def test_list_searches_and_keeps_customers_who_owe(api: Client, company: Company) -> None:
    # given
    dupont = CustomerFactory.create(company=company, name="Dupont SA", city="Lyon")
    CustomerFactory.create(company=company, name="Dupuis EURL", city="Nantes")
    CustomerFactory.create(company=company, name="Martin SARL", city="Lyon")
    make_invoice(company=company, customer=dupont, amount="10.00")

    # when / then
    assert [c["name"] for c in api.get(URL, {"q": "dup"}).json()["items"]] == [
        "Dupont SA",
        "Dupuis EURL",
    ]
    assert api.get(URL, {"q": "lyon"}).json()["count"] == 2
    owing = api.get(URL, {"with_balance": "true"}).json()
    assert (owing["count"], owing["items"][0]["balance"]) == (1, "12.00")


def test_get_one_with_its_balance(api: Client, company: Company) -> None:
    # given
    customer = CustomerFactory.create(
        company=company, name="Dupont SA", credit_limit=Decimal("5000.00")
    )
    make_invoice(company=company, customer=customer, amount="1000.00", vat_rate="0.055")

    # when
    response = api.get(f"{URL}/{customer.pk}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == customer.pk
    assert body["name"] == "Dupont SA"
    assert body["balance"] == "1055.00"
    assert body["credit_limit"] == "5000.00"


def test_create_checks_and_normalises_identifiers(
    api: Client, company: Company, owner: Membership
) -> None:
    # given
    terms = PaymentTermsFactory.create(company=company, name="45 jours fin de mois")

    # when
    response = api.post(
        URL,
        {
            "name": "Air Lyonnais SA",
            "siren": "552 100 554",
            "siret": "552 100 554 00013",
            "vat_number": "fr 96 552100554",
            "payment_terms_id": terms.pk,
            "credit_limit": "15000.00",
            "owner_id": owner.user.pk,
        },
    )

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    customer = Customer.objects.get(company=company, pk=body["id"])
    assert (customer.siren, customer.siret, customer.vat_number) == (
        "552100554",
        "55210055400013",
        "FR96552100554",
    )
    assert customer.payment_terms == terms
    assert customer.owner == owner.user
    assert customer.credit_limit == Decimal("15000.00")
    assert body["reference"] == customer.reference != ""
    assert body["balance"] == "0.00"
    assert [e.kind for e in audit_events_for(company, customer)] == ["customer.created"]
    assert audit_events_for(company, customer).get().actor == owner.user


@pytest.mark.parametrize(
    ("_case", "payload", "field"),
    [
        ("bad SIREN key", {"name": "X", "siren": "552100555"}, "siren"),
        (
            "SIRET of another SIREN",
            {"name": "X", "siren": "552100554", "siret": "73282932000074"},
            "siret",
        ),
        ("bad SIRET", {"name": "X", "siret": "55210055400014"}, "siret"),
        ("bad VAT number", {"name": "X", "vat_number": "FR00552100554"}, "vat_number"),
        ("bad email", {"name": "X", "email": "not-an-email"}, "email"),
        ("no name", {"siren": "552100554"}, "name"),
        ("empty name", {"name": ""}, "name"),
        ("unknown kind", {"name": "X", "kind": "robot"}, "kind"),
        ("negative credit limit", {"name": "X", "credit_limit": "-1.00"}, "credit_limit"),
        ("name too long", {"name": "X" * 201}, "name"),
    ],
)
def test_create_refuses_invalid_fields_naming_them(
    api: Client, company: Company, _case: str, payload: dict[str, str], field: str
) -> None:
    # when
    response = api.post(URL, payload)

    # then
    assert response.status_code == 422
    body = response.json()
    assert field in [e["field"] for e in body["errors"]]
    assert body["detail"].startswith(f"{field}:")
    assert not Customer.objects.filter(company=company).exists()


def test_create_refuses_a_taken_reference(api: Client, company: Company) -> None:
    CustomerFactory.create(company=company, reference="DUP")

    response = api.post(URL, {"name": "X", "reference": "DUP"})

    assert response.status_code == 409
    assert response.json()["code"] == "customer_duplicate_ref"
    assert Customer.objects.filter(company=company).count() == 1


def test_create_refuses_terms_and_owner_of_another_company(
    api: Client, company: Company, other_company: Company, other_owner: Membership
) -> None:
    other_terms = PaymentTermsFactory.create(company=other_company)

    terms_response = api.post(URL, {"name": "X", "payment_terms_id": other_terms.pk})
    owner_response = api.post(URL, {"name": "X", "owner_id": other_owner.user.pk})

    assert (terms_response.status_code, terms_response.json()["code"]) == (
        404,
        "payment_terms_unknown",
    )
    assert (owner_response.status_code, owner_response.json()["code"]) == (404, "user_unknown")
    assert not Customer.objects.filter(company=company).exists()


def test_update_changes_only_the_fields_sent(api: Client, company: Company) -> None:
    # given
    customer = CustomerFactory.create(
        company=company, name="Dupont SA", city="Lyon", credit_limit=Decimal("100.00")
    )

    # when
    response = api.patch(
        f"{URL}/{customer.pk}",
        {"city": "Villeurbanne", "credit_limit": None, "name": None},
    )

    # then
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.name, customer.city, customer.credit_limit) == (
        "Dupont SA",
        "Villeurbanne",
        None,
    )
    assert response.json()["city"] == "Villeurbanne"
    event = audit_events_for(company, customer).get(kind="customer.updated")
    assert event.before == {"city": "Lyon", "credit_limit": "100.00"}


def test_update_refuses_an_invalid_siren_and_changes_nothing(api: Client, company: Company) -> None:
    customer = CustomerFactory.create(company=company, siren="552100554", city="Lyon")

    response = api.patch(
        f"{URL}/{customer.pk}",
        {"siren": "123456789", "city": "Paris"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "siren"
    customer.refresh_from_db()
    assert (customer.siren, customer.city) == ("552100554", "Lyon")


def test_sales_may_create_and_update_customers(
    sales: Membership, client_for: ClientFor, company: Company
) -> None:
    api = client_for(sales)

    created = api.post(URL, {"name": "Prospect SAS"})
    updated = api.patch(f"{URL}/{created.json()['id']}", {"city": "Lille"})

    assert (created.status_code, updated.status_code) == (201, 200)
    assert Customer.objects.get(company=company).city == "Lille"
