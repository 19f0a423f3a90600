"""The API tokens settings page: owners list, create (secret shown once) and revoke tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from encaisse.api.tests.conftest import token_client
from encaisse.core.models import ApiToken, AuditEvent, Membership, hash_token
from encaisse.core.tests.factories import MembershipFactory, UserFactory
from encaisse.web.tests.conftest import client_for

URL = "/settings/tokens/"


def test_the_owner_sees_the_companys_tokens_and_their_state(
    web: Client, owner: Membership, other_owner: Membership
) -> None:
    # given
    ApiToken.issue(company=owner.company, user=owner.user, name="ERP Sage")
    revoked, _raw = ApiToken.issue(company=owner.company, user=owner.user, name="Old CRM")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    expired, _raw = ApiToken.issue(company=owner.company, user=owner.user, name="Test", days=1)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    ApiToken.issue(company=other_owner.company, user=other_owner.user, name="Zorglub sync")

    # when
    response = web.get(URL)

    # then
    assert response.status_code == 200
    rows = [(t.name, t.state) for t in response.context["tokens"]]
    assert rows == [("Test", "expired"), ("Old CRM", "revoked"), ("ERP Sage", "active")]
    assert "Zorglub" not in response.content.decode()


def test_creating_a_token_shows_the_secret_once(web: Client, owner: Membership) -> None:
    # when
    response = web.post(URL, {"name": "ERP Sage", "days": "30"}, follow=True)

    # then
    token = ApiToken.objects.get()
    raw = response.context["secret"]
    assert token.key_hash == hash_token(raw)
    assert (token.name, token.user, token.company) == ("ERP Sage", owner.user, owner.company)
    assert token.expires_at - token.created_at == timedelta(days=30)
    assert raw in response.content.decode()
    assert raw not in web.get(URL).content.decode()  # never shown again
    assert token_client(raw).get("/api/v1/customers").status_code == 200
    assert AuditEvent.objects.filter(kind="api_token.created", subject_id=token.pk).exists()


def test_an_invalid_duration_is_refused_and_nothing_is_created(web: Client) -> None:
    response = web.post(URL, {"name": "ERP", "days": "0"})

    assert response.status_code == 200
    assert "days" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(web: Client, owner: Membership) -> None:
    # given
    token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="ERP")

    # when
    response = web.post(f"{URL}{token.pk}/revoke/")

    # then
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(raw).get("/api/v1/customers").status_code == 401
    assert AuditEvent.objects.filter(kind="api_token.revoked", subject_id=token.pk).exists()


def test_another_companys_token_is_a_404_and_stays_active(
    web: Client, other_owner: Membership
) -> None:
    # given
    token, raw = ApiToken.issue(company=other_owner.company, user=other_owner.user, name="Z")

    # when
    response = web.post(f"{URL}{token.pk}/revoke/")

    # then
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_client(raw).get("/api/v1/customers").status_code == 200


@pytest.mark.parametrize("role", ["credit_manager", "sales", "accountant"])
def test_only_the_owner_may_see_or_manage_tokens(owner: Membership, role: str) -> None:
    # given
    member = MembershipFactory.create(
        company=owner.company, user=UserFactory.create(username=role), role=role
    )
    token, _raw = ApiToken.issue(company=owner.company, user=owner.user, name="ERP")
    client = client_for(member)

    # when
    listing = client.get(URL)
    create = client.post(URL, {"name": "Mine", "days": "30"})
    revoke = client.post(f"{URL}{token.pk}/revoke/")

    # then
    assert (listing.status_code, create.status_code, revoke.status_code) == (403, 403, 403)
    assert list(ApiToken.objects.values_list("name", "revoked_at")) == [("ERP", None)]
    assert 'href="/settings/tokens/"' not in client.get("/").content.decode()


def test_the_owner_finds_the_page_in_the_user_menu(web: Client) -> None:
    assert 'href="/settings/tokens/"' in web.get("/").content.decode()


def test_the_page_is_french_by_default(owner: Membership) -> None:
    client = Client()
    client.force_login(owner.user)
    ApiToken.issue(company=owner.company, user=owner.user, name="ERP")

    text = client.get(URL).content.decode()

    for french in ("Jetons d’API", "Dernière utilisation", "Expire le", "Actif", "Révoquer"):
        assert french in text
