"""Error codes of core: companies, members and roles."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class CoreCode(ErrorCode):
    COMPANY_INVALID = "company_invalid", ErrorKind.INVALID
    COMPANY_SLUG = "company_slug", ErrorKind.INVALID
    COMPANY_SLUG_TAKEN = "company_slug_taken", ErrorKind.CONFLICT
    USER_UNKNOWN = "user_unknown", ErrorKind.NOT_FOUND
    PERMISSION_DENIED = "permission_denied", ErrorKind.FORBIDDEN
    COMPANY_BUSY = "company_busy", ErrorKind.CONFLICT
