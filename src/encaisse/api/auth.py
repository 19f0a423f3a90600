"""Token authentication: `Authorization: Bearer <token>` gives the company, the user and the role.

A token only works while its user is active and still a member of the token's company, so
removing someone from a company also closes their integrations. Tokens travel in a header,
never in a cookie, so the API needs no CSRF protection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer

from encaisse.api.models import ApiToken, hash_token
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company, Membership

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


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiPrincipal | None:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        api_token = (
            ApiToken.objects.select_related("company", "user")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if api_token is None or not api_token.user.is_active:
            return None
        membership = Membership.objects.filter(
            company=api_token.company, user=api_token.user
        ).first()
        if membership is None:
            return None
        now = timezone.now()
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
