"""Customer pages: list, create, edit, the customer page with statement and audit trail."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.core.audit import audit_events_for
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.models import Customer
from encaisse.customers.services import contact_add, customer_create, customer_update
from encaisse.invoicing.selectors import invoice_open_list
from encaisse.ledger.positions import customer_list, customer_statement
from encaisse.web.customers.forms import ContactForm, CustomerFilterForm, CustomerForm
from encaisse.web.ledger.forms import StatementForm
from encaisse.web.shell.access import StaffRequest, member_required
from encaisse.web.shell.forms import add_domain_error

PAGE_SIZE = 50


@member_required
def customer_list_view(request: StaffRequest) -> HttpResponse:
    company = request.company
    form = CustomerFilterForm(request.GET or None, company=company)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    owner = filters.get("owner")
    customers = customer_list(
        company,
        search=(filters.get("q") or "").strip(),
        with_balance_only=bool(filters.get("with_balance")),
        owner_id=owner.pk if owner else None,
        sort=filters.get("sort") or "name",
    ).select_related("owner")
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/customers/list.html", {"form": form, "page": page})


@member_required
def customer_create_view(request: StaffRequest) -> HttpResponse:
    form = CustomerForm(request.POST or None, company=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_create(
                company=request.company, actor=request.user, **form.service_fields()
            )
        except DomainError as exc:
            add_domain_error(form, exc, field="reference")
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("web:customer_detail", pk=customer.pk)
    return render(request, "web/customers/form.html", {"form": form, "customer": None})


@member_required
def customer_edit_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer, company=request.company)
    if request.method == "POST" and form.is_valid():
        try:
            customer_update(
                company=request.company,
                customer_id=customer.pk,
                actor=request.user,
                **form.service_fields(),
            )
        except DomainError as exc:
            add_domain_error(form, exc, field="reference")
        else:
            messages.success(request, _("Customer saved."))
            return redirect("web:customer_detail", pk=customer.pk)
    return render(request, "web/customers/form.html", {"form": form, "customer": customer})


@member_required
def customer_detail_view(
    request: StaffRequest, pk: int, contact_form: ContactForm | None = None
) -> HttpResponse:
    company = request.company
    customer = get_for_company_or_404(
        customer_list(company).select_related("payment_terms", "owner"), company=company, pk=pk
    )
    on = today()
    period = StatementForm(request.GET or None)
    dates = period.cleaned_data if period.is_bound and period.is_valid() else {}
    as_of = dates.get("as_of") or on
    statement = customer_statement(company, customer, as_of=as_of, date_from=dates.get("date_from"))
    context = {
        "customer": customer,
        "today": on,
        "contacts": customer.contacts.all(),
        "contact_form": contact_form or ContactForm(),
        "open_invoices": invoice_open_list(company, customer_id=customer.pk),
        "statement": statement,
        "period_form": period,
        "events": audit_events_for(company, customer)[:100],
    }
    return render(request, "web/customers/detail.html", context)


@member_required
@require_POST
def contact_add_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact_add(
                company=request.company, customer=customer, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Contact added."))
            return redirect("web:customer_detail", pk=customer.pk)
    return customer_detail_view(request, pk, contact_form=form)
