"""Template context: the current company and role, and the companies the user can switch to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from encaisse.core.models import Membership


def company(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_company": getattr(request, "company", None),
        "current_membership": getattr(request, "membership", None),
        "user_memberships": Membership.objects.filter(user=user).select_related("company"),
    }
