"""Payment terms of the company: the list, and a form that warns past the LME caps."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from encaisse.core.exceptions import DomainError
from encaisse.customers.models import PaymentTerms
from encaisse.customers.services import payment_terms_create
from encaisse.web.customers.forms import PaymentTermsForm
from encaisse.web.shell.access import StaffRequest, member_required, require_money
from encaisse.web.shell.forms import add_domain_error


@member_required
def terms_list_view(request: StaffRequest) -> HttpResponse:
    form = PaymentTermsForm(request.POST or None)
    if request.method == "POST":
        require_money(request)
        if form.is_valid():
            try:
                terms, warnings = payment_terms_create(
                    company=request.company, actor=request.user, **form.cleaned_data
                )
            except DomainError as error:
                add_domain_error(form, error, "name")
            else:
                messages.success(request, _("Payment terms %(name)s created.") % {"name": terms})
                for warning in warnings:
                    messages.warning(request, warning)
                return redirect("web:terms_list")
    terms_list = PaymentTerms.objects.filter(company=request.company)
    return render(
        request,
        "web/terms/list.html",
        {"terms_list": terms_list, "form": form, "section": "terms"},
    )
