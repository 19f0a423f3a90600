"""What a test does when a service it needs is not running: skip on a developer's machine, fail
in CI (`CI=true`), where `.ci/run` starts every service and a skip would hide a gap."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NoReturn

import pytest


def service_missing(reason: str, environ: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip the running test for `reason`, or fail it when `environ` says this is CI."""
    if environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI=true needs it running (.ci/run starts it)", pytrace=False)
    pytest.skip(reason)
