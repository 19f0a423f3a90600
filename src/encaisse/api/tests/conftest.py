"""API clients authenticated by token, one per role, and a company to stay out of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from encaisse.core.models import ApiToken, Company, Membership, Role
from encaisse.core.tests.factories import MembershipFactory, UserFactory

ClientFor = Callable[[Membership], Client]


class JsonClient(Client):
    """A test client whose bodies are JSON unless told otherwise, as an integration sends."""

    def post(  # type: ignore[override]  # same call, JSON by default
        self, path: str, data: Any = None, content_type: str = "application/json", **extra: Any
    ) -> Any:
        return super().post(path, data, content_type=content_type, **extra)

    def patch(  # type: ignore[override]  # same call, JSON by default
        self, path: str, data: Any = "", content_type: str = "application/json", **extra: Any
    ) -> Any:
        return super().patch(path, data, content_type=content_type, **extra)


def token_client(raw: str) -> Client:
    # English messages: the assertions read codes and field names, the humans read English.
    return JsonClient(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})


@pytest.fixture
def client_for() -> ClientFor:
    def make(membership: Membership) -> Client:
        _token, raw = ApiToken.issue(company=membership.company, user=membership.user, name="tests")
        return token_client(raw)

    return make


@pytest.fixture
def api(owner: Membership, client_for: ClientFor) -> Client:
    """The owner of `company`, through the API."""
    return client_for(owner)


@pytest.fixture
def accountant(company: Company) -> Membership:
    return MembershipFactory.create(
        company=company, user=UserFactory.create(username="accountant"), role=Role.ACCOUNTANT
    )


@pytest.fixture
def sales(company: Company) -> Membership:
    return MembershipFactory.create(
        company=company, user=UserFactory.create(username="sales"), role=Role.SALES
    )


@pytest.fixture
def other_owner(other_company: Company) -> Membership:
    return MembershipFactory.create(
        company=other_company, user=UserFactory.create(username="other-owner"), role=Role.OWNER
    )
