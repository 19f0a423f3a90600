"""Who may do what: login, membership, roles (accountant read-only, sales without money), CSRF,
and the company switcher."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.middleware import SESSION_KEY
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
from encaisse.payments.models import Allocation, Payment
from encaisse.web.tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(company: Company) -> dict:
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="100.00")  # 120 € TTC
    draft = make_invoice(company=company, customer=customer, amount="10.00", issued_on=None)
    payment = make_payment(company=company, customer=customer, amount="50.00")
    return {
        "customer": customer,
        "invoice": invoice,
        "draft": draft,
        "payment": payment,
        "allocation": payment.allocations.get(),
    }


def _pages(rows: dict) -> list[str]:
    return [
        reverse("web:home"),
        reverse("web:customer_list"),
        reverse("web:customer_create"),
        reverse("web:customer_detail", args=[rows["customer"].pk]),
        reverse("web:customer_edit", args=[rows["customer"].pk]),
        reverse("web:invoice_list"),
        reverse("web:invoice_create"),
        reverse("web:invoice_detail", args=[rows["invoice"].pk]),
        reverse("web:invoice_edit", args=[rows["draft"].pk]),
        reverse("web:invoice_credit", args=[rows["invoice"].pk]),
        reverse("web:payment_list"),
        reverse("web:payment_create"),
        reverse("web:payment_detail", args=[rows["payment"].pk]),
    ]


def test_anonymous_is_sent_to_the_login_page(rows: dict) -> None:
    client = Client()
    for url in _pages(rows):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('login')}?next={url}", url
    response = client.post(reverse("web:invoice_issue", args=[rows["draft"].pk]))
    assert response.status_code == 302
    rows["draft"].refresh_from_db()
    assert rows["draft"].status == Invoice.Status.DRAFT


def test_login_page_renders_and_logs_in(owner: Membership) -> None:
    client = Client(headers={"accept-language": "en"})
    assert client.get(reverse("login")).status_code == 200

    response = client.post(reverse("login"), {"username": "owner", "password": "password"})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_user_without_membership_is_told_so(db: None) -> None:
    client = Client(headers={"accept-language": "en"})
    client.force_login(UserFactory.create(username="loner"))

    response = client.get(reverse("web:customer_list"))

    assert response.status_code == 403
    assert 'id="no-membership"' in response.content.decode()


def test_accountant_reads_everything(accountant: Membership, rows: dict) -> None:
    client = client_for(accountant)
    for url in _pages(rows)[:2] + _pages(rows)[3:4] + _pages(rows)[5:6] + _pages(rows)[7:8]:
        assert client.get(url).status_code == 200, url


def test_accountant_posts_are_refused(accountant: Membership, rows: dict, company: Company) -> None:
    client = client_for(accountant)
    customer, draft = rows["customer"], rows["draft"]

    posts = [
        (reverse("web:customer_create"), {"name": "Nouveau client"}),
        (reverse("web:customer_edit", args=[customer.pk]), {"name": "Renamed"}),
        (reverse("web:contact_add", args=[customer.pk]), {"name": "X", "role": "billing"}),
        (reverse("web:invoice_create"), {"customer": customer.pk}),
        (reverse("web:invoice_issue", args=[draft.pk]), {}),
        (reverse("web:invoice_dispute", args=[rows["invoice"].pk]), {"disputed": "1"}),
        (reverse("web:allocation_undo", args=[rows["allocation"].pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url

    assert Customer.objects.filter(company=company).count() == 1
    customer.refresh_from_db()
    assert customer.contacts.count() == 0
    draft.refresh_from_db()
    assert draft.status == Invoice.Status.DRAFT
    assert Invoice.objects.filter(company=company).count() == 2
    assert Allocation.objects.filter(pk=rows["allocation"].pk).exists()
    assert not Invoice.objects.get(pk=rows["invoice"].pk).disputed


def test_accountant_may_switch_company(accountant: Membership, other_company: Company) -> None:
    MembershipFactory.create(company=other_company, user=accountant.user, role=Role.ACCOUNTANT)
    client = client_for(accountant)

    response = client.post(reverse("web:company_switch"), {"company": other_company.pk})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == other_company.pk


def test_sales_creates_customers_and_drafts(sales: Membership, company: Company) -> None:
    client = client_for(sales)

    response = client.post(
        reverse("web:customer_create"),
        {"name": "Client Vente", "kind": "business", "language": "fr", "country": "FR"},
    )
    assert response.status_code == 302
    customer = Customer.objects.get(company=company, name="Client Vente")

    response = client.post(
        reverse("web:invoice_create"),
        {
            "customer": customer.pk,
            "nature": "services",
            "action": "draft",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Conseil",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "100",
            "lines-0-discount_pct": "0",
            "lines-0-vat_pct": "20",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(company=company, customer=customer)
    assert (invoice.status, invoice.total_amount) == (Invoice.Status.DRAFT, 120)


def test_sales_may_not_issue_credit_cancel_or_touch_payments(
    sales: Membership, rows: dict, company: Company
) -> None:
    client = client_for(sales)
    customer, draft, invoice = rows["customer"], rows["draft"], rows["invoice"]

    refused = [
        ("post", reverse("web:invoice_issue", args=[draft.pk]), {}),
        ("post", reverse("web:invoice_cancel", args=[draft.pk]), {}),
        ("get", reverse("web:invoice_credit", args=[invoice.pk]), {}),
        ("post", reverse("web:invoice_credit", args=[invoice.pk]), {"mode": "full"}),
        ("get", reverse("web:payment_create"), {}),
        (
            "post",
            reverse("web:payment_create"),
            {
                "customer": customer.pk,
                "amount": "10",
                "received_on": "2025-02-01",
                "method": "transfer",
                "allocation": "oldest",
            },
        ),
        ("post", reverse("web:allocation_undo", args=[rows["allocation"].pk]), {}),
        ("post", reverse("web:payment_allocate_oldest", args=[rows["payment"].pk]), {}),
        (
            "post",
            reverse("web:invoice_edit", args=[draft.pk]),
            {
                "action": "issue",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "1",
                "lines-0-description": "X",
                "lines-0-quantity": "1",
                "lines-0-unit_price": "10",
                "lines-0-vat_pct": "20",
            },
        ),
        (
            "post",
            reverse("web:invoice_create"),
            {
                "customer": customer.pk,
                "nature": "services",
                "action": "issue",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-description": "X",
                "lines-0-quantity": "1",
                "lines-0-unit_price": "10",
                "lines-0-vat_pct": "20",
            },
        ),
    ]
    for method, url, data in refused:
        assert getattr(client, method)(url, data).status_code == 403, (method, url)

    draft.refresh_from_db()
    assert (draft.status, draft.number) == (Invoice.Status.DRAFT, "")
    assert Invoice.objects.filter(company=company).count() == 2  # no credit note, no new invoice
    assert Payment.objects.filter(company=company).count() == 1
    assert Allocation.objects.filter(pk=rows["allocation"].pk).exists()


def test_sales_does_not_see_money_buttons(sales: Membership, rows: dict) -> None:
    client = client_for(sales)

    body = client.get(reverse("web:invoice_detail", args=[rows["invoice"].pk])).content.decode()

    assert reverse("web:payment_create") not in body
    assert reverse("web:invoice_credit", args=[rows["invoice"].pk]) not in body


def test_post_without_csrf_token_is_refused(owner: Membership, company: Company) -> None:
    client = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    client.force_login(owner.user)

    response = client.post(reverse("web:customer_create"), {"name": "Sans jeton"})

    assert response.status_code == 403
    assert not Customer.objects.filter(company=company).exists()

    client.get(reverse("web:customer_create"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("web:customer_create"),
        {
            "name": "Avec jeton",
            "kind": "business",
            "language": "fr",
            "country": "FR",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    assert Customer.objects.filter(company=company, name="Avec jeton").exists()


def test_company_switcher_changes_the_company(owner: Membership, other_company: Company) -> None:
    MembershipFactory.create(company=other_company, user=owner.user, role=Role.SALES)
    client = client_for(owner)
    CustomerFactory.create(company=other_company, name="Client de l'autre")

    response = client.post(reverse("web:company_switch"), {"company": other_company.pk})

    assert response.status_code == 302
    response = client.get(reverse("web:customer_list"))
    assert [c.name for c in response.context["page"]] == ["Client de l'autre"]
    assert response.context["current_company"] == other_company


@pytest.mark.parametrize("_case", ["not a member", "garbage"])
def test_company_switcher_refuses_a_company_of_others(
    owner: Membership, other_company: Company, _case: str
) -> None:
    client = client_for(owner)
    value = other_company.pk if _case == "not a member" else "x"

    response = client.post(reverse("web:company_switch"), {"company": value})

    assert response.status_code == 404
    assert SESSION_KEY not in client.session
    assert client.get(reverse("web:home")).context["current_company"] == owner.company


def test_anonymous_cannot_switch(other_company: Company) -> None:
    response = Client().post(reverse("web:company_switch"), {"company": other_company.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_customer_page_records_an_audit_trail(web: Client, company: Company) -> None:
    web.post(
        reverse("web:customer_create"),
        {"name": "Audité", "kind": "business", "language": "fr", "country": "FR"},
    )
    customer = Customer.objects.get(company=company, name="Audité")

    response = web.get(reverse("web:customer_detail", args=[customer.pk]))

    assert [(e.kind, e.actor.username) for e in response.context["events"]] == [
        ("customer.created", "owner")
    ]


def test_language_switcher_turns_the_pages_to_english(owner: Membership) -> None:
    client = Client()
    client.force_login(owner.user)
    assert '<html lang="fr">' in client.get(reverse("web:home")).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/customers/"})

    assert response.status_code == 302
    assert response["Location"] == "/customers/"
    assert '<html lang="en">' in client.get(reverse("web:home")).content.decode()
