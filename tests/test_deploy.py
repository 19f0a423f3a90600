"""Production settings (issue 13): `check --deploy` is clean with the documented production
environment, the development key never serves with DEBUG off, and `make run` still serves the
demo over plain http on 127.0.0.1.

Each case starts the project in a process of its own, with an environment built here (the
test run's own DEBUG=1 is not inherited).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_KEY = "insecure-dev-key-set-SECRET_KEY-in-production"
# The production environment of the README's "Deploy" section.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Yq7-rA9!vTz2#mW8pL0xN4sB6dF1gH5jC3eR7uI9oP2aS4dG8hJ2kL6zX0c",
    "ALLOWED_HOSTS": "encaisse.example.fr",
    "CSRF_TRUSTED_ORIGINS": "https://encaisse.example.fr",
}


def _env(tmp_path: Path, **variables: str) -> dict[str, str]:
    # a clean process: nothing of the test run's own environment (pytest sets DEBUG=1, and
    # pytest-playwright DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly refuses)
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        {
            "PYTHONPATH": str(ROOT / "src"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'encaisse.sqlite3'}",
            "ENCAISSE_VAR_DIR": str(tmp_path),
            **variables,
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 -- our own interpreter and command
        [sys.executable, "-m", "encaisse.manage", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _setting_values(env: dict[str, str], *names: str) -> list[str]:
    code = "from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    done = _manage(env, "shell", "-v", "0", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_check_deploy_is_clean_with_the_production_environment(tmp_path: Path) -> None:
    # when
    done = _manage(_env(tmp_path, **PRODUCTION), "check", "--deploy", "--fail-level", "WARNING")

    # then
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout == "System check identified no issues (0 silenced).\n"


def test_production_defaults_are_https_and_development_defaults_are_http(tmp_path: Path) -> None:
    names = (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
    )

    # when
    production = _setting_values(_env(tmp_path, **PRODUCTION), *names)
    development = _setting_values(_env(tmp_path, DEBUG="1"), *names)

    # then
    assert production == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "['encaisse.example.fr']",
        "['https://encaisse.example.fr']",
    ]
    assert development == [
        "False",
        "0",
        "False",
        "False",
        "False",
        "False",
        "None",
        "['127.0.0.1', 'localhost']",
        "[]",
    ]


def test_each_https_setting_is_overridden_from_the_environment(tmp_path: Path) -> None:
    # given a production behind a proxy that sets its own header, HSTS not yet preloaded
    env = _env(
        tmp_path,
        **PRODUCTION,
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="0",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME,https",
    )

    # when
    values = _setting_values(
        env, "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER"
    )

    # then
    assert values == ["3600", "False", "('HTTP_X_FORWARDED_SCHEME', 'https')"]


@pytest.mark.parametrize(
    ("_case", "variables"),
    [
        ("_debug_off_no_key", {"DEBUG": "0"}),
        ("_debug_unset_no_key", {}),
        ("_debug_off_development_key", {"DEBUG": "0", "SECRET_KEY": DEVELOPMENT_KEY}),
    ],
)
def test_the_development_key_never_starts_with_debug_off(
    tmp_path: Path, _case: str, variables: dict[str, str]
) -> None:
    # when
    done = _manage(_env(tmp_path, **variables), "check")

    # then
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY is not set (or is the "
        "development key) while DEBUG is off: set SECRET_KEY, or DEBUG=1 for development."
    )
    assert not (tmp_path / "encaisse.sqlite3").exists()


def _make_debug() -> str:
    """The DEBUG that the Makefile's recipes (make run, make demo) see."""
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    done = subprocess.run(  # noqa: S603 -- make from the PATH, fixed arguments
        [
            shutil.which("make") or "make",
            "-s",
            "--no-print-directory",
            "--eval",
            "show-debug: ; @echo $$DEBUG",
            "show-debug",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """What `make run` does (migrate, demo --if-absent, runserver) with the Makefile's DEBUG."""
    env = _env(tmp_path, DEBUG=_make_debug())
    for args in (
        ("migrate", "--noinput", "-v0"),
        ("demo", "--customers", "3", "--invoices", "20", "--if-absent"),
    ):
        done = _manage(env, *args)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 -- our own interpreter and command
        [sys.executable, "-m", "encaisse.manage", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # readiness, not a timing assertion
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_make_run_serves_the_demo_over_plain_http(served: str) -> None:
    # given the Makefile runs in development mode
    assert _make_debug() == "1"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    # when the demo owner logs in over http
    page = opener.open(f"{served}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = {"username": "demo", "password": "demo", "csrfmiddlewaretoken": token.group(1)}
    home = opener.open(f"{served}/login/", data=urllib.parse.urlencode(form).encode())

    # then the home page answers over http (no redirect to https), logged in
    assert (home.status, home.geturl()) == (200, f"{served}/")
    assert "sessionid" in {cookie.name for cookie in jar}
