"""Other apps plug menu entries and panels into the staff pages without editing them."""

from collections.abc import Iterator

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory
from encaisse.customers.models import Customer
from encaisse.web.shell import extensions


@pytest.fixture
def registered() -> Iterator[None]:
    nav, panels = dict(extensions._nav), {k: list(v) for k, v in extensions._panels.items()}

    @extensions.register_panel("customer", order=1)
    def hello(request: HttpRequest, customer: Customer) -> str:
        return f'<p id="test-panel">Panel for {customer.name} ({request.method})</p>'

    extensions.register_nav("web:payment_list", "Extra entry", order=99, section="extra")
    yield
    extensions._nav.clear()
    extensions._nav.update(nav)
    extensions._panels.clear()
    extensions._panels.update(panels)


def test_registered_panel_and_nav_appear(
    registered: None, company: Company, owner_client: Client
) -> None:
    customer = CustomerFactory.create(company=company, name="Dupont")
    body = owner_client.get(reverse("web:customer_detail", args=[customer.pk])).content.decode()
    assert '<p id="test-panel">Panel for Dupont (GET)</p>' in body
    assert "Extra entry" in body


def test_registering_twice_keeps_one_panel(registered: None) -> None:
    def renderer(request: HttpRequest, obj: object) -> str:
        return "x"

    extensions.register_panel("payment")(renderer)
    extensions.register_panel("payment")(renderer)
    assert extensions.render_panels("payment", HttpRequest(), None).count("x") == 1
