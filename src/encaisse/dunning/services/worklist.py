"""People in the loop: approve, edit or skip a reminder; record a call's outcome; retry; decide
what became of a message whose sending was interrupted (uncertain)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.collection.services import disputes_open_bulk, promise_create
from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.dunning.errors import DunningCode
from encaisse.dunning.models import Channel, Reminder


def reminder_lock(*, company: Company, pk: int) -> Reminder:
    return (
        Reminder.objects.select_for_update(of=("self",))
        .select_related("customer", "step")
        .get(company=company, pk=pk)
    )


def _audit(company: Company, reminder: Reminder, kind: str, actor: Actor, **after: object) -> None:
    audit_record(
        company=company,
        subject=reminder.customer,
        kind=kind,
        actor=actor,
        after={"reminder": reminder.pk, "step": reminder.step.name, **after},
    )


@transaction.atomic
def reminder_approve(
    *,
    company: Company,
    reminder_id: int,
    actor: Actor,
    subject: str | None = None,
    body: str | None = None,
) -> Reminder:
    """Let a reminder that waits for approval go, possibly with edited wording."""
    reminder = reminder_lock(company=company, pk=reminder_id)
    if reminder.state != Reminder.State.PENDING_APPROVAL:
        raise DomainError(
            DunningCode.REMINDER_NOT_PENDING, _("This reminder is not awaiting approval.")
        )
    if subject is not None and subject.strip():
        reminder.subject = subject.strip()[:200]
    if body is not None and body.strip():
        reminder.body = body.strip() + "\n"
    reminder.state = Reminder.State.QUEUED
    reminder.decided_by = actor_user(actor)
    reminder.save(update_fields=["subject", "body", "state", "decided_by", "updated_at"])
    _audit(company, reminder, "dunning.reminder_approved", actor)
    return reminder


@transaction.atomic
def reminder_skip(
    *, company: Company, reminder_id: int, actor: Actor, reason: str = ""
) -> Reminder:
    """Cancel a waiting reminder on purpose; the step counts as done for its invoices."""
    reminder = reminder_lock(company=company, pk=reminder_id)
    if not reminder.is_waiting:
        raise DomainError(
            DunningCode.REMINDER_NOT_WAITING, _("This reminder is no longer waiting.")
        )
    reminder.state = Reminder.State.CANCELLED
    reminder.cancel_reason = "skipped"
    reminder.outcome_note = reason.strip()
    reminder.decided_by = actor_user(actor)
    reminder.save(
        update_fields=["state", "cancel_reason", "outcome_note", "decided_by", "updated_at"]
    )
    _audit(company, reminder, "dunning.reminder_skipped", actor, reason=reason.strip())
    return reminder


@transaction.atomic
def reminder_retry(*, company: Company, reminder_id: int, actor: Actor) -> Reminder:
    """Put a failed reminder back in the queue (after its address was fixed)."""
    reminder = reminder_lock(company=company, pk=reminder_id)
    if reminder.state != Reminder.State.FAILED:
        raise DomainError(
            DunningCode.REMINDER_NOT_FAILED, _("Only a failed reminder can be retried.")
        )
    from encaisse.dunning.services.runs import _recipients as recipients
    from encaisse.dunning.services.runs import recipient_for

    fresh = recipients(company, {reminder.customer_id}).get(reminder.customer_id)
    if fresh is not None:
        reminder.recipient = recipient_for(reminder.channel, fresh) or reminder.recipient
    reminder.state = Reminder.State.QUEUED
    reminder.next_attempt_at = None
    reminder.attempts = 0
    reminder.save(update_fields=["state", "next_attempt_at", "attempts", "recipient", "updated_at"])
    _audit(company, reminder, "dunning.reminder_retried", actor)
    return reminder


def _uncertain(company: Company, reminder_id: int) -> Reminder:
    reminder = reminder_lock(company=company, pk=reminder_id)
    if reminder.state != Reminder.State.UNCERTAIN:
        raise DomainError(
            DunningCode.REMINDER_NOT_UNCERTAIN, _("This reminder's sending is not uncertain.")
        )
    return reminder


@transaction.atomic
def reminder_mark_sent(
    *, company: Company, reminder_id: int, actor: Actor, now: datetime
) -> Reminder:
    """A person found that an interrupted message did arrive (the customer has it, the mail
    server's log says so): the reminder counts as sent, without sending it again."""
    reminder = _uncertain(company, reminder_id)
    reminder.state = Reminder.State.SENT
    reminder.sent_at = now
    reminder.decided_by = actor_user(actor)
    reminder.save(update_fields=["state", "sent_at", "decided_by", "updated_at"])
    _audit(company, reminder, "dunning.reminder_marked_sent", actor, message_id=reminder.message_id)
    return reminder


@transaction.atomic
def reminder_resend(*, company: Company, reminder_id: int, actor: Actor) -> Reminder:
    """A person decided that an interrupted message must go (again): it is queued for the
    next delivery, with the same Message-ID, so that a mail client that already got the first
    copy can recognise the second as the same message."""
    reminder = _uncertain(company, reminder_id)
    reminder.state = Reminder.State.QUEUED
    reminder.next_attempt_at = None
    reminder.decided_by = actor_user(actor)
    reminder.save(update_fields=["state", "next_attempt_at", "decided_by", "updated_at"])
    _audit(company, reminder, "dunning.reminder_resent", actor, message_id=reminder.message_id)
    return reminder


@transaction.atomic
def reminder_call_outcome(
    *,
    company: Company,
    reminder_id: int,
    outcome: str,
    actor: Actor,
    on: date,
    now: datetime,
    note: str = "",
    promised_on: date | None = None,
    promised_amount: Decimal | None = None,
    contact_name: str = "",
) -> Reminder:
    """Close a call task with what happened: a promise pauses dunning, a dispute is opened on
    each invoice still owed and not yet disputed, a wrong contact leaves the task failed for
    someone to fix the number."""
    reminder = reminder_lock(company=company, pk=reminder_id)
    if reminder.channel != Channel.PHONE or reminder.state != Reminder.State.QUEUED:
        raise DomainError(
            DunningCode.REMINDER_NOT_CALL, _("This is not a call waiting to be made.")
        )
    if outcome not in Reminder.Outcome.values:
        raise DomainError(DunningCode.CALL_OUTCOME_UNKNOWN, _("Unknown call outcome."))
    invoice_ids = list(reminder.lines.values_list("invoice_id", flat=True))
    if outcome == Reminder.Outcome.PROMISE:
        if promised_on is None or promised_amount is None:
            raise DomainError(
                DunningCode.PROMISE_INCOMPLETE,
                _("A promise needs a date and an amount."),
                field="promised_on",
            )
        promise_create(
            company=company,
            customer=reminder.customer,
            promised_on=promised_on,
            amount=promised_amount,
            actor=actor,
            on=on,
            contact_name=contact_name,
            invoice_ids=invoice_ids,
            note=note,
        )
    elif outcome == Reminder.Outcome.DISPUTE:
        text = note.strip() or _("Raised during a reminder call.")
        disputes_open_bulk(
            company=company, texts=dict.fromkeys(invoice_ids, text), actor=actor, on=on
        )
    reminder.outcome = outcome
    reminder.outcome_note = note.strip()
    reminder.decided_by = actor_user(actor)
    if outcome == Reminder.Outcome.WRONG_CONTACT:
        reminder.state = Reminder.State.FAILED
        reminder.last_error = _("Wrong contact")
    else:
        reminder.state = Reminder.State.SENT
        reminder.sent_at = now
    reminder.save(
        update_fields=[
            "outcome",
            "outcome_note",
            "decided_by",
            "state",
            "last_error",
            "sent_at",
            "updated_at",
        ]
    )
    _audit(company, reminder, "dunning.call_logged", actor, outcome=outcome, note=note.strip())
    return reminder
