"""The examples in the pure modules' docstrings are right."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from encaisse.payments import benchset, io, matching
from encaisse.payments.io import camt05x, cfonb120, csv, mt940, ofx


@pytest.mark.parametrize("module", [io, camt05x, cfonb120, csv, mt940, ofx, matching, benchset])
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0
