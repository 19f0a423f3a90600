"""Audit trail: services record who changed what, with the values before and after."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from encaisse.core.actors import Actor, actor_user
from encaisse.core.models import AuditEvent, Company


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of a row as JSON-ready values (foreign keys as ids)."""
    result = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        result[name] = _jsonable(getattr(instance, attname))
    return result


def audit_record(
    *,
    company: Company,
    subject: models.Model,
    kind: str,
    actor: Actor,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    before, after = dict(before or {}), dict(after or {})
    if before and after:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    return AuditEvent.objects.create(
        company=company,
        actor=actor_user(actor),
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        kind=kind,
        before=before,
        after=after,
    )


def audit_events_for(company: Company, subject: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        company=company,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
    ).select_related("actor")
