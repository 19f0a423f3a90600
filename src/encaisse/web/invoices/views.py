"""Invoice pages: list, invoice page, draft create/edit, issue, cancel, credit, dispute, undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.collection.models import Dispute
from encaisse.collection.services import dispute_open, invoice_disputes_resolve
from encaisse.core.audit import audit_events_for
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_list, with_open_amount
from encaisse.invoicing.services import (
    credit_lines_for_amount,
    invoice_draft_cancel,
    invoice_draft_create,
    invoice_draft_update,
    invoice_issue,
)
from encaisse.payments.models import Allocation
from encaisse.payments.services import allocation_undo, credit_note_issue
from encaisse.web.invoices.forms import (
    CreditNoteForm,
    InvoiceFilterForm,
    InvoiceForm,
    LineForm,
    LineFormSet,
)
from encaisse.web.reports.views import aging_bucket_filter
from encaisse.web.shell.access import StaffRequest, member_required, money_required, require_money
from encaisse.web.shell.forms import add_domain_error

PAGE_SIZE = 50
LINES_PREFIX = "lines"


def _invoice(request: StaffRequest, pk: int) -> Invoice:
    qs = with_open_amount(
        Invoice.objects.select_related("customer", "credited_invoice", "payment_terms")
    )
    return get_for_company_or_404(qs, company=request.company, pk=pk)


@member_required
def invoice_list_view(request: StaffRequest) -> HttpResponse:
    company = request.company
    on = today()
    form = InvoiceFilterForm(request.GET or None, company=company)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    customer = filters.get("customer")
    kind = filters.get("kind") or Invoice.Kind.INVOICE
    bucket = aging_bucket_filter(request.GET, on=on)  # from the dashboard's aged balance
    invoices = invoice_list(
        company,
        status=filters.get("status") or None,
        customer_id=customer.pk if customer else None,
        overdue_on=on if filters.get("overdue") else None,
        issued_from=filters.get("issued_from"),
        issued_to=filters.get("issued_to"),
        kind=None if kind == "all" else kind,
        search=(filters.get("q") or "").strip(),
        **bucket,
    )
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/invoices/list.html", {"form": form, "page": page, "today": on})


@member_required
def invoice_detail_view(request: StaffRequest, pk: int) -> HttpResponse:
    company = request.company
    invoice = _invoice(request, pk)
    context = {
        "invoice": invoice,
        "today": today(),
        "lines": invoice.lines.all(),
        "vat_totals": invoice.vat_totals.all(),
        "allocations": invoice.allocations.select_related("payment").order_by("id"),
        "credit_notes": with_open_amount(
            Invoice.objects.filter(company=company, credited_invoice=invoice)
        ).order_by("id"),
        "events": audit_events_for(company, invoice)[:100],
    }
    return render(request, "web/invoices/detail.html", context)


def _wants_issue(request: StaffRequest) -> bool:
    """'Save and issue' was pressed; only roles that manage money may (403 otherwise)."""
    if request.POST.get("action") != "issue":
        return False
    require_money(request)
    return True


@member_required
def invoice_create_view(request: StaffRequest) -> HttpResponse:
    company = request.company
    initial: dict[str, Any] = {}
    if customer_id := request.GET.get("customer"):
        initial["customer"] = customer_id
    form = InvoiceForm(request.POST or None, company=company, initial=initial)
    lines = LineFormSet(request.POST or None, prefix=LINES_PREFIX)
    if request.method == "POST":
        issue = _wants_issue(request)
        if form.is_valid() and lines.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    invoice = invoice_draft_create(
                        company=company,
                        customer=data["customer"],
                        lines=lines.line_data(),
                        actor=request.user,
                        nature=data["nature"],
                        po_number=data["po_number"],
                        supply_date=data["supply_date"],
                        payment_terms=data["payment_terms"],
                        notes=data["notes"],
                    )
                    if issue:
                        invoice = invoice_issue(
                            company=company, invoice_id=invoice.pk, actor=request.user, on=today()
                        )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                _saved_message(request, invoice)
                return redirect("web:invoice_detail", pk=invoice.pk)
    return render(
        request, "web/invoices/form.html", {"form": form, "lines": lines, "invoice": None}
    )


@member_required
def invoice_edit_view(request: StaffRequest, pk: int) -> HttpResponse:
    """Change a draft's lines; an issued invoice is never edited, only credited."""
    company = request.company
    invoice = _invoice(request, pk)
    if not invoice.is_draft:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("web:invoice_detail", pk=invoice.pk)
    initial = [LineForm.initial_from(line) for line in invoice.lines.all()]
    lines = LineFormSet(request.POST or None, prefix=LINES_PREFIX, initial=initial)
    error = ""
    if request.method == "POST":
        issue = _wants_issue(request)
        if lines.is_valid():
            try:
                with transaction.atomic():
                    invoice = invoice_draft_update(
                        company=company,
                        invoice_id=invoice.pk,
                        lines=lines.line_data(),
                        actor=request.user,
                    )
                    if issue:
                        invoice = invoice_issue(
                            company=company, invoice_id=invoice.pk, actor=request.user, on=today()
                        )
            except DomainError as exc:
                error = exc.message
            else:
                _saved_message(request, invoice)
                return redirect("web:invoice_detail", pk=invoice.pk)
    return render(
        request,
        "web/invoices/form.html",
        {"form": None, "lines": lines, "invoice": invoice, "error": error},
    )


def _saved_message(request: StaffRequest, invoice: Invoice) -> None:
    if invoice.is_draft:
        messages.success(request, _("Draft saved."))
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})


@money_required
@require_POST
def invoice_issue_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    try:
        invoice = invoice_issue(
            company=request.company, invoice_id=invoice.pk, actor=request.user, on=today()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return redirect("web:invoice_detail", pk=invoice.pk)


@money_required
@require_POST
def invoice_cancel_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    try:
        invoice_draft_cancel(company=request.company, invoice_id=invoice.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Draft cancelled."))
    return redirect("web:invoice_detail", pk=invoice.pk)


@member_required
@require_POST
def invoice_dispute_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    disputed = request.POST.get("disputed") == "1"
    try:
        if disputed:
            dispute_open(
                company=request.company,
                invoice_id=invoice.pk,
                reason=Dispute.Reason.OTHER,
                actor=request.user,
                on=today(),
            )
        else:
            invoice_disputes_resolve(
                company=request.company, invoice_id=invoice.pk, actor=request.user, on=today()
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if disputed:
            messages.success(request, _("Invoice marked as disputed."))
        else:
            messages.success(request, _("Invoice no longer disputed."))
    return redirect("web:invoice_detail", pk=invoice.pk)


@money_required
def invoice_credit_view(request: StaffRequest, pk: int) -> HttpResponse:
    """Credit note (avoir) on an issued invoice: everything left, or an amount incl. VAT."""
    company = request.company
    invoice = _invoice(request, pk)
    if invoice.status != Invoice.Status.ISSUED or invoice.is_credit_note:
        messages.error(request, _("Only an issued invoice can be credited."))
        return redirect("web:invoice_detail", pk=invoice.pk)
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                lines = None
                if data["mode"] == "partial":
                    lines = credit_lines_for_amount(invoice, data["amount"])
                credit = credit_note_issue(
                    company=company,
                    invoice_id=invoice.pk,
                    actor=request.user,
                    on=today(),
                    lines=lines,
                    reason=data["reason"],
                )
        except DomainError as exc:
            add_domain_error(form, exc, field="amount")
        else:
            messages.success(
                request, _("Credit note %(number)s issued.") % {"number": credit.number}
            )
            return redirect("web:invoice_detail", pk=credit.pk)
    return render(request, "web/invoices/credit.html", {"form": form, "invoice": invoice})


@money_required
@require_POST
def allocation_undo_view(request: StaffRequest, pk: int) -> HttpResponse:
    allocation = get_for_company_or_404(Allocation, company=request.company, pk=pk)
    allocation_undo(company=request.company, allocation_id=allocation.pk, actor=request.user)
    messages.success(request, _("Allocation undone."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("web:invoice_detail", pk=allocation.invoice_id)
