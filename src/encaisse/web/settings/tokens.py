"""The company's API tokens (owner only): the list with each one's state, a form that creates
one and shows its secret once, and revocation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from encaisse.core.exceptions import DomainError
from encaisse.core.models import ApiToken
from encaisse.core.scoping import get_for_company_or_404
from encaisse.core.selectors import api_token_list
from encaisse.core.services import TOKEN_MAX_DAYS, api_token_create, api_token_revoke
from encaisse.web.shell.access import StaffRequest, owner_required
from encaisse.web.shell.forms import StyledForm, add_domain_error

# The secret of a token just created, kept in the session for the one page that shows it.
SECRET_KEY = "api_token_secret"  # noqa: S105 - the name of a session entry


class TokenForm(StyledForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        initial=settings.ENCAISSE_API_TOKEN_DAYS,
    )


@owner_required
def token_list_view(request: StaffRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(
                company=request.company,
                user=request.user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        except DomainError as error:
            add_domain_error(form, error, "name")
        else:
            request.session[SECRET_KEY] = raw
            messages.success(request, _("API token %(name)s created.") % {"name": token.name})
            return redirect("web:token_list")
    now = timezone.now()
    tokens = list(api_token_list(request.company))
    for token in tokens:
        token.state = token.state_at(now)  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "web/settings/tokens.html",
        {
            "tokens": tokens,
            "form": form,
            "secret": request.session.pop(SECRET_KEY, None),
            "section": "token_list",
        },
    )


@owner_required
def token_revoke_view(request: StaffRequest, pk: int) -> HttpResponse:
    token = get_for_company_or_404(ApiToken, company=request.company, pk=pk)
    if request.method != "POST":
        return redirect("web:token_list")
    try:
        api_token_revoke(
            company=request.company, token_id=token.pk, actor=request.user, now=timezone.now()
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("API token %(name)s revoked.") % {"name": token.name})
    return redirect("web:token_list")
