"""Promise to pay, recorded from the customer page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from encaisse.collection.services import promise_create
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.models import Customer
from encaisse.web.dunning.forms import PromiseForm
from encaisse.web.shell.access import StaffRequest, member_required
from encaisse.web.shell.forms import add_domain_error


@member_required
def promise_create_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    form = PromiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            promise_create(
                company=request.company,
                customer=customer,
                promised_on=data["promised_on"],
                amount=data["amount"],
                actor=request.user,
                on=today(),
                contact_name=data["contact_name"],
                note=data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, field="promised_on")
        else:
            messages.success(request, _("Promise to pay recorded."))
            return redirect("web:customer_detail", pk=customer.pk)
    return render(request, "collection/promise_form.html", {"customer": customer, "form": form})
