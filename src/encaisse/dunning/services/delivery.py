"""Delivering the outbox: email (SMTP), letters and formal notices (PDF attached), SMS.

Exactly once, or visibly uncertain. For each queued reminder the message is built first (PDF
included) and the SMTP connection opened; then the reminder is *claimed*: a conditional UPDATE
from "queued" to "sending" storing its Message-ID, committed before the first byte of the
message leaves. After the server's answer it is marked sent (another commit). A process killed
in between leaves the reminder "sending"; the next delivery never resends it but marks it
"uncertain", and the worklist asks a person to mark it sent or resend it. Only one delivery
runs per company at a time (`core.locks.company_lock`), so a "sending" reminder seen by a
delivery is always one whose sender is gone; the conditional claim keeps two senders off the
same message anyway.

Failures: what fails before the claim (no address, no connection) or that the server refused
outright (sender, recipients, DATA refused) did not leave: retried with exponential backoff,
then left failed on the worklist. Anything else after the claim (the connection lost or timed
out while the server was answering) may have been delivered: uncertain. Phone reminders are
tasks for a person: they stay queued until a call outcome is recorded. A waiting reminder
whose invoices were all paid, credited or disputed meanwhile is cancelled instead of sent.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from encaisse.core.audit import audit_record
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError
from encaisse.core.locks import company_lock
from encaisse.core.models import Company
from encaisse.dunning.models import Channel, Reminder, ReminderInvoice
from encaisse.dunning.sms import SmsSender, sms_sender
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=10)  # 10 min, 20, 40, 80 before giving up
DELIVERED_CHANNELS = (Channel.EMAIL, Channel.LETTER, Channel.FORMAL_NOTICE, Channel.SMS)
WAITING = (Reminder.State.PENDING_APPROVAL, Reminder.State.QUEUED)
SEND_LOCK = "dunning-send"
LOCK_WAIT = 5.0  # seconds: a killed sender's PostgreSQL session may take a moment to go
# Refused by the server before it took the message: nothing left, safe to retry.
NOT_SENT = (
    ConnectionRefusedError,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
)
INTERRUPTED = "Interrupted while sending: it may have been delivered."


class DeliveryError(Exception):
    """A message that cannot go as it is (no address): no retry, a person must fix it."""


@dataclass(slots=True)
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    cancelled: int = 0
    uncertain: int = 0
    busy: int = 0  # companies skipped: another delivery holds them

    def add(self, other: DeliveryResult) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retrying += other.retrying
        self.cancelled += other.cancelled
        self.uncertain += other.uncertain
        self.busy += other.busy


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


def message_id_for(reminder: Reminder) -> str:
    """The reminder's Message-ID: made once, kept by every later attempt and an explicit
    resend, so that a mail client receiving it twice can tell it is the same message."""
    if reminder.message_id:
        return reminder.message_id
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "encaisse.invalid"
    return make_msgid(idstring=f"reminder-{reminder.pk}", domain=domain)


class _Outgoing:
    """One reminder ready to leave: the message built and the connection open (or the SMS)."""

    def __init__(
        self, reminder: Reminder, *, message_id: str, connection: BaseEmailBackend | None
    ) -> None:
        self.reminder = reminder
        self.email: EmailMessage | None = None
        self.connection: BaseEmailBackend | None = None
        self.opened = False
        if not reminder.recipient:
            kind = "phone number" if reminder.channel == Channel.SMS else "email address"
            raise DeliveryError(f"no {kind} for this customer")
        if reminder.channel == Channel.SMS:
            return
        company = reminder.company
        self.connection = connection or get_connection(fail_silently=False)
        self.email = EmailMessage(
            subject=reminder.subject,
            body=reminder.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[reminder.recipient],
            reply_to=[company.email] if company.email else None,
            connection=self.connection,
            headers={"X-Encaisse-Reminder": str(reminder.pk), "Message-ID": message_id},
        )
        if reminder.channel in (Channel.LETTER, Channel.FORMAL_NOTICE):
            name = "mise-en-demeure" if reminder.channel == Channel.FORMAL_NOTICE else "relance"
            self.email.attach(
                f"{name}-{reminder.pk}.pdf", reminder_pdf(reminder), "application/pdf"
            )
        self.opened = bool(self.connection.open())

    def send(self, sms: SmsSender) -> None:
        reminder = self.reminder
        if self.email is None:
            sms.send(to=reminder.recipient, text=f"{reminder.subject}\n{reminder.body}"[:640])
            return
        assert self.connection is not None
        self.connection.send_messages([self.email])

    def close(self) -> None:
        if self.opened and self.connection is not None:
            self.connection.close()


def _claim(reminder: Reminder, message_id: str, now: datetime) -> bool:
    """Take a queued reminder for sending; False when another sender (or a person) has it.

    A conditional UPDATE: on PostgreSQL a second sender waits for the first's row lock and
    then finds the state changed; on SQLite writers are serialised. Committed at once when
    called outside a transaction, as delivery does."""
    return (
        Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.QUEUED).update(
            state=Reminder.State.SENDING,
            message_id=message_id,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
        == 1
    )


def _after_claim(reminder: Reminder, message_id: str, **values: object) -> None:
    Reminder.objects.filter(
        pk=reminder.pk, state=Reminder.State.SENDING, message_id=message_id
    ).update(**values)


def _not_sent(
    reminder: Reminder, exc: Exception, now: datetime, result: DeliveryResult, *, attempts: int
) -> dict[str, object]:
    """The fields of a reminder that did not leave: failed for good, or retried later."""
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if isinstance(exc, DeliveryError) or attempts >= MAX_ATTEMPTS:
        result.failed += 1
        return {
            "state": Reminder.State.FAILED,
            "last_error": error,
            "next_attempt_at": None,
            "updated_at": now,
        }
    result.retrying += 1
    return {
        "state": Reminder.State.QUEUED,
        "last_error": error,
        "next_attempt_at": now + BACKOFF * 2 ** (attempts - 1),
        "updated_at": now,
    }


def reminders_interrupted(*, company: Company, now: datetime) -> int:
    """Mark "uncertain" the reminders a crashed sender left "sending"; called under the
    company's delivery lock, so that no live sender has any."""
    stuck = list(
        Reminder.objects.filter(company=company, state=Reminder.State.SENDING).select_related(
            "customer", "step"
        )
    )
    for reminder in stuck:
        if Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.SENDING).update(
            state=Reminder.State.UNCERTAIN, last_error=INTERRUPTED, updated_at=now
        ):
            audit_record(
                company=company,
                subject=reminder.customer,
                kind="dunning.reminder_uncertain",
                actor=None,
                after={
                    "reminder": reminder.pk,
                    "step": reminder.step.name,
                    "message_id": reminder.message_id,
                },
            )
    return len(stuck)


def _deliver_one(
    reminder: Reminder,
    *,
    now: datetime,
    connection: BaseEmailBackend | None,
    sms: SmsSender,
    result: DeliveryResult,
) -> None:
    message_id = message_id_for(reminder)
    try:
        outgoing = _Outgoing(reminder, message_id=message_id, connection=connection)
    except Exception as exc:  # nothing left: no claim was made
        attempts = reminder.attempts + 1
        Reminder.objects.filter(pk=reminder.pk, state=Reminder.State.QUEUED).update(
            attempts=attempts, **_not_sent(reminder, exc, now, result, attempts=attempts)
        )
        return
    try:
        if not _claim(reminder, message_id, now):
            return  # sent, cancelled or skipped meanwhile, or another sender has it
        try:
            outgoing.send(sms)
        except NOT_SENT as exc:
            _after_claim(
                reminder,
                message_id,
                **_not_sent(reminder, exc, now, result, attempts=reminder.attempts + 1),
            )
            return
        except Exception as exc:  # the answer was lost: it may have left
            _after_claim(
                reminder,
                message_id,
                state=Reminder.State.UNCERTAIN,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                updated_at=now,
            )
            result.uncertain += 1
            return
        _after_claim(
            reminder,
            message_id,
            state=Reminder.State.SENT,
            sent_at=now,
            last_error="",
            next_attempt_at=None,
            updated_at=now,
        )
        result.sent += 1
    finally:
        outgoing.close()


def _deliver_company(
    company: Company,
    *,
    now: datetime,
    connection: BaseEmailBackend | None,
    sms: SmsSender,
    wait: float,
) -> DeliveryResult:
    result = DeliveryResult()
    busy = _("Reminders are already being sent for this company; try again in a moment.")
    with company_lock(company, SEND_LOCK, wait=wait, busy_message=busy):
        result.uncertain += reminders_interrupted(company=company, now=now)
        due = Reminder.objects.filter(
            company=company, state=Reminder.State.QUEUED, channel__in=DELIVERED_CHANNELS
        ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        for pk in list(due.order_by("id").values_list("id", flat=True)):
            reminder = (
                Reminder.objects.select_related("company", "customer", "step")
                .filter(pk=pk, state=Reminder.State.QUEUED)
                .first()
            )
            if reminder is not None:
                _deliver_one(reminder, now=now, connection=connection, sms=sms, result=result)
    return result


def deliver_pending(
    *,
    now: datetime,
    company: Company | None = None,
    connection: BaseEmailBackend | None = None,
    sms: SmsSender | None = None,
    wait: float = LOCK_WAIT,
) -> DeliveryResult:
    """Send every queued reminder that is due, each at most once; safe to run again, after a
    crash, or concurrently. Run outside a transaction: each claim must commit before its
    message leaves.

    For one company, refused with `CoreCode.COMPANY_BUSY` while another delivery holds it; for
    every company (the Celery task), a busy company is skipped and counted in `busy`."""
    sms = sms or sms_sender()
    if company is not None:
        cancelled = reminder_cancel_stale(company=company, now=now)
        result = _deliver_company(company, now=now, connection=connection, sms=sms, wait=wait)
        result.cancelled += cancelled
        return result
    result = DeliveryResult(cancelled=reminder_cancel_stale(company=None, now=now))
    with_work = Reminder.objects.filter(
        Q(state=Reminder.State.SENDING)
        | Q(state=Reminder.State.QUEUED, channel__in=DELIVERED_CHANNELS)
    ).values("company_id")
    for each in Company.objects.filter(pk__in=with_work).order_by("pk"):
        try:
            result.add(_deliver_company(each, now=now, connection=connection, sms=sms, wait=0))
        except DomainError as exc:
            if exc.code != CoreCode.COMPANY_BUSY:
                raise
            result.busy += 1
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
    "message_id_for",
    "reminder_cancel_stale",
    "reminder_pdf",
    "reminders_interrupted",
]
