from django.test import Client
from django.urls import reverse

from encaisse.core.models import AuditEvent, Company, Role
from encaisse.core.tests.factories import MembershipFactory, PaymentTermsFactory, UserFactory
from encaisse.customers.models import PaymentTerms


def test_terms_within_the_caps_are_created_quietly(company: Company, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("web:terms_list"),
        {"name": "45 jours fin de mois", "method": "eom_then_days", "days": "45"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    terms = PaymentTerms.objects.get(company=company)
    assert (terms.method, terms.days) == ("eom_then_days", 45)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert AuditEvent.objects.filter(kind="payment_terms.created").count() == 1


def test_terms_beyond_the_caps_warn(company: Company, owner_client: Client) -> None:
    response = owner_client.post(
        reverse("web:terms_list"),
        {"name": "90 jours", "method": "net", "days": "90"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == ["90 days net exceeds the legal cap of 60 days (L441-10)."]
    assert "Beyond" not in response.content.decode()  # the list shows the warning itself
    assert "90 days net exceeds" in response.content.decode()


def test_terms_warning_in_french(company: Company, owner_client: Client) -> None:
    PaymentTermsFactory.create(company=company, name="60 FDM", method="eom_then_days", days=60)
    body = owner_client.get(reverse("web:terms_list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "dépasse le plafond légal" in body


def test_duplicate_name_is_a_form_error(company: Company, owner_client: Client) -> None:
    PaymentTermsFactory.create(company=company, name="30 jours")
    response = owner_client.post(
        reverse("web:terms_list"),
        {"name": "30 jours", "method": "net", "days": "30"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already exist" in response.content.decode()
    assert PaymentTerms.objects.filter(company=company).count() == 1


def test_sales_and_accountant_cannot_create_terms(company: Company) -> None:
    for role in (Role.SALES, Role.ACCOUNTANT):
        client = Client()
        client.force_login(
            MembershipFactory.create(
                company=company, user=UserFactory.create(username=role), role=role
            ).user
        )
        response = client.post(
            reverse("web:terms_list"), {"name": "x", "method": "net", "days": "30"}
        )
        assert response.status_code == 403
    assert not PaymentTerms.objects.exists()


def test_other_companys_terms_are_not_listed(
    company: Company, other_company: Company, owner_client: Client
) -> None:
    PaymentTermsFactory.create(company=other_company, name="Secret terms")
    assert "Secret terms" not in owner_client.get(reverse("web:terms_list")).content.decode()
