"""Reconciliation screen (rapprochement bancaire): statements in, lines matched by a person."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.locks import WEB_IMPORT_WAIT, import_lock
from encaisse.core.money import parse_amount
from encaisse.customers.models import Customer
from encaisse.payments import bank
from encaisse.payments.models import BankLine
from encaisse.payments.selectors import (
    bank_invoice_search,
    bank_line_counts,
    bank_line_get,
    bank_line_list,
)
from encaisse.web.bank.forms import BankUploadForm, ReconciliationSettingsForm, SplitForm
from encaisse.web.shell.access import StaffRequest, member_required, money_required, require_money

PAGE_SIZE = 50
STATES = ("open", "matched", "ignored", "debit", "all")


def _line(request: StaffRequest, pk: int) -> BankLine:
    try:
        return bank_line_get(request.company, pk)
    except BankLine.DoesNotExist as exc:
        raise Http404 from exc


@member_required
def reconciliation(request: StaffRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    state = state if state in STATES else "open"
    search = request.GET.get("q", "").strip()
    lines = bank_line_list(request.company, state=state, search=search)
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": STATES,
        "q": search,
        "counts": bank_line_counts(request.company),
        "upload_form": BankUploadForm(),
        "results": request.session.pop("bank_import_results", None),
    }
    return render(request, "payments/reconciliation.html", context)


@money_required
@require_POST
def bank_upload(request: StaffRequest) -> HttpResponse:
    form = BankUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("payments:bank")
    results = []
    for upload in form.cleaned_data["statements"]:
        try:
            with import_lock(request.company, wait=WEB_IMPORT_WAIT):
                result = bank.bank_import(
                    company=request.company,
                    content=upload.read(),
                    filename=upload.name,
                    actor=request.user,
                    on=today(),
                    format=form.cleaned_data["format"] or None,
                    csv_mapping=form.cleaned_data["csv_mapping"],
                )
        except DomainError as exc:
            messages.error(request, exc.message)
            continue
        results.append(result.as_dict())
    request.session["bank_import_results"] = results
    return redirect("payments:bank")


@member_required
def bank_line(request: StaffRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    search = request.GET.get("q", "").strip()
    customer_id = request.GET.get("customer", "")
    customer = (
        Customer.objects.filter(company=request.company, pk=customer_id).first()
        if customer_id.isdigit()
        else None
    )
    invoices = bank_invoice_search(
        request.company, search=search, customer_id=customer.pk if customer else None
    )
    context = {
        "line": line,
        "q": search,
        "customer": customer,
        "invoices": invoices,
        "split_form": SplitForm(),
        "proposals": list(line.proposals.all()),
    }
    return render(request, "payments/line.html", context)


def _done(request: StaffRequest, line: BankLine, text: str) -> HttpResponse:
    messages.success(request, text)
    if request.POST.get("next") == "line":
        return redirect("payments:bank_line", line.pk)
    return redirect("payments:bank")


def _refused(request: StaffRequest, line: BankLine, error: DomainError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("payments:bank_line", line.pk)


@money_required
@require_POST
def bank_accept(request: StaffRequest, pk: int, proposal_id: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        bank.bank_line_accept(
            company=request.company, line_id=line.pk, proposal_id=proposal_id, actor=request.user
        )
    except DomainError as exc:
        return _refused(request, line, exc)
    return _done(request, line, _("Line matched."))


@money_required
@require_POST
def bank_match(request: StaffRequest, pk: int) -> HttpResponse:
    """Match by hand: the ticked invoices with the amounts typed; the rest is credit."""
    line = _line(request, pk)
    amounts: dict[int, Decimal] = {}
    for raw in request.POST.getlist("invoice"):
        if not raw.isdigit():
            continue
        text = request.POST.get(f"amount_{raw}", "").strip()
        try:
            amounts[int(raw)] = parse_amount(text)
        except ValueError:
            messages.error(request, _("Not an amount: %(v)r.") % {"v": text})
            return redirect("payments:bank_line", line.pk)
    customer_raw = request.POST.get("customer", "")
    customer_id = int(customer_raw) if customer_raw.isdigit() else None
    try:
        bank.bank_line_match(
            company=request.company,
            line_id=line.pk,
            customer_id=customer_id,
            amounts=amounts,
            actor=request.user,
        )
    except DomainError as exc:
        return _refused(request, line, exc)
    return _done(request, line, _("Line matched."))


@money_required
@require_POST
def bank_ignore(request: StaffRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        bank.bank_line_ignore(company=request.company, line_id=line.pk, actor=request.user)
    except DomainError as exc:
        return _refused(request, line, exc)
    return _done(request, line, _("Line marked as not a customer payment."))


@money_required
@require_POST
def bank_split(request: StaffRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("payments:bank_line", line.pk)
    try:
        bank.bank_line_split(
            company=request.company,
            line_id=line.pk,
            amounts=form.cleaned_data["amounts"],
            actor=request.user,
            on=today(),
        )
    except DomainError as exc:
        return _refused(request, line, exc)
    return _done(request, line, _("Line split."))


@money_required
@require_POST
def bank_undo(request: StaffRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    try:
        bank.bank_line_undo(
            company=request.company, line_id=line.pk, actor=request.user, on=today()
        )
    except DomainError as exc:
        return _refused(request, line, exc)
    messages.success(request, _("Undone."))
    return redirect("payments:bank_line", line.pk)


@member_required
def bank_settings(request: StaffRequest) -> HttpResponse:
    settings = bank.reconciliation_settings_get(request.company)
    form = ReconciliationSettingsForm(
        request.POST or None, initial={"auto_threshold": settings.auto_threshold}
    )
    if request.method == "POST":
        require_money(request)
        if form.is_valid():
            bank.reconciliation_settings_update(
                company=request.company,
                auto_threshold=form.cleaned_data["auto_threshold"],
                actor=request.user,
            )
            messages.success(request, _("Settings saved."))
            return redirect("payments:bank")
    return render(request, "payments/settings.html", {"form": form})
