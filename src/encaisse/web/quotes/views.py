"""Quote pages (devis): list, edit, issue, accept or refuse, send, convert to an invoice.

Thin: find the company's row or 404, call one service, render or redirect.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.core.audit import audit_events_for
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.invoicing.documents import services
from encaisse.invoicing.documents.build import quote_document_data
from encaisse.invoicing.documents.render import render_pdf
from encaisse.invoicing.models import Quote
from encaisse.invoicing.quotes import services as quotes
from encaisse.web.invoices.forms import LineForm, LineFormSet
from encaisse.web.quotes import forms as quote_forms
from encaisse.web.shell.access import StaffRequest, member_required, money_required
from encaisse.web.shell.downloads import document_response, file_response
from encaisse.web.shell.forms import add_domain_error

PAGE_SIZE = 50
LINES_PREFIX = "lines"


def _quote(request: StaffRequest, pk: int) -> Quote:
    qs = Quote.objects.select_related("customer", "invoice", "deposit_invoice", "payment_terms")
    return get_for_company_or_404(qs, company=request.company, pk=pk)


@member_required
def quote_list_view(request: StaffRequest) -> HttpResponse:
    quotes_qs = Quote.objects.filter(company=request.company).select_related("customer")
    status = request.GET.get("status") or ""
    if status in Quote.Status.values:
        quotes_qs = quotes_qs.filter(status=status)
    page = Paginator(quotes_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "invoicing/quote_list.html",
        {"page": page, "status": status, "statuses": Quote.Status.choices, "today": today()},
    )


@member_required
def quote_create_view(request: StaffRequest) -> HttpResponse:
    company = request.company
    initial: dict[str, Any] = {}
    if customer_id := request.GET.get("customer"):
        initial["customer"] = customer_id
    form = quote_forms.QuoteForm(request.POST or None, company=company, initial=initial)
    lines = LineFormSet(request.POST or None, prefix=LINES_PREFIX)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                quote = quotes.quote_draft_create(
                    company=company,
                    customer=data["customer"],
                    lines=lines.line_data(),
                    actor=request.user,
                    nature=data["nature"],
                    po_number=data["po_number"],
                    payment_terms=data["payment_terms"],
                    notes=data["notes"],
                )
                if request.POST.get("action") == "issue":
                    quote = quotes.quote_issue(
                        company=company, quote_id=quote.pk, actor=request.user, on=today()
                    )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Quote saved."))
            return redirect("invoicing:quote_detail", pk=quote.pk)
    return render(
        request, "invoicing/quote_form.html", {"form": form, "lines": lines, "quote": None}
    )


@member_required
def quote_edit_view(request: StaffRequest, pk: int) -> HttpResponse:
    quote = _quote(request, pk)
    if not quote.is_draft:
        messages.error(request, _("Only a draft quote can be changed."))
        return redirect("invoicing:quote_detail", pk=quote.pk)
    initial = [LineForm.initial_from(line) for line in quote.lines.all()]  # type: ignore[arg-type]  # same fields as an invoice line
    lines = LineFormSet(request.POST or None, prefix=LINES_PREFIX, initial=initial)
    error = ""
    if request.method == "POST" and lines.is_valid():
        try:
            quotes.quote_draft_update(
                company=request.company,
                quote_id=quote.pk,
                lines=lines.line_data(),
                actor=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Quote saved."))
            return redirect("invoicing:quote_detail", pk=quote.pk)
    return render(
        request,
        "invoicing/quote_form.html",
        {"form": None, "lines": lines, "quote": quote, "error": error},
    )


@member_required
def quote_detail_view(request: StaffRequest, pk: int) -> HttpResponse:
    quote = _quote(request, pk)
    return render(
        request,
        "invoicing/quote_detail.html",
        {
            "quote": quote,
            "lines": quote.lines.all(),
            "expired": quote.is_expired(today()),
            "deposit_form": quote_forms.DepositForm(),
            "refuse_form": quote_forms.RefuseForm(),
            "events": audit_events_for(request.company, quote)[:100],
        },
    )


def _quote_action(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    quote = _quote(request, pk)
    company, on = request.company, today()
    try:
        if action == "issue":
            quotes.quote_issue(company=company, quote_id=quote.pk, actor=request.user, on=on)
            messages.success(request, _("Quote issued."))
        elif action == "accept":
            quotes.quote_accept(company=company, quote_id=quote.pk, actor=request.user, on=on)
            messages.success(request, _("Quote accepted."))
        elif action == "refuse":
            form = quote_forms.RefuseForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            quotes.quote_refuse(
                company=company, quote_id=quote.pk, actor=request.user, on=on, reason=reason
            )
            messages.success(request, _("Quote refused."))
        elif action == "send":
            document = services.quote_document(company=company, quote_id=quote.pk)
            sent = services.document_send(company=company, document=document, actor=request.user)
            messages.success(
                request,
                _("%(n)s sent to %(to)s.")
                % {"n": document.number, "to": ", ".join(sent.recipients)},
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    except OSError as exc:
        messages.error(request, _("The email could not be sent: %(e)s") % {"e": exc})
    return redirect("invoicing:quote_detail", pk=quote.pk)


@member_required
@require_POST
def quote_issue_view(request: StaffRequest, pk: int) -> HttpResponse:
    return _quote_action(request, pk, "issue")


@member_required
@require_POST
def quote_accept_view(request: StaffRequest, pk: int) -> HttpResponse:
    return _quote_action(request, pk, "accept")


@member_required
@require_POST
def quote_refuse_view(request: StaffRequest, pk: int) -> HttpResponse:
    return _quote_action(request, pk, "refuse")


@member_required
@require_POST
def quote_send_view(request: StaffRequest, pk: int) -> HttpResponse:
    return _quote_action(request, pk, "send")


@money_required
@require_POST
def quote_convert_view(request: StaffRequest, pk: int) -> HttpResponse:
    quote = _quote(request, pk)
    deposit_rate = None
    if request.POST.get("deposit_pct"):
        form = quote_forms.DepositForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.get("deposit_pct", [])))
            return redirect("invoicing:quote_detail", pk=quote.pk)
        deposit_rate = form.rate()
    try:
        invoice = quotes.quote_convert(
            company=request.company,
            quote_id=quote.pk,
            actor=request.user,
            deposit_rate=deposit_rate,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("invoicing:quote_detail", pk=quote.pk)
    messages.success(request, _("Draft invoice created from the quote."))
    return redirect("web:invoice_detail", pk=invoice.pk)


@member_required
def quote_pdf_view(request: StaffRequest, pk: int) -> HttpResponse:
    quote = _quote(request, pk)
    if quote.is_draft:
        # A draft has no number and is not stored: a preview, rendered each time.
        quote.issue_date = today()
        data = replace(quote_document_data(quote), number=_("DRAFT"))
        return file_response(render_pdf(data), "devis-brouillon.pdf", "application/pdf")
    try:
        document = services.quote_document(company=request.company, quote_id=quote.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("invoicing:quote_detail", pk=quote.pk)
    return document_response(document)
