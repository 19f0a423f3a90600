"""Company use cases, and the API tokens of its integrations."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from encaisse.core.audit import audit_record
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.identifiers import compact
from encaisse.core.models import ApiToken, Company, Membership, Role

TOKEN_MAX_DAYS = 3650


@transaction.atomic
def company_create(
    *, legal_name: str, siren: str, slug: str | None = None, owner_username: str | None = None
) -> Company:
    """A new tenant; its SIREN is checked (Luhn key) and its slug must be free."""
    slug = slugify(slug or legal_name)[:50]
    if not slug:
        raise DomainError(CoreCode.COMPANY_SLUG, _("A slug is required."))
    if Company.objects.filter(slug=slug).exists():
        raise DomainError(
            CoreCode.COMPANY_SLUG_TAKEN, _("The slug %(slug)s is taken.") % {"slug": slug}
        )
    company = Company(legal_name=legal_name.strip(), siren=compact(siren), slug=slug)
    try:
        company.full_clean(exclude=["default_terms"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(CoreCode.COMPANY_INVALID, f"{field}: {messages[0]}") from exc
    company.save()
    owner = None
    if owner_username:
        owner = get_user_model().objects.filter(username=owner_username).first()
        if owner is None:
            raise DomainError(
                CoreCode.USER_UNKNOWN, _("Unknown user %(u)s.") % {"u": owner_username}
            )
        Membership.objects.create(company=company, user=owner, role=Role.OWNER)
    audit_record(
        company=company,
        subject=company,
        kind="company.created",
        actor=owner,
        after={"legal_name": company.legal_name, "siren": company.siren},
    )
    return company


@transaction.atomic
def api_token_create(
    *, company: Company, user: User, name: str, days: int, actor: User | None
) -> tuple[ApiToken, str]:
    """A token acting as `user` in `company` for `days`; the raw value is returned once.

    Only an active member of the company may be the token's user: the API acts as them."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise DomainError(
            CoreCode.TOKEN_DAYS,
            _("A token lives between 1 and %(max)d days.") % {"max": TOKEN_MAX_DAYS},
            errors={"days": [_("Between 1 and %(max)d days.") % {"max": TOKEN_MAX_DAYS}]},
        )
    if not user.is_active or not Membership.objects.filter(company=company, user=user).exists():
        raise DomainError(
            CoreCode.TOKEN_USER, _("The token's user must be an active member of the company.")
        )
    token, raw = ApiToken.issue(
        company=company, user=user, name=name.strip()[:100] or "api", days=days
    )
    audit_record(
        company=company,
        subject=token,
        kind="api_token.created",
        actor=actor,
        after={
            "name": token.name,
            "user": user.get_username(),
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, raw


@transaction.atomic
def api_token_revoke(
    *, company: Company, token_id: int, actor: User | None, now: datetime
) -> ApiToken:
    """Stop a token for good; another company's token is unknown, as a missing one."""
    token = ApiToken.objects.select_for_update().filter(company=company, pk=token_id).first()
    if token is None:
        raise DomainError(CoreCode.TOKEN_UNKNOWN, _("No such API token."))
    if token.revoked_at is not None:
        raise DomainError(CoreCode.TOKEN_REVOKED, _("This API token is already revoked."))
    token.revoked_at = now
    token.save(update_fields=["revoked_at"])
    audit_record(
        company=company,
        subject=token,
        kind="api_token.revoked",
        actor=actor,
        after={"name": token.name, "revoked_at": now.isoformat()},
    )
    return token
