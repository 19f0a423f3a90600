from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.dunning.services import dunning_run
from encaisse.dunning.tests.conftest import invoice_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/dunning/reminder/",
        "/admin/dunning/policy/",
        "/admin/core/ecbrate/",
        "/admin/dunning/penaltydecision/",
        "/admin/collection/promise/",
        "/admin/dunning/policyassignment/",
        "/admin/dunning/remindertemplate/",
    ],
)
def test_admin_lists(company: Company, garage: Customer, path: str) -> None:
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.test", "pw"))
    assert client.get(path).status_code == 200
