"""Error codes of core: companies, members, roles and API tokens."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class CoreCode(ErrorCode):
    COMPANY_INVALID = "company_invalid", ErrorKind.INVALID
    COMPANY_SLUG = "company_slug", ErrorKind.INVALID
    COMPANY_SLUG_TAKEN = "company_slug_taken", ErrorKind.CONFLICT
    USER_UNKNOWN = "user_unknown", ErrorKind.NOT_FOUND
    PERMISSION_DENIED = "permission_denied", ErrorKind.FORBIDDEN
    COMPANY_BUSY = "company_busy", ErrorKind.CONFLICT
    TOKEN_UNKNOWN = "api_token_unknown", ErrorKind.NOT_FOUND
    TOKEN_REVOKED = "api_token_revoked", ErrorKind.CONFLICT
    TOKEN_DAYS = "api_token_days", ErrorKind.INVALID
    TOKEN_USER = "api_token_user", ErrorKind.INVALID
