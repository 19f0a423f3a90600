"""Staff home page and the company switcher."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from encaisse.core.dates import today
from encaisse.core.middleware import SESSION_KEY
from encaisse.core.models import Membership
from encaisse.web.access import StaffRequest, member_required
from encaisse.web.selectors import home_figures


@member_required
def home(request: StaffRequest) -> HttpResponse:
    on = today()
    figures = home_figures(request.company, on=on)
    return render(request, "web/home.html", {"figures": figures, "today": on})


@login_required
@require_POST
def company_switch(request: HttpRequest) -> HttpResponse:
    """Work for another company; only one the user is a member of (else 404)."""
    company_id = _int(request.POST.get("company"))
    user = request.user
    membership = (
        Membership.objects.filter(user=user, company_id=company_id).first()
        if company_id is not None and isinstance(user, User)
        else None
    )
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.company_id
    return redirect("web:home")


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None
