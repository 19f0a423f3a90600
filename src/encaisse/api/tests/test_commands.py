"""`encaisse api-token`: a token for a member of a company, printed once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from encaisse.api.tests.conftest import token_client
from encaisse.core.models import ApiToken, AuditEvent, Company, Membership, hash_token
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
        (
            "not a member",
            ("--company", "acme", "--user", "stranger"),
            "stranger n’est pas membre de acme.",
        ),
        ("unknown company", ("--company", "nope", "--user", "owner"), "Société inconnue : nope"),
        (
            "member elsewhere",
            ("--company", "other", "--user", "owner"),
            "owner n’est pas membre de other.",
        ),
    ],
)
def test_refuses_who_is_not_a_member(
    owner: Membership, other_company: Company, _case: str, args: tuple[str, ...], message: str
) -> None:
    UserFactory.create(username="stranger")

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not ApiToken.objects.exists()


def run_err(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api-token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def test_days_sets_the_expiry(owner: Membership) -> None:
    # when
    run("--company", "acme", "--user", "owner", "--days", "7")

    # then
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == timedelta(days=7)


@pytest.mark.parametrize("days", ["0", "-1", "3651"])
def test_days_out_of_range_are_refused(owner: Membership, days: str) -> None:
    with pytest.raises(CommandError, match="--days must be between 1 and 3650"):
        run("--company", "acme", "--user", "owner", "--days", days)

    assert not ApiToken.objects.exists()


def test_revoke_stops_a_token_and_is_audited(owner: Membership, company: Company) -> None:
    # given
    raw = run("--company", "acme", "--user", "owner", "--name", "ERP")
    token = ApiToken.objects.get()

    # when
    out, _err = run_err("--company", "acme", "--revoke", str(token.pk))

    # then
    assert out == f"token {token.pk} 'ERP' revoked"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(raw).get("/api/v1/customers").status_code == 401
    events = AuditEvent.objects.filter(company=company).order_by("id")
    kinds = list(events.values_list("kind", flat=True))
    assert kinds == ["api_token.created", "api_token.revoked"]


def test_revoke_refuses_another_companys_token(owner: Membership, other_company: Company) -> None:
    # given
    raw = run("--company", "acme", "--user", "owner")
    token = ApiToken.objects.get()

    # when
    with pytest.raises(CommandError, match=f"no token {token.pk} in other"):
        run("--company", "other", "--revoke", str(token.pk))

    # then
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_client(raw).get("/api/v1/customers").status_code == 200


def test_list_shows_the_companys_tokens_and_their_state(
    owner: Membership, other_owner: Membership
) -> None:
    # given
    run("--company", "acme", "--user", "owner", "--name", "ERP")
    run("--company", "acme", "--user", "owner", "--name", "Old")
    run("--company", "other", "--user", "other-owner", "--name", "Elsewhere")
    erp, old = ApiToken.objects.get(name="ERP"), ApiToken.objects.get(name="Old")
    run("--company", "acme", "--revoke", str(old.pk))

    # when
    out = run("--company", "acme", "--list")

    # then
    lines = out.splitlines()
    assert lines[0].split() == ["id", "name", "user", "created", "last_used", "expires", "state"]
    assert [line.split()[1:3] + line.split()[-1:] for line in lines[1:]] == [
        ["Old", "owner", "revoked"],
        ["ERP", "owner", "active"],
    ]
    assert lines[2].split()[0] == str(erp.pk)
    assert "Elsewhere" not in out


def test_user_is_required_to_create(owner: Membership) -> None:
    with pytest.raises(CommandError, match="--user is required"):
        run("--company", "acme")

    assert not ApiToken.objects.exists()
