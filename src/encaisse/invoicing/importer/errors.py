"""What an import reports when it refuses a file: the file, line and field named (beancount)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason to refuse a file.

    `line` is the line as a spreadsheet shows it (the header is line 1), None when the
    problem is the file or the mapping as a whole; `field` is a mapping field name
    (`issue_date`) or '' when no field is concerned; `value` is the text that was refused.
    """

    file: str
    line: int | None
    field: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} line {self.line}"
        if self.field:
            where = f"{where}, {self.field}"
        return f"{where}: {self.message}"
