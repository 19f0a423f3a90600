"""The optional second factor of owners: enrol a TOTP app from a QR code, then every login asks
for its code after the password. Codes are computed from the device's key, as the app does."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from encaisse.core.models import Membership
from encaisse.core.tests.factories import MembershipFactory, UserFactory

URL = "/account/two-factor/"


def code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def confirmed(owner: Membership) -> TOTPDevice:
    return TOTPDevice.objects.create(user=owner.user, name="app", confirmed=True)


def test_an_owner_enrols_with_the_qr_code(owner: Membership) -> None:
    # given
    client = Client()
    client.force_login(owner.user)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text
    assert "Vérification en deux étapes" in text
    device = TOTPDevice.objects.get(user=owner.user)
    assert device.confirmed is False

    # when
    response = client.post(URL, {"action": "confirm", "token": code(device)}, follow=True)

    # then
    device.refresh_from_db()
    assert device.confirmed is True
    assert "La vérification en deux étapes est activée." in response.content.decode()


def test_a_wrong_code_does_not_confirm(owner: Membership) -> None:
    client = Client()
    client.force_login(owner.user)
    client.get(URL)
    device = TOTPDevice.objects.get(user=owner.user)
    wrong = f"{(int(code(device)) + 1) % 10**6:06d}"

    response = client.post(URL, {"action": "confirm", "token": wrong})

    assert "Code incorrect" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False


@pytest.mark.parametrize("role", ["credit_manager", "sales", "accountant"])
def test_only_owners_enrol(owner: Membership, role: str) -> None:
    member = MembershipFactory.create(
        company=owner.company, user=UserFactory.create(username=role), role=role
    )
    client = Client()
    client.force_login(member.user)

    assert client.get(URL).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_with_a_confirmed_device_the_password_is_not_enough(
    owner: Membership, confirmed: TOTPDevice
) -> None:
    # given
    client = Client()

    # when
    response = client.post("/login/", {"username": "owner", "password": "password"})

    # then: asked for the code, not logged in yet
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert "Code de l’application" in client.get("/account/two-factor/verify/").content.decode()


def test_the_right_code_completes_the_login(owner: Membership, confirmed: TOTPDevice) -> None:
    # given
    client = Client()
    client.post("/login/", {"username": "owner", "password": "password"})

    # when
    response = client.post("/account/two-factor/verify/", {"token": code(confirmed)})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(owner.user.pk)
    assert client.get("/").status_code == 200


def test_a_wrong_code_does_not_log_in(owner: Membership, confirmed: TOTPDevice) -> None:
    # given
    client = Client()
    client.post("/login/", {"username": "owner", "password": "password"})
    wrong = f"{(int(code(confirmed)) + 1) % 10**6:06d}"

    # when
    response = client.post("/account/two-factor/verify/", {"token": wrong})

    # then
    assert response.status_code == 200
    assert "Code incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_verify_step_needs_a_password_first(db: None) -> None:
    response = Client().get("/account/two-factor/verify/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_an_owner_turns_it_off_with_a_code(owner: Membership, confirmed: TOTPDevice) -> None:
    client = Client()
    client.force_login(owner.user)

    client.post(URL, {"action": "disable", "token": code(confirmed)})

    assert not TOTPDevice.objects.exists()
    assert client.post("/login/", {"username": "owner", "password": "password"})["Location"] == "/"
