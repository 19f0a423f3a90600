"""Bearer tokens: who may call, as which company, and when a token stops working."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from encaisse.api.tests.conftest import ClientFor, token_client
from encaisse.core.models import ApiToken, Company, Membership, hash_token
from encaisse.core.tests.factories import CustomerFactory

URL = "/api/v1/customers"


def test_a_token_sees_its_company_and_records_its_use(
    api: Client, company: Company, other_company: Company
) -> None:
    # given
    CustomerFactory.create(company=company, name="Dupont SA")
    CustomerFactory.create(company=other_company, name="Martin SARL")
    token = ApiToken.objects.get(company=company)
    assert token.last_used_at is None

    # when
    response = api.get(URL)

    # then
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["items"]] == ["Dupont SA"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("_case", "headers"),
    [
        ("no header", {}),
        ("unknown token", {"Authorization": "Bearer enc_not-a-token"}),
        ("empty token", {"Authorization": "Bearer "}),
        ("other scheme", {"Authorization": "Token enc_not-a-token"}),
        ("basic auth", {"Authorization": "Basic b3duZXI6cGFzc3dvcmQ="}),
        ("overlong token", {"Authorization": "Bearer " + "x" * 5000}),
    ],
)
def test_without_a_valid_token_the_answer_is_401_json(
    owner: Membership, _case: str, headers: dict[str, str]
) -> None:
    # when
    response = Client(headers=headers).get(URL)

    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["code"] == "not_authenticated"


def test_a_session_login_is_not_enough(owner_client: Client) -> None:
    # The API does not read cookies, so a browser session cannot be ridden by another site.
    response = owner_client.get(URL)

    assert response.status_code == 401


def test_the_token_stops_working_when_the_membership_ends(
    owner: Membership, client_for: ClientFor
) -> None:
    # given
    api = client_for(owner)
    assert api.get(URL).status_code == 200

    # when
    owner.delete()

    # then
    response = api.get(URL)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_token_stops_working_when_the_user_is_deactivated(
    owner: Membership, client_for: ClientFor
) -> None:
    api = client_for(owner)
    owner.user.is_active = False
    owner.user.save()

    assert api.get(URL).status_code == 401


def test_only_the_hash_of_a_token_is_stored(owner: Membership) -> None:
    # when
    token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")

    # then
    assert raw.startswith("enc_")
    assert token.key_hash == hash_token(raw)
    assert raw not in token.key_hash
    assert token_client(raw).get(URL).status_code == 200


def test_writes_need_no_csrf_token(owner: Membership) -> None:
    # The token travels in a header a foreign site cannot set, so CSRF does not apply.
    _token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    response = client.post(URL, {"name": "Dupont SA"}, content_type="application/json")

    assert response.status_code == 201


# --- expiry, revocation and throttling ----------------------------------------------------


def test_a_new_token_expires_after_90_days_by_default(owner: Membership) -> None:
    # given
    before = timezone.now()

    # when
    token, _raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")

    # then
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)
    assert token.revoked_at is None


@pytest.mark.parametrize(
    ("_case", "change"),
    [
        ("expired", {"expires_at": timezone.now() - timedelta(seconds=1)}),
        ("revoked", {"revoked_at": timezone.now()}),
    ],
)
def test_an_expired_or_revoked_token_is_refused_like_an_unknown_one(
    owner: Membership, _case: str, change: dict[str, object]
) -> None:
    # given
    token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")
    ApiToken.objects.filter(pk=token.pk).update(**change)
    unknown = token_client("enc_not-a-token").get(URL)

    # when
    response = token_client(raw).get(URL)

    # then: the same answer, so that a caller cannot tell a dead token from a wrong one
    assert response.status_code == 401
    assert response.json() == unknown.json()
    assert response["WWW-Authenticate"] == unknown["WWW-Authenticate"]
    token.refresh_from_db()
    assert token.last_used_at is None


def test_last_use_is_written_at_most_once_a_minute(owner: Membership) -> None:
    # given
    token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    # when
    assert token_client(raw).get(URL).status_code == 200

    # then
    token.refresh_from_db()
    assert token.last_used_at == recent


def test_bad_tokens_from_one_address_are_throttled(owner: Membership, settings: Any) -> None:
    # given
    _token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")
    limit = settings.ENCAISSE_API_AUTH_FAILURE_LIMIT
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        attacker.get(URL, headers={"Authorization": f"Bearer enc_guess{n}"}).status_code
        for n in range(limit)
    ]

    # when: even the right token, from that address, during the window
    response = attacker.get(URL, headers={"Authorization": f"Bearer {raw}"})

    # then
    assert statuses == [401] * limit
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Trop de jetons invalides depuis cette adresse\xa0: réessayez dans 5 minutes.",
        "code": "too_many_attempts",
    }
    assert response["Retry-After"] == str(settings.ENCAISSE_API_AUTH_WINDOW)
    other_address = Client(headers={"Authorization": f"Bearer {raw}"}, REMOTE_ADDR="198.51.100.1")
    assert other_address.get(URL).status_code == 200


def test_behind_our_proxy_the_throttle_counts_each_client(owner: Membership, settings: Any) -> None:
    # given one reverse proxy in front: every request comes from 10.0.0.2
    settings.ENCAISSE_TRUSTED_PROXIES = 1
    _token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(settings.ENCAISSE_API_AUTH_FAILURE_LIMIT):
        proxy.get(
            URL, headers={"Authorization": f"Bearer enc_guess{n}", "X-Forwarded-For": "203.0.113.9"}
        )

    # when the attacker and an honest client both come through it
    attacker = proxy.get(
        URL, headers={"Authorization": f"Bearer {raw}", "X-Forwarded-For": "203.0.113.9"}
    )
    honest = proxy.get(
        URL, headers={"Authorization": f"Bearer {raw}", "X-Forwarded-For": "198.51.100.1"}
    )

    # then only the attacker is held back
    assert attacker.status_code == 429
    assert honest.status_code == 200


def test_good_tokens_do_not_count_towards_the_limit(owner: Membership, settings: Any) -> None:
    _token, raw = ApiToken.issue(company=owner.company, user=owner.user, name="erp")

    statuses = {
        token_client(raw).get(URL).status_code
        for _ in range(settings.ENCAISSE_API_AUTH_FAILURE_LIMIT + 1)
    }

    assert statuses == {200}


def test_the_throttle_answer_is_documented(db: None) -> None:
    schema = Client().get("/api/openapi.json").json()

    responses = schema["paths"]["/api/v1/customers"]["get"]["responses"]

    assert "429" in responses
