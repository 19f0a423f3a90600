"""A test missing Redis or PostgreSQL skips on a laptop and fails in CI."""

from __future__ import annotations

import pytest

from encaisse.core.tests.needs import service_missing


@pytest.mark.parametrize("environ", [{}, {"CI": "false"}, {"CI": "1"}, {"CI": ""}])
def test_outside_ci_a_missing_service_skips(environ: dict[str, str]) -> None:
    # when / then
    with pytest.raises(pytest.skip.Exception, match=r"^no Redis on 127\.0\.0\.1:6379$"):
        service_missing("no Redis on 127.0.0.1:6379", environ)


def test_in_ci_a_missing_service_fails() -> None:
    # when / then
    with pytest.raises(
        pytest.fail.Exception, match=r"^no Redis on 127\.0\.0\.1:6379: CI=true needs"
    ):
        service_missing("no Redis on 127.0.0.1:6379", {"CI": "true"})
