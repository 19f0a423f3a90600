"""The user's own account: password change, password reset by email, and the page a
locked-out login gets (django-axes calls `lockout_response`, see AXES_LOCKOUT_CALLABLE).

The views are Django's own; only their templates, in French first, are ours. They are named
explicitly because the admin ships templates of the same default names.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from encaisse.web.shell.forms import BootstrapMixin

LOCKOUT_STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page of a (username, address) pair refused for the cool-off, in French."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request, "web/account/locked_out.html", {"minutes": minutes}, status=LOCKOUT_STATUS
    )


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


password_change = auth_views.PasswordChangeView.as_view(
    template_name="web/account/password_change.html",
    form_class=PasswordChangeForm,
    success_url=reverse_lazy("password_change_done"),
)
password_change_done = auth_views.PasswordChangeDoneView.as_view(
    template_name="web/account/password_change_done.html"
)
password_reset = auth_views.PasswordResetView.as_view(
    template_name="web/account/password_reset.html",
    form_class=PasswordResetForm,
    email_template_name="web/account/password_reset_email.txt",
    subject_template_name="web/account/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="web/account/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="web/account/password_reset_confirm.html",
    form_class=SetPasswordForm,
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="web/account/password_reset_complete.html"
)
