"""Delivering the outbox: email (SMTP), letters and formal notices (PDF attached), SMS.

Each reminder is sent and marked sent in its own short transaction, row locked, so a crash
loses nothing (what was not marked sent is sent by the next delivery) and a rerun sends
nothing twice. Failures are recorded and retried with exponential backoff, then left failed
on the worklist. Phone reminders are tasks for a person: they stay queued until a call
outcome is recorded. A waiting reminder whose invoices were all paid, credited or disputed
meanwhile is cancelled instead of sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string

from encaisse.core.models import Company
from encaisse.dunning.models import Channel, Reminder, ReminderInvoice
from encaisse.dunning.sms import SmsSender, sms_sender
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=10)  # 10 min, 20, 40, 80 before giving up
DELIVERED_CHANNELS = (Channel.EMAIL, Channel.LETTER, Channel.FORMAL_NOTICE, Channel.SMS)
WAITING = (Reminder.State.PENDING_APPROVAL, Reminder.State.QUEUED)


class DeliveryError(Exception):
    """A message that cannot go as it is (no address): no retry, a person must fix it."""


@dataclass(slots=True)
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0


def reminder_pdf(reminder: Reminder) -> bytes:
    """The letter (or formal notice) as a PDF, rendered with WeasyPrint."""
    from weasyprint import HTML

    company = reminder.company
    html = render_to_string(
        "dunning/letter.html",
        {
            "reminder": reminder,
            "company": company,
            "customer": reminder.customer,
            "city": company.city,
            "formal_notice": reminder.channel == Channel.FORMAL_NOTICE,
        },
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _send(reminder: Reminder, *, connection: BaseEmailBackend | None, sms: SmsSender) -> None:
    if reminder.channel == Channel.SMS:
        sms.send(to=reminder.recipient, text=f"{reminder.subject}\n{reminder.body}"[:640])
        return
    if not reminder.recipient:
        raise DeliveryError("no email address for this customer")
    company = reminder.company
    message = EmailMessage(
        subject=reminder.subject,
        body=reminder.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[reminder.recipient],
        reply_to=[company.email] if company.email else None,
        connection=connection,
        headers={"X-Encaisse-Reminder": str(reminder.pk)},
    )
    if reminder.channel in (Channel.LETTER, Channel.FORMAL_NOTICE):
        name = "mise-en-demeure" if reminder.channel == Channel.FORMAL_NOTICE else "relance"
        message.attach(f"{name}-{reminder.pk}.pdf", reminder_pdf(reminder), "application/pdf")
    message.send(fail_silently=False)


def _lock(pk: int) -> Reminder | None:
    qs = Reminder.objects.select_related("company", "customer", "step")
    if db_connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return qs.filter(pk=pk, state=Reminder.State.QUEUED).first()


def deliver_pending(
    *,
    now: datetime,
    company: Company | None = None,
    connection: BaseEmailBackend | None = None,
    sms: SmsSender | None = None,
) -> DeliveryResult:
    """Send every queued reminder that is due; safe to run again or concurrently."""
    result = DeliveryResult(cancelled=reminder_cancel_stale(company=company, now=now))
    sms = sms or sms_sender()
    due = Reminder.objects.filter(
        state=Reminder.State.QUEUED, channel__in=DELIVERED_CHANNELS
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    if company is not None:
        due = due.filter(company=company)
    for pk in list(due.order_by("id").values_list("id", flat=True)):
        with transaction.atomic():
            reminder = _lock(pk)
            if reminder is None:
                continue  # sent or cancelled meanwhile, or another worker has it
            reminder.attempts += 1
            try:
                _send(reminder, connection=connection, sms=sms)
            except Exception as exc:
                reminder.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if isinstance(exc, DeliveryError) or reminder.attempts >= MAX_ATTEMPTS:
                    reminder.state = Reminder.State.FAILED
                    reminder.next_attempt_at = None
                    result.failed += 1
                else:
                    reminder.next_attempt_at = now + BACKOFF * 2 ** (reminder.attempts - 1)
                    result.retrying += 1
            else:
                reminder.state = Reminder.State.SENT
                reminder.sent_at = now
                reminder.last_error = ""
                reminder.next_attempt_at = None
                result.sent += 1
            reminder.save(
                update_fields=[
                    "state",
                    "attempts",
                    "last_error",
                    "next_attempt_at",
                    "sent_at",
                    "updated_at",
                ]
            )
    return result


def owed_invoice_ids(company: Company) -> set[int]:
    """Issued invoices of the company with something left to pay and no dispute."""
    qs = with_open_amount(
        Invoice.objects.filter(
            company=company,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.ISSUED,
            disputed=False,
        )
    ).filter(Q(open_amount__gt=0))
    return set(qs.values_list("id", flat=True))


def reminder_cancel_stale(
    *, company: Company | None, now: datetime, owed: set[int] | None = None
) -> int:
    """Cancel waiting reminders none of whose invoices is still owed and undisputed.

    Set-based: the waiting reminders' invoice ids in one query, the owed invoices in another
    (or `owed`, when the run has just read them), the comparison in Python.
    """
    if company is None:
        companies = Company.objects.filter(
            pk__in=Reminder.objects.filter(state__in=WAITING).values("company_id")
        )
        return sum(reminder_cancel_stale(company=c, now=now) for c in companies)
    lines: dict[int, list[int]] = {}
    # Filtered through the reminder (its company and state), not the line's own company
    # column: the index on reminder_id then serves every lookup.
    for reminder_id, invoice_id in ReminderInvoice.objects.filter(
        reminder__company=company, reminder__state__in=WAITING
    ).values_list("reminder_id", "invoice_id"):
        lines.setdefault(reminder_id, []).append(invoice_id)
    if not lines:
        return 0
    owed = owed_invoice_ids(company) if owed is None else owed
    stale = [pk for pk, invoices in lines.items() if not any(i in owed for i in invoices)]
    cancelled = 0
    for start in range(0, len(stale), 500):
        cancelled += Reminder.objects.filter(
            company=company, pk__in=stale[start : start + 500], state__in=WAITING
        ).update(
            state=Reminder.State.CANCELLED, cancel_reason="settled_or_disputed", updated_at=now
        )
    return cancelled


__all__ = [
    "DeliveryResult",
    "deliver_pending",
    "reminder_cancel_stale",
    "reminder_pdf",
]
