"""Reads of core: the API tokens of a company."""

from __future__ import annotations

from django.db.models import QuerySet

from encaisse.core.models import ApiToken, Company


def api_token_list(company: Company) -> QuerySet[ApiToken]:
    """Every token of the company, newest first, with its user."""
    return ApiToken.objects.filter(company=company).select_related("user")
