"""Payment pages: list, payment page with allocation (lettrage), record a payment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.core.audit import audit_events_for
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.payments.models import Payment
from encaisse.payments.selectors import payment_list
from encaisse.payments.services import (
    payment_allocate,
    payment_allocate_oldest_first,
    payment_record,
)
from encaisse.web.payments.forms import AllocateForm, PaymentFilterForm, PaymentForm
from encaisse.web.shell.access import StaffRequest, member_required, money_required
from encaisse.web.shell.forms import add_domain_error

PAGE_SIZE = 50


def _payment(request: StaffRequest, pk: int) -> Payment:
    return get_for_company_or_404(payment_list(request.company), company=request.company, pk=pk)


@member_required
def payment_list_view(request: StaffRequest) -> HttpResponse:
    company = request.company
    form = PaymentFilterForm(request.GET or None, company=company)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    customer = filters.get("customer")
    payments = payment_list(
        company,
        customer_id=customer.pk if customer else None,
        received_from=filters.get("received_from"),
        received_to=filters.get("received_to"),
        unallocated_only=bool(filters.get("unallocated")),
    )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/payments/list.html", {"form": form, "page": page})


@member_required
def payment_detail_view(
    request: StaffRequest, pk: int, allocate_form: AllocateForm | None = None
) -> HttpResponse:
    company = request.company
    payment = _payment(request, pk)
    context = {
        "payment": payment,
        "allocations": payment.allocations.select_related("invoice").order_by("id"),
        "allocate_form": allocate_form or AllocateForm(company=company, payment=payment),
        "events": audit_events_for(company, payment)[:100],
    }
    return render(request, "web/payments/detail.html", context)


@money_required
@require_POST
def payment_allocate_oldest_view(request: StaffRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    allocations = payment_allocate_oldest_first(
        company=request.company, payment_id=payment.pk, actor=request.user
    )
    if allocations:
        messages.success(
            request, _("Allocated to %(count)s invoice(s).") % {"count": len(allocations)}
        )
    else:
        messages.info(request, _("Nothing to allocate."))
    return redirect("web:payment_detail", pk=payment.pk)


@money_required
@require_POST
def payment_allocate_view(request: StaffRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    form = AllocateForm(request.POST, company=request.company, payment=payment)
    if form.is_valid():
        try:
            payment_allocate(
                company=request.company,
                payment_id=payment.pk,
                amounts={form.cleaned_data["invoice"].pk: form.cleaned_data["amount"]},
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc, field="amount")
        else:
            messages.success(request, _("Payment allocated."))
            return redirect("web:payment_detail", pk=payment.pk)
    return payment_detail_view(request, pk, allocate_form=form)


@money_required
def payment_create_view(request: StaffRequest) -> HttpResponse:
    company = request.company
    form = PaymentForm(request.POST or None, company=company, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                company=company,
                customer=data["customer"],
                amount=data["amount"],
                received_on=data["received_on"],
                actor=request.user,
                method=data["method"],
                reference=data["reference"],
                allocate_to=data["chosen"] if data["allocation"] == "chosen" else None,
                auto_allocate=data["allocation"] == "oldest",
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("web:payment_detail", pk=payment.pk)
    return render(request, "web/payments/form.html", {"form": form})


@money_required
def payment_open_invoices_view(request: StaffRequest) -> HttpResponse:
    """htmx partial: the chosen customer's open invoices, each with an amount to allocate."""
    form = PaymentForm(company=request.company, initial={"customer": request.GET.get("customer")})
    return render(request, "web/payments/_open_invoices.html", {"form": form})


def _initial(request: StaffRequest) -> dict[str, Any]:
    """Pre-fill from the customer or invoice page's 'record a payment' button."""
    initial: dict[str, Any] = {}
    if customer_id := request.GET.get("customer"):
        initial["customer"] = customer_id
    if invoice_id := request.GET.get("invoice"):
        invoice = (
            with_open_amount(Invoice.objects.filter(company=request.company, pk=invoice_id))
            .filter(Q(open_amount__gt=0))
            .first()
            if invoice_id.isdigit()
            else None
        )
        if invoice is not None:
            initial.update(
                customer=invoice.customer_id,
                amount=invoice.open_amount,
                allocation="chosen",
                **{PaymentForm.allocation_field(invoice): invoice.open_amount},
            )
    return initial
