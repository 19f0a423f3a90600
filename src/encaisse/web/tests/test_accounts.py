"""Accounts: login throttling, password rules, password change and reset by email.

These requests go in French (the project's language, no Accept-Language header): the
messages a locked-out or forgetful user reads are part of what is tested.
"""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from encaisse.core.models import Membership
from encaisse.core.tests.factories import UserFactory
from encaisse.dunning.tests.conftest import Inbox, smtp  # noqa: F401 - the SMTP fixture

LOCKED = "Trop de tentatives de connexion échouées"
STRONG = "Clair-de-lune-sur-Lyon-42"


def login(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password})


def fail_until_locked(client: Client, username: str, times: int) -> list[int]:
    return [login(client, username, "wrong-password").status_code for _ in range(times)]


# --- throttling ---------------------------------------------------------------------------


def test_after_the_failure_limit_the_right_password_is_refused_in_french(
    owner: Membership, settings: Any
) -> None:
    # given
    client = Client()
    statuses = fail_until_locked(client, "owner", settings.AXES_FAILURE_LIMIT)

    # when
    response = login(client, "owner", "password")

    # then
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKED in text
    assert "15\xa0minutes" in text
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_a_lockout_ends_after_the_cool_off(owner: Membership, settings: Any) -> None:
    # given: locked out, then the cool-off has passed (the attempt is older than it)
    client = Client()
    fail_until_locked(client, "owner", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    # when
    response = login(client, "owner", "password")

    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(owner.user.pk)


def test_the_axes_reset_command_lifts_a_lockout(owner: Membership, settings: Any) -> None:
    # given
    client = Client()
    fail_until_locked(client, "owner", settings.AXES_FAILURE_LIMIT)
    assert login(client, "owner", "password").status_code == 429

    # when
    call_command("axes_reset_username", "owner", stdout=StringIO())

    # then
    assert login(client, "owner", "password").status_code == 302


def test_a_lockout_is_per_username_and_address(owner: Membership, settings: Any) -> None:
    # An attacker failing on one account from one address locks neither the same account
    # from another address nor another account from the attacker's address.
    # given
    UserFactory.create(username="colleague")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail_until_locked(attacker, "owner", settings.AXES_FAILURE_LIMIT)

    # when
    from_office = login(Client(REMOTE_ADDR="198.51.100.1"), "owner", "password")
    colleague = login(attacker, "colleague", "password")

    # then
    assert from_office.status_code == 302
    assert colleague.status_code == 302
    assert login(attacker, "owner", "password").status_code == 429


def test_a_success_before_the_limit_resets_the_count(owner: Membership, settings: Any) -> None:
    # given
    client = Client()
    fail_until_locked(client, "owner", settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "owner", "password").status_code == 302
    client.logout()

    # when
    statuses = fail_until_locked(client, "owner", settings.AXES_FAILURE_LIMIT - 1)

    # then
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert login(client, "owner", "password").status_code == 302


# --- password rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "password", "message"),
    [
        ("digits only", "12345678", "Ce mot de passe est entièrement numérique."),
        ("common", "password", "Ce mot de passe est trop courant."),
        ("short", "Zq9!xT", "Ce mot de passe est trop court."),
        ("like the username", "jean-dupont-2024", "Le mot de passe est trop semblable"),
    ],
)
def test_weak_passwords_are_refused_in_french(
    db: None, _case: str, password: str, message: str
) -> None:
    user = UserFactory.create(username="jean-dupont-2024", email="jean@example.test")

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert any(m.startswith(message) for m in refused.value.messages)


def test_a_long_uncommon_password_is_accepted(db: None) -> None:
    validate_password(STRONG, UserFactory.create(username="jean"))


# --- password change ----------------------------------------------------------------------


def test_a_user_changes_their_password(owner: Membership) -> None:
    # given
    client = Client()
    client.force_login(owner.user)
    page = client.get("/account/password/")
    assert page.status_code == 200
    assert "Changer de mot de passe" in page.content.decode()

    # when
    response = client.post(
        "/account/password/",
        {"old_password": "password", "new_password1": STRONG, "new_password2": STRONG},
        follow=True,
    )

    # then
    assert response.status_code == 200
    assert "Votre mot de passe a été modifié." in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password(STRONG)
    assert client.get("/").status_code == 200  # the session survives the change


def test_a_weak_new_password_is_refused_and_nothing_changes(owner: Membership) -> None:
    client = Client()
    client.force_login(owner.user)

    response = client.post(
        "/account/password/",
        {"old_password": "password", "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Ce mot de passe est entièrement numérique." in text
    owner.user.refresh_from_db()
    assert owner.user.check_password("password")


def test_the_password_change_needs_a_login(db: None) -> None:
    response = Client().get("/account/password/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/account/password/"


def test_the_user_menu_links_to_the_password_change(owner: Membership) -> None:
    client = Client()
    client.force_login(owner.user)

    text = client.get("/").content.decode()

    assert 'href="/account/password/"' in text
    assert "Changer de mot de passe" in text


# --- password reset -----------------------------------------------------------------------


def reset_link(body: object) -> str:
    match = re.search(r"http://testserver(/account/reset/[^/\s]+/[^/\s]+/)", str(body))
    assert match, body
    return match.group(1)


def test_a_forgotten_password_is_reset_through_a_french_email(owner: Membership) -> None:
    # given
    client = Client()
    assert "Mot de passe oublié" in client.get("/login/").content.decode()

    # when
    response = client.post("/account/reset/", {"email": "owner@example.test"})

    # then: a French email with a one-time link
    assert response.status_code == 302
    assert response["Location"] == "/account/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.test"]
    assert message.subject == "Réinitialisation de votre mot de passe encaisse"
    assert "Bonjour owner," in message.body
    link = reset_link(message.body)
    form = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": STRONG, "new_password2": STRONG},
        follow=True,
    )
    assert "Votre mot de passe a été réinitialisé." in done.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password(STRONG)
    # the link works once
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien de réinitialisation n’est plus valable" in again


def test_an_unknown_address_gets_the_same_answer_and_no_email(owner: Membership) -> None:
    response = Client().post("/account/reset/", {"email": "nobody@example.test"})

    assert response.status_code == 302
    assert response["Location"] == "/account/reset/sent/"
    assert mail.outbox == []


def test_a_weak_password_is_refused_on_reset(owner: Membership) -> None:
    # given
    client = Client()
    client.post("/account/reset/", {"email": "owner@example.test"})
    form = client.get(reset_link(mail.outbox[0].body), follow=True)

    # when
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"}
    )

    # then
    assert "Ce mot de passe est trop courant." in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.check_password("password")


def test_the_reset_email_goes_out_over_smtp(owner: Membership, smtp: Inbox) -> None:  # noqa: F811
    # when
    Client().post("/account/reset/", {"email": "owner@example.test"})

    # then
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "owner@example.test"
    assert message["Subject"] == "Réinitialisation de votre mot de passe encaisse"
    body = message.get_content()
    assert "/account/reset/" in body
    assert User.objects.get(username="owner").check_password("password")
