"""Document and quote pages: download, send, lifecycle, statement, e-invoice upload, quotes.

Thin: find the company's row or 404, call one service, render or redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.collection.services import invoice_lifecycle_record
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.models import Customer
from encaisse.invoicing.documents import services
from encaisse.invoicing.documents.receive import einvoice_import
from encaisse.invoicing.models import Invoice
from encaisse.ledger import statements
from encaisse.web.invoices import document_forms as forms
from encaisse.web.shell.access import StaffRequest, member_required, money_required
from encaisse.web.shell.downloads import document_response, file_response

# --- invoices -----------------------------------------------------------------------


@member_required
def invoice_pdf_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    try:
        document = services.invoice_document(company=request.company, invoice_id=invoice.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:invoice_detail", pk=invoice.pk)
    return document_response(document)


@member_required
@require_POST
def invoice_send_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    form = forms.SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("recipients", [])))
        return redirect("web:invoice_detail", pk=invoice.pk)
    recipients = form.cleaned_data["recipients"]
    try:
        document = services.invoice_document(company=request.company, invoice_id=invoice.pk)
        sent = services.document_send(
            company=request.company,
            document=document,
            actor=request.user,
            recipients=recipients or None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    except OSError as exc:
        messages.error(request, _("The email could not be sent: %(e)s") % {"e": exc})
    else:
        messages.success(
            request,
            _("%(n)s sent to %(to)s.") % {"n": document.number, "to": ", ".join(sent.recipients)},
        )
    return redirect("web:invoice_detail", pk=invoice.pk)


@money_required
@require_POST
def invoice_lifecycle_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    form = forms.LifecycleForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        messages.error(request, errors)
        return redirect("web:invoice_detail", pk=invoice.pk)
    data = form.cleaned_data
    try:
        invoice_lifecycle_record(
            company=request.company,
            invoice_id=invoice.pk,
            status=data["status"],
            on=data["occurred_on"],
            amount=data["amount"],
            message=data["message"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("E-invoicing status recorded."))
    return redirect("web:invoice_detail", pk=invoice.pk)


# --- statement of account ------------------------------------------------------------


@member_required
def statement_pdf_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    form = forms.StatementForm(request.GET or None)
    as_of = (form.cleaned_data.get("as_of") if form.is_valid() else None) or today()
    pdf = statements.statement_pdf(company=request.company, customer=customer, as_of=as_of)
    return file_response(
        pdf, f"releve-{customer.reference}-{as_of.isoformat()}.pdf", "application/pdf"
    )


@member_required
@require_POST
def statement_send_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    try:
        sent = statements.statement_send(
            company=request.company, customer=customer, as_of=today(), actor=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    except OSError as exc:
        messages.error(request, _("The email could not be sent: %(e)s") % {"e": exc})
    else:
        messages.success(
            request, _("Statement sent to %(to)s.") % {"to": ", ".join(sent.recipients)}
        )
    return redirect("web:customer_detail", pk=customer.pk)


# --- e-invoice upload ----------------------------------------------------------------


@money_required
def einvoice_import_view(request: StaffRequest) -> HttpResponse:
    form = forms.EInvoiceUploadForm(request.POST or None, request.FILES or None)
    results = None
    if request.method == "POST" and form.is_valid():
        files = [(f.name or "file", f.read()) for f in form.cleaned_data["documents"]]
        results = einvoice_import(company=request.company, files=files, actor=request.user)
    return render(request, "invoicing/einvoice_import.html", {"form": form, "results": results})


# --- quotes --------------------------------------------------------------------------
