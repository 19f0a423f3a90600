"""Worklist pages: approve, edit or skip reminders, log calls, fix failures; hold; penalties."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.collection.services import customer_hold_set
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.models import Customer
from encaisse.dunning.models import Channel, Reminder, ReminderTemplate
from encaisse.dunning.selectors import dunning_worklist
from encaisse.dunning.services import (
    penalty_decide,
    reminder_approve,
    reminder_call_outcome,
    reminder_mark_sent,
    reminder_pdf,
    reminder_resend,
    reminder_retry,
    reminder_skip,
)
from encaisse.dunning.services.rendering import (
    template_preview,
    template_reset,
    template_save,
    templates_for,
)
from encaisse.dunning.wording import DEFAULT_TEMPLATES, TEMPLATE_KEYS
from encaisse.invoicing.models import Invoice
from encaisse.web.dunning.forms import (
    CallOutcomeForm,
    HoldForm,
    PenaltyDecisionForm,
    ReminderEditForm,
    SkipForm,
    TemplateForm,
)
from encaisse.web.shell.access import StaffRequest, member_required, money_required
from encaisse.web.shell.forms import add_domain_error


@member_required
def worklist_view(request: StaffRequest) -> HttpResponse:
    work = dunning_worklist(request.company, on=today())
    return render(
        request, "dunning/worklist.html", {"work": work, "section": "worklist", "today": today()}
    )


def _reminder(request: StaffRequest, pk: int) -> Reminder:
    return get_for_company_or_404(
        Reminder.objects.select_related("customer", "step"), company=request.company, pk=pk
    )


@member_required
def reminder_detail_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    form = ReminderEditForm(
        request.POST or None, initial={"subject": reminder.subject, "body": reminder.body}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reminder_approve(
                company=request.company,
                reminder_id=reminder.pk,
                actor=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Reminder approved."))
            return redirect("dunning:worklist")
    return render(
        request,
        "dunning/reminder.html",
        {
            "reminder": reminder,
            "form": form,
            "invoices": reminder.lines.select_related("invoice"),
            "section": "worklist",
            "has_pdf": reminder.channel in (Channel.LETTER, Channel.FORMAL_NOTICE),
        },
    )


def _worklist_action(
    request: StaffRequest, action: Callable[[], object], done: str
) -> HttpResponse:
    """Run one worklist service: its refusal or `done` as a message, back to the worklist."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("dunning:worklist")


@require_POST
@member_required
def reminder_approve_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    return _worklist_action(
        request,
        lambda: reminder_approve(
            company=request.company, reminder_id=reminder.pk, actor=request.user
        ),
        _("Reminder approved."),
    )


@require_POST
@member_required
def reminder_skip_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    form = SkipForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _worklist_action(
        request,
        lambda: reminder_skip(
            company=request.company, reminder_id=reminder.pk, actor=request.user, reason=reason
        ),
        _("Reminder skipped."),
    )


@require_POST
@member_required
def reminder_retry_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    return _worklist_action(
        request,
        lambda: reminder_retry(
            company=request.company, reminder_id=reminder.pk, actor=request.user
        ),
        _("Reminder queued again."),
    )


@require_POST
@member_required
def reminder_mark_sent_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    return _worklist_action(
        request,
        lambda: reminder_mark_sent(
            company=request.company,
            reminder_id=reminder.pk,
            actor=request.user,
            now=timezone.now(),
        ),
        _("Reminder marked as sent."),
    )


@require_POST
@member_required
def reminder_resend_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    return _worklist_action(
        request,
        lambda: reminder_resend(
            company=request.company, reminder_id=reminder.pk, actor=request.user
        ),
        _("Reminder queued to be sent again."),
    )


@member_required
def reminder_pdf_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    response = HttpResponse(reminder_pdf(reminder), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reminder-{reminder.pk}.pdf"'
    return response


@member_required
def call_outcome_view(request: StaffRequest, pk: int) -> HttpResponse:
    reminder = _reminder(request, pk)
    form = CallOutcomeForm(request.POST or None, initial={"promised_amount": reminder.total_amount})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reminder_call_outcome(
                company=request.company,
                reminder_id=reminder.pk,
                outcome=data["outcome"],
                actor=request.user,
                on=today(),
                now=timezone.now(),
                note=data["note"],
                promised_on=data["promised_on"],
                promised_amount=data["promised_amount"],
                contact_name=data["contact_name"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, field=exc.extra.get("field"))
        else:
            messages.success(request, _("Call logged."))
            return redirect("dunning:worklist")
    return render(
        request,
        "dunning/call.html",
        {"reminder": reminder, "form": form, "section": "worklist"},
    )


@member_required
def customer_hold_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    form = HoldForm(
        request.POST or None,
        initial={"reason": customer.on_hold_reason, "until": customer.on_hold_until},
    )
    if request.method == "POST" and form.is_valid():
        try:
            customer_hold_set(
                company=request.company,
                customer_id=customer.pk,
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Dunning hold saved."))
            return redirect("web:customer_detail", pk=customer.pk)
    return render(request, "dunning/hold.html", {"customer": customer, "form": form})


@require_POST
@money_required
def penalty_decide_view(request: StaffRequest, pk: int) -> HttpResponse:
    invoice = get_for_company_or_404(Invoice, company=request.company, pk=pk)
    form = PenaltyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("web:invoice_detail", pk=invoice.pk)
    try:
        penalty_decide(
            company=request.company,
            invoice_id=invoice.pk,
            kind=form.cleaned_data["kind"],
            actor=request.user,
            on=today(),
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Penalty decision recorded."))
    return redirect("web:invoice_detail", pk=invoice.pk)


@member_required
def templates_view(request: StaffRequest) -> HttpResponse:
    own = set(
        ReminderTemplate.objects.filter(company=request.company).values_list("key", "language")
    )
    rows = [
        {"key": key, "language": language, "customised": (key, language) in own}
        for key in TEMPLATE_KEYS
        for language in ("fr", "en")
    ]
    return render(request, "dunning/templates.html", {"rows": rows, "section": "worklist"})


@member_required
def template_edit_view(request: StaffRequest, key: str, language: str) -> HttpResponse:
    if (key, language) not in DEFAULT_TEMPLATES:
        raise Http404
    subject, body = templates_for(request.company)[(key, language)]
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    preview = None
    if request.method == "POST" and request.POST.get("action") == "reset":
        template_reset(company=request.company, key=key, language=language)
        messages.success(request, _("Default wording restored."))
        return redirect("dunning:template_edit", key=key, language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "save":
                template_save(
                    company=request.company,
                    key=key,
                    language=language,
                    subject=data["subject"],
                    body=data["body"],
                )
                messages.success(request, _("Template saved."))
                return redirect("dunning:template_edit", key=key, language=language)
            preview = template_preview(
                company=request.company,
                key=key,
                language=language,
                subject=data["subject"],
                body=data["body"],
                on=today(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    elif request.method == "GET":
        preview = template_preview(
            company=request.company,
            key=key,
            language=language,
            subject=subject,
            body=body,
            on=today(),
        )
    return render(
        request,
        "dunning/template_edit.html",
        {"form": form, "preview": preview, "key": key, "language": language, "section": "worklist"},
    )
