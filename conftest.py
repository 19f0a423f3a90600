"""Shared fixtures: a company with an owner, a logged-in client, another company to stay out of."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from encaisse.core.models import Company, Membership, Role
from encaisse.core.tests.factories import CompanyFactory, MembershipFactory, UserFactory
from encaisse.core.tests.needs import service_missing
from encaisse.core.tests.worker import redis_up


@pytest.fixture(autouse=True)
def _project_language() -> Iterator[None]:
    # A request through LocaleMiddleware leaves its language active in the thread; each test
    # starts in the project's language, as a fresh process (a command, a worker) would.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Every test makes users; PBKDF2 would spend a quarter second on each of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # PDF rendering after each issue costs ~0.15 s; document tests render what they check.
    settings.ENCAISSE_DOCUMENTS_AT_ISSUE = False


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The API counts failed tokens per address in the cache; each test starts with none.
    cache.clear()


@pytest.fixture
def company(db: None) -> Company:
    return CompanyFactory.create(slug="acme", legal_name="Acme Industrie SAS")


@pytest.fixture
def other_company(db: None) -> Company:
    return CompanyFactory.create(slug="other", legal_name="Autre Société SARL")


@pytest.fixture
def owner(company: Company) -> Membership:
    return MembershipFactory.create(
        company=company, user=UserFactory.create(username="owner"), role=Role.OWNER
    )


@pytest.fixture
def owner_client(owner: Membership) -> Client:
    client = Client()
    client.force_login(owner.user)
    return client


@pytest.fixture
def needs_redis() -> None:
    """Redis on 127.0.0.1:6379, or a skip (a failure under CI=true)."""
    if not redis_up():
        service_missing("no Redis on 127.0.0.1:6379")
