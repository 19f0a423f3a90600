"""Domain errors: a code that programs test, a kind that says what went wrong, and a message
that people read; and file problems, what an import reports when it refuses a file.

Each app declares its codes in `<app>/errors.py`, an `ErrorCode` enum whose members carry
their kind; `DomainError` takes only such a member, so mypy refuses a bare string and the
interfaces (the API's statuses, the forms) decide from the kind, never from lists of codes.

>>> class DemoCode(ErrorCode):
...     THING_UNKNOWN = "thing_unknown", ErrorKind.NOT_FOUND
>>> error = DomainError(DemoCode.THING_UNKNOWN, "Unknown thing.")
>>> (error.code == "thing_unknown", error.kind)
(True, <ErrorKind.NOT_FOUND: 'not_found'>)
>>> str(FileProblem("f.csv", 3, "amount", "not an amount", "x"))
'f.csv line 3, amount: not an amount'
>>> str(FileProblem("s.xml", None, "Amt", "the amount is missing", where="/Document/Ntry[2]"))
's.xml, /Document/Ntry[2], Amt: the amount is missing'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorKind(StrEnum):
    """Why an operation was refused; an interface maps each kind to its own answer."""

    NOT_FOUND = "not_found"  # the subject named does not exist (for this company)
    CONFLICT = "conflict"  # the subject's current state forbids it (issue a non-draft)
    INVALID = "invalid"  # the input breaks a rule, whatever the state
    FORBIDDEN = "forbidden"  # the actor may not do this


class ErrorCode(StrEnum):
    """Base of the per-app code enums; each member is declared `NAME = "name", ErrorKind.X`.

    A member is a `str` equal to its value, so `error.code == "invoice_not_draft"` holds.
    """

    kind: ErrorKind

    def __new__(cls, value: str, kind: ErrorKind) -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        return member


class DomainError(Exception):
    """A business rule refused the operation; nothing was written."""

    def __init__(self, code: ErrorCode, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.kind = code.kind
        self.message = message
        self.extra = extra

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class FileProblem:
    """One reason to refuse a file (beancount's errors as data).

    `line` is the line, or record, as an editor or a spreadsheet shows it (a header is line
    1), None when the problem is the file as a whole or the format has no lines; `field` is
    the column or element concerned, '' when none; `value` is the text that was refused;
    `code` a short machine-readable reason when the importer has one; `where` the position
    as the format names it ("line 12", "record 12", an XML path), shown instead of the line.
    """

    file: str
    line: int | None
    field: str
    message: str
    value: str = ""
    code: str = ""
    where: str = ""

    def __str__(self) -> str:
        if self.where:
            where = f"{self.file}, {self.where}"
        elif self.line is not None:
            where = f"{self.file} line {self.line}"
        else:
            where = self.file
        if self.field:
            where = f"{where}, {self.field}"
        return f"{where}: {self.message}"


class FileRejected(ValueError):  # noqa: N818 - says what happened to the file, as DomainError
    """A file refused as a whole: nothing of it was written; `problems` say where and why."""

    def __init__(self, problems: Sequence[FileProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
