"""Company use cases."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from encaisse.core.audit import audit_record
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.identifiers import compact
from encaisse.core.models import Company, Membership, Role


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
