"""Staff home page and the company switcher."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from encaisse.analytics import kpi
from encaisse.analytics.snapshots import FiguresPendingError, figures_status
from encaisse.core.dates import today
from encaisse.core.middleware import SESSION_KEY
from encaisse.core.models import Membership
from encaisse.web.home.selectors import home_figures
from encaisse.web.shell.access import StaffRequest, member_required
from encaisse.web.shell.figures import FIGURE_PAGES, figures_page, figures_pending

BUCKET_NAMES = {
    "not_due": _("Not due"),
    "1-30": _("1-30 days"),
    "31-60": _("31-60 days"),
    "61-90": _("61-90 days"),
    "90+": _("> 90 days"),
}
HEADLINE_NAMES = {
    "dso_countback": _("DSO (countback)"),
    "average_days_late_weighted": _("Average days late (weighted)"),
    "cei": _("Collection effectiveness (CEI)"),
    "on_time_rate": _("Paid on time"),
    "overdue_rate": _("Overdue share of receivables"),
}


@member_required
def home(request: StaffRequest) -> HttpResponse:
    """The dashboard: where the cash is stuck and who is drifting, each figure a link."""
    on = today()
    try:
        snapshot = home_figures(request.company, on=on)
    except FiguresPendingError:
        return figures_pending(request, "home", request.company.legal_name)
    figures = snapshot.value
    on = snapshot.as_of  # stale figures describe the day they were computed for
    invoices = reverse("web:invoice_list")
    buckets = [
        {
            "key": key,
            "label": str(BUCKET_NAMES.get(key, key)),
            "amount": figures.aging.buckets[key],
            "url": f"{invoices}?{urlencode({'bucket': key, 'as_of': on.isoformat()})}",
        }
        for key in figures.aging.buckets
    ]
    charts = {
        "aging": {
            "labels": [b["label"] for b in buckets],
            "values": [float(v) for v in figures.aging.buckets.values()],
            "urls": [b["url"] for b in buckets],
        },
        "trend": {
            "labels": [m.period.start.strftime("%m/%Y") for m in figures.trends],
            "dso": [_float(m.dso_countback) for m in figures.trends],
            "late": [_float(m.behaviour.average_days_late_weighted) for m in figures.trends],
            "dso_label": str(_("DSO (countback), days")),
            "late_label": str(_("Average days late (weighted), days")),
        },
        "forecast": {
            "labels": [w.start.strftime("%d/%m") for w in figures.forecast.weeks],
            "expected": [float(w.expected) for w in figures.forecast.weeks],
            "early": [float(w.early) for w in figures.forecast.weeks],
            "late": [float(w.late) for w in figures.forecast.weeks],
            "expected_label": str(_("Expected (median delay)")),
            "early_label": str(_("Early (first quartile)")),
            "late_label": str(_("Late (third quartile)")),
        },
    }
    headlines = [(str(HEADLINE_NAMES[h.key]), h) for h in figures.headlines]
    context = {
        "figures": figures,
        "snapshot": snapshot,
        **figures_page("home"),
        "today": on,
        "buckets": buckets,
        "charts": charts,
        "headlines": headlines,
        "invoices_url": invoices,
        "guidelines": kpi.HHI_GUIDELINES,
    }
    return render(request, "web/home.html", context)


@member_required
def figures_status_view(request: StaffRequest, name: str) -> HttpResponse:
    """Polled by a page while it shows stale figures, or none yet (`pending`): says when fresh
    ones are ready; a pending page is reloaded as soon as the worker has stored any."""
    if name not in FIGURE_PAGES:
        raise Http404
    status = figures_status(request.company, name, on=today())
    pending = bool(request.GET.get("pending"))
    if pending and status.computed_at is not None and not status.computing:
        return HttpResponse(headers={"HX-Refresh": "true"})
    context = {"snapshot": status, **figures_page(name), "polled": True, "pending": pending}
    return render(request, "web/_figures_status.html", context)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


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
