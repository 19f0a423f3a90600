"""Every docstring example under `src/` and `tests/` runs as a test, with no list to keep.

pytest collects them itself (`--doctest-modules` in the pytest addopts of pyproject.toml), so a
new module's examples run without being named anywhere.
"""

from __future__ import annotations

import pytest


def test_docstring_examples_are_collected(pytestconfig: pytest.Config) -> None:
    # then pytest runs the examples of every module it walks
    assert pytestconfig.getoption("doctestmodules"), (
        "keep --doctest-modules in [tool.pytest.ini_options] addopts: without it no docstring "
        "example runs"
    )
