"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server. Playwright runs an event loop in the test thread, so Django's guard against ORM
calls from async code is lifted for these tests only."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (make sysdeps installs it)")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-gpu",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def log_in(live_server: LiveServer) -> Callable[..., None]:
    """`log_in(page, username, path)`: open `path` and sign in through the login form (every
    test user's password is "password")."""

    def sign_in(page: Page, username: str, path: str = "/login/") -> None:
        page.goto(f"{live_server.url}{path}")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "password")
        page.click("form[action='/login/'] button[type=submit]")

    return sign_in
