"""Who may do what in the staff app: one place for login, membership and role checks.

Every staff view is wrapped in `member_required` (login, a membership in the current
company, and a writing role for any POST), `money_required` (also a role that may change
what customers owe: issue, credit, cancel, record or undo payments) or `owner_required`
(the company's owner only: its API tokens). Views then read the
company and membership from a `StaffRequest` instead of repeating the checks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from encaisse.core.models import Company, Membership, Role

P = ParamSpec("P")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class StaffRequest(HttpRequest):
    """A request that passed `member_required`: a user working for `company`."""

    user: User
    company: Company
    membership: Membership


StaffView = Callable[Concatenate[StaffRequest, P], HttpResponse]
PlainView = Callable[Concatenate[HttpRequest, P], HttpResponse]


def require_money(request: StaffRequest) -> None:
    """Refuse (403) a user whose role may not change what customers owe."""
    if not request.membership.can_manage_money:
        raise PermissionDenied


def require_owner(request: StaffRequest) -> None:
    """Refuse (403) anyone but the company's owner."""
    if request.membership.role != Role.OWNER:
        raise PermissionDenied


def _guard(view: StaffView[P], *, money: bool, owner: bool = False) -> PlainView[P]:
    @wraps(view)
    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership: Membership | None = getattr(request, "membership", None)
        if membership is None:
            return render(request, "web/no_membership.html", status=403)
        if request.method not in SAFE_METHODS and not membership.can_write:
            raise PermissionDenied
        staff_request = cast(StaffRequest, request)
        if money:
            require_money(staff_request)
        if owner:
            require_owner(staff_request)
        return view(staff_request, *args, **kwargs)

    return wrapper


def member_required(view: StaffView[P]) -> PlainView[P]:
    """Logged in, member of the current company; POST only for roles that may write."""
    return _guard(view, money=False)


def money_required(view: StaffView[P]) -> PlainView[P]:
    """As `member_required`, and only for roles that manage money (owner, credit manager)."""
    return _guard(view, money=True)


def owner_required(view: StaffView[P]) -> PlainView[P]:
    """As `member_required`, and only for the company's owner."""
    return _guard(view, money=False, owner=True)
