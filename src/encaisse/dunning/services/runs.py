"""The dunning run: decide for every open invoice in bulk, write the outbox in one transaction.

A fixed number of queries whatever the number of invoices: open invoices with their open
amount, the last step sent per invoice, what is paused (`collection.selectors.dunning_pauses`,
the only read of disputes, promises and holds, after `promises_settle` has judged the promises
that ran out), policies, customers and contacts, then bulk inserts. Deciding is
`dunning.rules`; wording is `rendering`. The unique (invoice, step, channel) constraint of
ReminderInvoice makes a repeated run decide nothing new on the same day; a per-company lock
(`core.locks.company_lock`, RUN_LOCK) keeps a second run from starting while one is in progress
(a beat run meeting a manual one): it is refused with one line instead of failing on the
constraint. The skipped counts say why an invoice was paused
(disputed, on_hold, promise, paused).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.collection.pauses import DunningPauses, PauseReason
from encaisse.collection.selectors import dunning_pauses
from encaisse.collection.services import promises_settle
from encaisse.core import penalties
from encaisse.core.locks import company_lock
from encaisse.core.models import AuditEvent, Company
from encaisse.core.money import ZERO
from encaisse.core.rates import rate_history
from encaisse.customers.models import Contact, Customer
from encaisse.dunning import rules
from encaisse.dunning.models import Channel, Reminder, ReminderInvoice, Step
from encaisse.dunning.services.claims import is_professional
from encaisse.dunning.services.delivery import reminder_cancel_stale
from encaisse.dunning.services.policies import PolicyBook, policy_book
from encaisse.dunning.services.rendering import (
    InvoiceLine,
    Recipient,
    render_message,
    templates_for,
)
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.payments.models import Allocation

ANALYZE_AFTER = 10_000
INSERT_ROWS = 1000  # 7 000 parameters per statement: under SQLite's 32 766
RUN_LOCK = "dunning-run"
CONTACT_ROLES = (Contact.ContactRole.ACCOUNTS_PAYABLE, Contact.ContactRole.BILLING)


@dataclass(slots=True)
class RunResult:
    on: date
    dry_run: bool
    reminders_created: int = 0
    by_step: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    reminder_ids: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.on.isoformat(),
            "reminders_created": self.reminders_created,
            "by_step": self.by_step,
            "by_channel": self.by_channel,
            "skipped": self.skipped,
        }


@dataclass(frozen=True, slots=True)
class _Open:
    id: int
    customer_id: int
    number: str
    issue_date: date
    due_date: date
    total: Decimal
    credited: Decimal
    open_amount: Decimal


def _open_invoices(company: Company) -> list[dict[str, Any]]:
    qs = with_open_amount(
        Invoice.objects.filter(
            company=company,
            kind=Invoice.Kind.INVOICE,
            status=Invoice.Status.ISSUED,
            due_date__isnull=False,
        )
    ).filter(Q(open_amount__gt=0))
    # credited_amount and open_amount are annotations the plugin cannot see
    return list(
        qs.order_by("customer_id", "due_date", "id").values(  # type: ignore[misc]
            "id",
            "customer_id",
            "number",
            "issue_date",
            "due_date",
            "total_amount",
            "credited_amount",
            "open_amount",
            "customer__risk_class",
        )
    )


def _last_sent(company: Company) -> dict[int, tuple[int, date]]:
    rows = (
        ReminderInvoice.objects.filter(company=company)
        .values("invoice_id")
        .annotate(last_offset=Max("step__offset_days"), last_on=Max("reminder__run_date"))
    )
    return {r["invoice_id"]: (r["last_offset"], r["last_on"]) for r in rows}


def _state_pauses(pauses: DunningPauses, invoice_id: int, customer_id: int) -> dict[str, Any]:
    """The pause fields of `rules.InvoiceState`, from what collection says is paused and why."""
    found = pauses.for_invoice(invoice_id, customer_id=customer_id)
    if not found:
        return {}
    reasons = {p.reason for p in found}
    promised = [p.until for p in found if p.reason == PauseReason.PROMISE and p.until]
    return {
        "disputed": PauseReason.DISPUTE in reasons,
        "customer_on_hold": PauseReason.HOLD in reasons,
        "promised_until": max(promised) if promised else None,
        "paused": bool(reasons - {PauseReason.DISPUTE, PauseReason.HOLD, PauseReason.PROMISE}),
    }


def _recipients(company: Company, customer_ids: set[int]) -> dict[int, Recipient]:
    customers = {c.pk: c for c in Customer.objects.filter(company=company) if c.pk in customer_ids}
    contacts: dict[int, Contact] = {}
    contact: Contact | None
    for contact in Contact.objects.filter(company=company, role__in=CONTACT_ROLES).order_by(
        "role", "id"
    ):
        if contact.customer_id in customer_ids:
            contacts.setdefault(contact.customer_id, contact)
    result = {}
    for pk, customer in customers.items():
        contact = contacts.get(pk)
        result[pk] = Recipient(
            name=customer.name,
            contact=contact.name if contact else "",
            email=(contact.email if contact and contact.email else customer.email),
            phone=(contact.phone if contact and contact.phone else customer.phone),
            siren=customer.siren,
            address=", ".join(customer.address_lines()),
            language=customer.language,
        )
    return result


def _professional(company: Company, customer_ids: set[int]) -> dict[int, bool]:
    return {
        pk: kind != Customer.Kind.CONSUMER
        for pk, kind in Customer.objects.filter(company=company).values_list("id", "kind")
        if pk in customer_ids
    }


def _payments(company: Company, invoice_ids: set[int]) -> dict[int, list[tuple[date, Decimal]]]:
    result: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for invoice_id, received_on, value in Allocation.objects.filter(company=company).values_list(
        "invoice_id", "payment__received_on", "amount"
    ):
        if invoice_id in invoice_ids:
            result[invoice_id].append((received_on, value))
    return result


def recipient_for(channel: str, recipient: Recipient) -> str:
    if channel in (Channel.EMAIL, Channel.LETTER, Channel.FORMAL_NOTICE):
        return recipient.email
    if channel in (Channel.SMS, Channel.PHONE):
        return recipient.phone
    return ""


def dunning_run(*, company: Company, on: date, dry_run: bool = False) -> RunResult:
    """Decide today's reminders for every open invoice of the company and queue them.

    One run at a time per company: while another holds the lock, refused with
    `CoreCode.COMPANY_BUSY` (a dry run writes nothing and takes no lock)."""
    if dry_run:
        return _run(company=company, on=on, dry_run=True)
    busy = _("A dunning run is already in progress for this company; try again in a moment.")
    with company_lock(company, RUN_LOCK, busy_message=busy):
        return _run(company=company, on=on, dry_run=False)


def _run(*, company: Company, on: date, dry_run: bool) -> RunResult:
    result = RunResult(on=on, dry_run=dry_run)
    with transaction.atomic():
        book = policy_book(company)
        if not dry_run:  # promises past their date and grace no longer pause anything
            promises_settle(company=company, on=on)
        pauses = dunning_pauses(company, on)
        rows = _open_invoices(company)
        if not dry_run:
            disputed = pauses.disputed_invoice_ids()
            owed = {r["id"] for r in rows if r["id"] not in disputed}
            reminder_cancel_stale(company=company, now=timezone.now(), owed=owed)
        last = _last_sent(company)
        states: list[rules.InvoiceState] = []
        policy_of: dict[int, int] = {}
        by_id: dict[int, dict[str, Any]] = {}
        for row in rows:
            sent = last.get(row["id"])
            states.append(
                rules.InvoiceState(
                    invoice_id=row["id"],
                    customer_id=row["customer_id"],
                    due_date=row["due_date"],
                    open_amount=row["open_amount"],
                    last_offset=sent[0] if sent else None,
                    last_sent_on=sent[1] if sent else None,
                    **_state_pauses(pauses, row["id"], row["customer_id"]),
                )
            )
            policy_of[row["id"]] = book.policy_for(row["customer_id"], row["customer__risk_class"])
            by_id[row["id"]] = row
        rules_cache = {pid: book.rules(pid) for pid in book.steps_by_policy}
        decisions = rules.decide(
            states, lambda s: rules_cache.get(policy_of[s.invoice_id], ()), on=on
        )
        result.skipped = rules.skipped_counts(decisions)
        batches = rules.group(decisions)
        if batches:
            _write(company, on, book, batches, by_id, result, dry_run=dry_run)
    return result


def _write(
    company: Company,
    on: date,
    book: PolicyBook,
    batches: list[rules.Batch],
    by_id: Mapping[int, Mapping[str, Any]],
    result: RunResult,
    *,
    dry_run: bool,
) -> None:
    steps: dict[int, Step] = {s.pk: s for group in book.steps_by_policy.values() for s in group}
    if dry_run:  # what would be written, without rendering a word
        counts: Counter[tuple[str, str]] = Counter(
            (steps[b.step.key].name, channel)
            for b in batches
            for channel in steps[b.step.key].channels
        )
        result.reminders_created = sum(counts.values())
        by_step_dry: Counter[str] = Counter()
        by_channel_dry: Counter[str] = Counter()
        for (name, channel), n in counts.items():
            by_step_dry[name] += n
            by_channel_dry[channel] += n
        result.by_step = dict(sorted(by_step_dry.items()))
        result.by_channel = dict(sorted(by_channel_dry.items()))
        return
    customer_ids = {b.customer_id for b in batches}
    claim_invoices = {i for b in batches if steps[b.step.key].adds_penalties for i in b.invoice_ids}
    recipients = _recipients(company, customer_ids)
    professional = _professional(company, customer_ids)
    payments = _payments(company, claim_invoices) if claim_invoices else {}
    history = rate_history()
    templates = templates_for(company)
    by_step: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    reminders: list[Reminder] = []
    line_specs: list[list[tuple[int, Decimal, Decimal]]] = []
    for batch in batches:
        step = steps[batch.step.key]
        invoices = []
        specs = []
        indemnity = ZERO
        for invoice_id in batch.invoice_ids:
            row = by_id[invoice_id]
            penalty = ZERO
            if step.adds_penalties or step.adds_indemnity:
                claim = penalties.claim_compute(
                    row["total_amount"] - row["credited_amount"],
                    due_date=row["due_date"],
                    on=on,
                    payments=payments.get(invoice_id, []),
                    history=history,
                    contractual_rate=company.penalty_rate,
                    professional=professional.get(batch.customer_id, True),
                    indemnity_amount=company.recovery_indemnity,
                )
                if step.adds_penalties:
                    penalty = claim.penalty
                if step.adds_indemnity:
                    indemnity += claim.indemnity
            invoices.append(
                InvoiceLine(
                    number=row["number"],
                    issue_date=row["issue_date"],
                    due_date=row["due_date"],
                    total=row["total_amount"],
                    open_amount=row["open_amount"],
                    penalty=penalty,
                )
            )
            specs.append((invoice_id, row["open_amount"], penalty))
        recipient = recipients[batch.customer_id]
        message = render_message(
            templates=templates,
            template_key=step.template_key,
            company=company,
            recipient=recipient,
            invoices=invoices,
            on=on,
            indemnity=indemnity,
        )
        state = Reminder.State.PENDING_APPROVAL if step.needs_approval else Reminder.State.QUEUED
        for channel in step.channels:
            reminders.append(
                Reminder(
                    company=company,
                    customer_id=batch.customer_id,
                    step=step,
                    channel=channel,
                    run_date=on,
                    recipient=recipient_for(channel, recipient),
                    language=recipient.language,
                    subject=message.subject,
                    body=message.body,
                    total_amount=message.total_due,
                    penalty_amount=message.penalties,
                    indemnity_amount=message.indemnity,
                    state=state,
                )
            )
            line_specs.append(specs)
            by_step[step.name] += 1
            by_channel[channel] += 1
    result.reminders_created = len(reminders)
    result.by_step = dict(sorted(by_step.items()))
    result.by_channel = dict(sorted(by_channel.items()))
    created = Reminder.objects.bulk_create(reminders, batch_size=2000)
    # ~100 000 rows on a big first run: multi-row INSERTs, no model instance per row.
    table = ReminderInvoice._meta.db_table
    head = (
        f"INSERT INTO {table} (company_id, reminder_id, invoice_id, step_id, channel, "  # noqa: S608 -- our table name
        "open_amount, penalty_amount) VALUES "
    )
    lines = [
        (company.pk, reminder.pk, invoice_id, reminder.step_id, reminder.channel, open_, penalty)
        for reminder, specs in zip(created, line_specs, strict=True)
        for invoice_id, open_, penalty in specs
    ]
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # COPY: several times faster than INSERTs
            columns = "company_id, reminder_id, invoice_id, step_id, channel, open_amount, "
            with cursor.cursor.copy(f"COPY {table} ({columns}penalty_amount) FROM STDIN") as copy:
                for line in lines:
                    copy.write_row(line)
        else:
            for start in range(0, len(lines), INSERT_ROWS):
                chunk = lines[start : start + INSERT_ROWS]
                values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
                cursor.execute(head + values, [value for line in chunk for value in line])
        if postgres and len(lines) >= ANALYZE_AFTER:
            # A first run can add 100 000 lines at once: refresh the planner's statistics now
            # rather than wait for autovacuum, or the next run plans against an empty table.
            cursor.execute(f"ANALYZE {Reminder._meta.db_table}, {table}")
    customer_type = ContentType.objects.get_for_model(Customer)
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                company=company,
                subject_type=customer_type,
                subject_id=r.customer_id,
                kind="dunning.reminder_created",
                after={"reminder": r.pk, "step": r.step.name, "channel": r.channel},
            )
            for r in created
        ),
        batch_size=2000,
    )
    result.reminder_ids = [r.pk for r in created]


__all__ = ["RUN_LOCK", "RunResult", "dunning_run", "is_professional", "recipient_for"]
