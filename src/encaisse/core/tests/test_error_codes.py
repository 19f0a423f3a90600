"""Every DomainError raised in src/ names a declared code, and every declared code has a kind.

mypy already refuses a bare string where an `ErrorCode` is expected; this test reads the
source itself (AST), so a new `DomainError("some_code", ...)` fails CI even in a file that
mypy does not check strictly.
"""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

from encaisse.core import exceptions
from encaisse.core.exceptions import DomainError, ErrorCode, ErrorKind

SRC = Path(__file__).resolve().parents[2]  # src/encaisse
APPS = ("core", "customers", "invoicing", "payments", "ledger", "collection", "dunning")


def _declared() -> dict[str, type[ErrorCode]]:
    """The ErrorCode enums of every app, by class name."""
    enums: dict[str, type[ErrorCode]] = {}
    for app in APPS:
        module = importlib.import_module(f"encaisse.{app}.errors")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, ErrorCode) and value is not ErrorCode:
                enums[value.__name__] = value
    return enums


def _raised_codes() -> list[tuple[str, int, ast.expr]]:
    """(file, line, first argument) of every DomainError(...) call outside tests."""
    calls = []
    for path in sorted(SRC.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == DomainError.__name__
            ):
                first = node.args[0] if node.args else None
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        first = keyword.value
                assert first is not None, f"{path}:{node.lineno}: DomainError without a code"
                calls.append((str(path.relative_to(SRC)), node.lineno, first))
    return calls


def _code_problem(code: ast.expr, enums: dict[str, type[ErrorCode]]) -> str:
    """Why `code` is not a declared code, or ''."""
    if isinstance(code, ast.Attribute) and isinstance(code.value, ast.Name):
        enum = enums.get(code.value.id)
        if enum is None:
            return "not an ErrorCode enum"
        return "" if code.attr in enum.__members__ else f"not a member of {enum.__name__}"
    if isinstance(code, ast.Name | ast.Subscript):
        return ""  # chosen at run time (a variable, a table lookup): mypy checks its type
    return "not an ErrorCode member"  # a string, an f-string, a concatenation...


def test_every_app_declares_its_codes_with_a_kind() -> None:
    # given
    enums = _declared()

    # then
    assert len(enums) == len(APPS)
    values = [code.value for enum in enums.values() for code in enum]
    assert len(values) == len(set(values)), "a code is declared twice"
    for enum in enums.values():
        for code in enum:
            assert isinstance(code.kind, ErrorKind), code


def test_every_domain_error_names_a_declared_code() -> None:
    # given
    enums = _declared()

    # when
    calls = _raised_codes()

    # then
    assert len(calls) > 90
    problems = [
        f"{file}:{line}: {ast.unparse(code)}: {problem}"
        for file, line, code in calls
        if (problem := _code_problem(code, enums))
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("_case", "source", "problem"),
    [
        ("string", '"made_up"', "not an ErrorCode member"),
        ("f-string", 'f"{kind}_made_up"', "not an ErrorCode member"),
        ("unknown member", "InvoicingCode.MADE_UP", "not a member of InvoicingCode"),
        ("not an enum", "Status.DRAFT", "not an ErrorCode enum"),
        ("declared member", "InvoicingCode.INVOICE_NOT_DRAFT", ""),
    ],
)
def test_the_check_catches_a_bare_or_unknown_code(_case: str, source: str, problem: str) -> None:
    # given
    code = ast.parse(source, mode="eval").body

    # when / then
    assert _code_problem(code, _declared()) == problem


def test_a_code_compares_equal_to_its_text_and_gives_its_kind() -> None:
    # given
    from encaisse.invoicing.errors import InvoicingCode

    # when
    error = DomainError(InvoicingCode.INVOICE_NOT_DRAFT, "Only a draft can be issued.")

    # then
    assert error.code == "invoice_not_draft"
    assert error.kind is ErrorKind.CONFLICT
    assert f"{error.code}" == "invoice_not_draft"


def test_the_module_examples_hold() -> None:
    # when
    result = doctest.testmod(exceptions)

    # then
    assert (result.failed, result.attempted) == (0, 5)
