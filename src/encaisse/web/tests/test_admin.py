"""Django admin for platform staff: every registered model of ours lists and shows its rows;
documents and money movements are read-only there (the services own every write)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(company: Company) -> tuple[Client, dict]:
    staff = User.objects.create_superuser("root", "root@example.test", "pw")
    client = Client(headers={"accept-language": "en"})
    client.force_login(staff)
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer)
    payment = make_payment(company=company, customer=customer, amount="120.00")
    return client, {
        "customer": customer,
        "invoice": invoice,
        "payment": payment,
        "allocation": payment.allocations.get(),
    }


@pytest.mark.parametrize(
    ("model", "key"),
    [
        ("customers_customer", "customer"),
        ("invoicing_invoice", "invoice"),
        ("payments_payment", "payment"),
        ("payments_allocation", "allocation"),
    ],
)
def test_admin_lists_and_shows_read_only(
    admin_client_: tuple[Client, dict], model: str, key: str
) -> None:
    client, rows = admin_client_

    listing = client.get(reverse(f"admin:{model}_changelist"))
    detail = client.get(reverse(f"admin:{model}_change", args=[rows[key].pk]))

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert not detail.context["has_change_permission"]
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_payment_terms_are_set_up_in_the_admin(
    admin_client_: tuple[Client, dict], company: Company
) -> None:
    client, _rows = admin_client_

    response = client.post(
        reverse("admin:customers_paymentterms_add"),
        {
            "company": company.pk,
            "name": "45 jours fin de mois",
            "method": "eom_then_days",
            "days": "45",
        },
    )

    assert response.status_code == 302
    assert list(company.paymentterms_set.values_list("name", "days")) == [
        ("45 jours fin de mois", 45)
    ]
    assert client.get(reverse("admin:invoicing_creditnote_changelist")).status_code == 200
