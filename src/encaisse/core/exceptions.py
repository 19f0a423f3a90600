"""Domain errors: a code that programs test and a message that people read."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the operation; nothing was written."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra

    def __str__(self) -> str:
        return self.message
