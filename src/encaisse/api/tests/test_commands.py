"""`encaisse api-token`: a token for a member of a company, printed once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from encaisse.api.models import ApiToken, hash_token
from encaisse.api.tests.conftest import token_client
from encaisse.core.models import Company, Membership
from encaisse.core.tests.factories import UserFactory


def run(*args: str) -> str:
    out = StringIO()
    call_command("api-token", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_prints_a_working_token_once(owner: Membership, company: Company) -> None:
    # when
    raw = run("--company", "acme", "--user", "owner", "--name", "ERP Sage")

    # then
    token = ApiToken.objects.get()
    assert (token.company, token.user, token.name) == (company, owner.user, "ERP Sage")
    assert token.key_hash == hash_token(raw)
    assert token_client(raw).get("/api/v1/customers").status_code == 200


def test_company_may_be_given_by_siren(owner: Membership, company: Company) -> None:
    raw = run("--company", company.siren, "--user", "owner")

    assert ApiToken.objects.get().key_hash == hash_token(raw)


@pytest.mark.parametrize(
    ("_case", "args", "message"),
    [
        ("not a member", ("--company", "acme", "--user", "stranger"), "not a member of acme"),
        ("unknown company", ("--company", "nope", "--user", "owner"), "unknown company: nope"),
        ("member elsewhere", ("--company", "other", "--user", "owner"), "not a member of other"),
    ],
)
def test_refuses_who_is_not_a_member(
    owner: Membership, other_company: Company, _case: str, args: tuple[str, ...], message: str
) -> None:
    UserFactory.create(username="stranger")

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not ApiToken.objects.exists()
