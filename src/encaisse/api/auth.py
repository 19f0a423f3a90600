"""Token authentication: `Authorization: Bearer <token>` gives the company, the user and the role.

A token only works before its expiry, while it is not revoked, while its user is active and
still a member of the token's company, so removing someone from a company also closes their
integrations. An expired or revoked token gets the same 401 as an unknown one, so that a caller
cannot tell them apart. Tokens travel in a header, never in a cookie, so the API needs no CSRF
protection.

Guessing is throttled per client address: after ENCAISSE_API_AUTH_FAILURE_LIMIT bad tokens, the
address gets 429 for ENCAISSE_API_AUTH_WINDOW seconds, whatever token it sends (a counter in
Django's default cache; give several processes a shared one with CACHE_URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.http import client_ip
from encaisse.core.models import ApiToken, Company, Membership, hash_token

# Recording every use would write on every read; a minute is precise enough to audit tokens.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    """Who calls: the token, its company, its user and that user's membership there."""

    token: ApiToken
    company: Company
    user: User
    membership: Membership

    @property
    def role(self) -> str:
        return self.membership.role


class TooManyAttempts(Exception):  # noqa: N818 - named after the answer, as Http404
    """Too many bad tokens from one address: answered 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many bad API tokens")
        self.retry_after = retry_after


def _failures_key(request: HttpRequest) -> str:
    return "api-auth-failures:" + client_ip(request)


def _record_failure(request: HttpRequest) -> None:
    key = _failures_key(request)
    # The window starts at the first failure: add() only sets a missing key.
    cache.add(key, 0, timeout=settings.ENCAISSE_API_AUTH_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=settings.ENCAISSE_API_AUTH_WINDOW)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiPrincipal | None:
        failures = cache.get(_failures_key(request), 0)
        if failures >= settings.ENCAISSE_API_AUTH_FAILURE_LIMIT:
            raise TooManyAttempts(settings.ENCAISSE_API_AUTH_WINDOW)
        caller = self._principal(token)
        if caller is None:
            _record_failure(request)
        return caller

    def _principal(self, token: str) -> ApiPrincipal | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        now = timezone.now()
        api_token = (
            ApiToken.objects.select_related("company", "user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        membership = Membership.objects.filter(
            company=api_token.company, user=api_token.user
        ).first()
        if membership is None:
            return None
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return ApiPrincipal(
            token=api_token,
            company=api_token.company,
            user=api_token.user,
            membership=membership,
        )


def principal(request: HttpRequest) -> ApiPrincipal:
    """The authenticated caller of an operation (ninja sets `request.auth`)."""
    auth = getattr(request, "auth", None)
    if not isinstance(auth, ApiPrincipal):  # only reachable if an operation drops auth
        raise AuthorizationError(message=_("This operation needs an API token."))
    return auth


def writer(request: HttpRequest) -> ApiPrincipal:
    """A caller allowed to write (every role but the read-only accountant)."""
    caller = principal(request)
    if not caller.membership.can_write:
        raise DomainError(CoreCode.PERMISSION_DENIED, _("Your role is read-only."))
    return caller


def money_manager(request: HttpRequest) -> ApiPrincipal:
    """A caller allowed to change what customers owe: issue, credit, record and allocate."""
    caller = principal(request)
    if not caller.membership.can_manage_money:
        raise DomainError(
            CoreCode.PERMISSION_DENIED,
            _("Your role may not issue invoices, credit them or record payments."),
        )
    return caller
