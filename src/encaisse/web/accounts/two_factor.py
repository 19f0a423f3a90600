"""The optional second factor (TOTP, django-otp) of owners: enrolment from a QR code, and the
step after the password when the user has a confirmed device.

The password step does not log in a user who has a confirmed device: it remembers who passed
it in the session, for a few minutes, and the verify step logs them in once the code is right.
django-otp throttles wrong codes per device (a growing delay), and django-axes still throttles
the password.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from encaisse.web.shell.access import StaffRequest, member_required, require_owner
from encaisse.web.shell.forms import StyledForm

PENDING = "two_factor_pending"  # session entry: who passed the password step, and when
PENDING_SECONDS = 300


class CodeForm(StyledForm):
    token = forms.CharField(
        label=gettext_lazy("Code of the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class LoginView(auth_views.LoginView):
    """Django's login, stopping before the login itself when a second factor is set."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("two_factor_verify")


def verify_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return redirect("login")
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    device = confirmed_device(user) if user else None
    if user is None or device is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            del request.session[PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            target = pending["next"]
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return HttpResponseRedirect(target)
        form.add_error("token", _("Code incorrect, or too many tries: wait a moment."))
    return render(request, "web/account/two_factor_verify.html", {"form": form})


@member_required
def enrol_view(request: StaffRequest) -> HttpResponse:
    require_owner(request)
    form = CodeForm(request.POST or None)
    device = confirmed_device(request.user)
    if device is None:
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": "app"}
        )
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            if request.POST.get("action") == "disable" and device.confirmed:
                TOTPDevice.objects.filter(user=request.user).delete()
                messages.success(request, _("Two-step verification is turned off."))
            else:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                otp_login(request, device)
                messages.success(request, _("Two-step verification is on."))
            return redirect("two_factor")
        form.add_error("token", _("Code incorrect, or too many tries: wait a moment."))
    qr = None
    if not device.confirmed:
        # segno writes the SVG itself from the device's own URL: nothing user-typed in it.
        qr = mark_safe(  # noqa: S308
            segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False)
        )
    return render(
        request,
        "web/account/two_factor.html",
        {"form": form, "device": device, "qr": qr, "secret": _base32(device)},
    )


def _base32(device: TOTPDevice) -> str:
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
