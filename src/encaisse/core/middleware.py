"""Resolve the request's company from the user's memberships (session remembers the choice)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from encaisse.core.models import Membership

SESSION_KEY = "company_id"


class CurrentCompanyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]  # set for every request
        request.company = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = Membership.objects.filter(user=user).select_related("company")
            wanted = request.session.get(SESSION_KEY)
            membership = memberships.filter(company_id=wanted).first() if wanted else None
            membership = membership or memberships.order_by("company__legal_name").first()
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.company = membership.company  # type: ignore[attr-defined]
        return self.get_response(request)
