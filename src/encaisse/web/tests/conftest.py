"""Clients for each role. They ask for English so that assertions on labels do not depend on
the French catalogue; amounts are French-formatted whatever the language (format_eur)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from encaisse.core.models import Company, Membership, Role
from encaisse.core.tests.factories import MembershipFactory, UserFactory

ClientFor = Callable[[Membership], Client]


def client_for(membership: Membership) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(membership.user)
    return client


@pytest.fixture
def web(owner: Membership) -> Client:
    """The owner of `company`, logged in."""
    return client_for(owner)


def _member(company: Company, role: Role, username: str) -> Membership:
    return MembershipFactory.create(
        company=company, user=UserFactory.create(username=username), role=role
    )


@pytest.fixture
def accountant(company: Company) -> Membership:
    return _member(company, Role.ACCOUNTANT, "accountant")


@pytest.fixture
def sales(company: Company) -> Membership:
    return _member(company, Role.SALES, "sales")


@pytest.fixture
def other_owner(other_company: Company) -> Membership:
    return _member(other_company, Role.OWNER, "other-owner")
