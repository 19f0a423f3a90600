"""The one way from an id to a row: filtered by company, so another tenant's row is a 404."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from encaisse.core.models import Company

M = TypeVar("M", bound=models.Model)


def get_for_company_or_404(
    model_or_qs: type[M] | models.QuerySet[M], *, company: Company, **lookup: Any
) -> M:
    qs = (
        model_or_qs
        if isinstance(model_or_qs, models.QuerySet)
        else model_or_qs._default_manager.all()
    )
    try:
        return qs.get(company=company, **lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
