"""The owner manages the company's API tokens from the user menu, changes their password, and a
run of wrong passwords ends on the French lockout page; at a desk's width and a phone's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from encaisse.core.models import ApiToken, Role
from encaisse.core.tests.factories import CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

LogIn = Callable[..., None]
STRONG = "Clair-de-lune-sur-Lyon-42"


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_owner_creates_and_revokes_a_token_then_changes_password(
    live_server: LiveServer,
    transactional_db: None,
    browser: Browser,
    log_in: LogIn,
    artifacts: Path,
    width: int,
    height: int,
) -> None:
    # given an owner
    company = CompanyFactory.create(slug="atelier", legal_name="Atelier Vasseur SAS")
    user = UserFactory.create(username="claire")  # password "password"
    MembershipFactory.create(company=company, user=user, role=Role.OWNER)
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, "claire")

    # when she opens the API tokens from the user menu and creates one
    if width < 992:
        page.click("button.navbar-toggler")
    page.click("#user-menu button")
    page.screenshot(path=str(artifacts / f"e2e-accounts-menu-{width}.png"))
    page.click("#user-menu a[href='/settings/tokens/']")
    page.fill("#id_name", "ERP Sage")
    page.fill("#id_days", "30")
    page.click("#token-form button[type=submit]")

    # then the secret is shown once, and the token is listed as active
    secret = page.locator("#token-secret code").inner_text().strip()
    token = ApiToken.objects.get()
    assert token.name == "ERP Sage"
    assert secret.startswith("enc_")
    expect(page.locator("#tokens tbody")).to_contain_text("Actif")
    page.screenshot(path=str(artifacts / f"e2e-accounts-token-{width}.png"), full_page=True)

    # when she revokes it
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#tokens button:has-text('Révoquer')")

    # then
    expect(page.locator("#tokens tbody")).to_contain_text("Révoqué")
    token.refresh_from_db()
    assert token.revoked_at is not None
    page.screenshot(path=str(artifacts / f"e2e-accounts-revoked-{width}.png"), full_page=True)

    # when she changes her password, a weak one first
    page.goto(f"{live_server.url}/account/password/")
    page.fill("#id_old_password", "password")
    page.fill("#id_new_password1", "12345678")
    page.fill("#id_new_password2", "12345678")
    page.click("#password-change-form button[type=submit]")
    expect(page.locator("#password-change-form")).to_contain_text("entièrement numérique")
    page.screenshot(path=str(artifacts / f"e2e-accounts-password-{width}.png"), full_page=True)
    page.fill("#id_old_password", "password")
    page.fill("#id_new_password1", STRONG)
    page.fill("#id_new_password2", STRONG)
    page.click("#password-change-form button[type=submit]")

    # then
    expect(page.locator("main")).to_contain_text("Votre mot de passe a été modifié.")
    user.refresh_from_db()
    assert user.check_password(STRONG)
    context.close()


def test_wrong_passwords_end_on_the_french_lockout_page(
    live_server: LiveServer, transactional_db: None, browser: Browser, artifacts: Path
) -> None:
    # given
    UserFactory.create(username="claire")
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(20_000)

        # when
        for _ in range(settings.AXES_FAILURE_LIMIT):
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", "claire")
            page.fill("input[name=password]", "wrong-password")
            page.click("form[action='/login/'] button[type=submit]")

        # then
        expect(page.locator("#locked-out")).to_contain_text(
            "Trop de tentatives de connexion échouées"
        )
        page.screenshot(path=str(artifacts / f"e2e-accounts-locked-{width}.png"), full_page=True)
        context.close()


def test_owner_enrols_a_second_factor(
    live_server: LiveServer,
    transactional_db: None,
    browser: Browser,
    log_in: LogIn,
    artifacts: Path,
) -> None:
    # given an owner
    company = CompanyFactory.create(slug="atelier", legal_name="Atelier Vasseur SAS")
    user = UserFactory.create(username="claire")
    MembershipFactory.create(company=company, user=user, role=Role.OWNER)
    for width, height in ((1440, 900), (390, 844)):
        context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(20_000)
        log_in(page, "claire")

        # when she opens the two-step verification page
        page.goto(f"{live_server.url}/account/two-factor/")

        # then the QR code is drawn
        expect(page.locator(".two-factor-qr svg")).to_be_visible()
        page.screenshot(path=str(artifacts / f"e2e-accounts-2fa-{width}.png"), full_page=True)
        context.close()
