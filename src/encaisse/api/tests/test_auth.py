"""Bearer tokens: who may call, as which company, and when a token stops working."""

from __future__ import annotations

import pytest
from django.test import Client

from encaisse.api.models import ApiToken, hash_token
from encaisse.api.tests.conftest import ClientFor, token_client
from encaisse.core.models import Company, Membership
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
