"""Dunning (relances): policies of steps, the reminder outbox, templates, rates, penalty decisions.

A Policy is an ordered list of Steps relative to the due date. The daily run decides, per open
invoice, the step due and writes Reminder rows (the outbox) in one transaction; a worker
delivers them. ReminderInvoice ties a reminder to the invoices it lists and carries the unique
constraint that makes a second reminder for the same invoice, step and channel impossible.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import CompanyScoped
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    LETTER = "letter", _("Letter (PDF)")
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    FORMAL_NOTICE = "formal_notice", _("Formal notice")


class Policy(CompanyScoped):
    """An ordered list of steps; customers get one explicitly, by risk class, or the default."""

    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("company default"), default=False)
    risk_classes = models.CharField(
        _("risk classes"),
        max_length=4,
        blank=True,
        help_text=_("Customers of these risk classes (e.g. CD) get this policy."),
    )
    promise_grace_days = models.PositiveSmallIntegerField(
        _("grace days after a promise to pay"), default=3
    )

    class Meta:
        verbose_name = _("dunning policy")
        verbose_name_plural = _("dunning policies")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "name"], name="policy_unique_name"),
            models.UniqueConstraint(
                fields=["company"], condition=models.Q(is_default=True), name="policy_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Step(CompanyScoped):
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(_("name"), max_length=50)
    offset_days = models.SmallIntegerField(
        _("days from due date"), help_text=_("Negative: before the due date.")
    )
    channels = models.JSONField(_("channels"), default=list)
    template_key = models.CharField(_("template"), max_length=30)
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    adds_indemnity = models.BooleanField(_("claims the fixed indemnity"), default=False)
    adds_penalties = models.BooleanField(_("claims late penalties"), default=False)
    min_open_amount = models.DecimalField(
        _("minimum open amount"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = _("dunning step")
        ordering: ClassVar = ["policy", "offset_days"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["company", "policy", "offset_days"], name="step_unique_offset"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyAssignment(CompanyScoped):
    """A policy chosen for one customer, above its risk class and the default."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "customer"], name="policy_assignment_one"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.policy_id}"


class ReminderTemplate(CompanyScoped):
    """A company's own wording of one template in one language (defaults live in code)."""

    key = models.CharField(_("template"), max_length=30)
    language = models.CharField(_("language"), max_length=2, choices=Customer.Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["company", "key", "language"], name="reminder_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class Reminder(CompanyScoped):
    """One message of the outbox: a customer, a step, a channel and the invoices it lists.

    Delivery claims a queued message (state "sending", its Message-ID stored) and commits that
    before talking to the server, then marks it sent. A message found "sending" by the next
    delivery was interrupted by a crash: it becomes "uncertain" and waits for a person, never
    resent on its own.
    """

    class State(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Sending uncertain")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        PROMISE = "promise", _("Promise given")
        DISPUTE = "dispute", _("Dispute raised")
        WRONG_CONTACT = "wrong_contact", _("Wrong contact")

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="reminders")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="reminders")
    channel = models.CharField(_("channel"), max_length=15, choices=Channel.choices)
    run_date = models.DateField(_("decided on"))
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    language = models.CharField(max_length=2, default="fr")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    total_amount = models.DecimalField(_("amount due"), max_digits=14, decimal_places=2)
    penalty_amount = models.DecimalField(
        _("penalties"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    indemnity_amount = models.DecimalField(
        _("indemnities"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    cancel_reason = models.CharField(max_length=50, blank=True)
    outcome = models.CharField(
        _("call outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    outcome_note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invoices: models.ManyToManyField[Invoice, ReminderInvoice] = models.ManyToManyField(
        Invoice, through="ReminderInvoice", related_name="reminders"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reminder")
        ordering: ClassVar = ["-run_date", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["company", "state", "channel"], name="reminder_state"),
            models.Index(fields=["company", "customer", "run_date"], name="reminder_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.step} → {self.customer_id} ({self.channel})"

    @property
    def is_waiting(self) -> bool:
        return self.state in (self.State.PENDING_APPROVAL, self.State.QUEUED)


class ReminderInvoice(CompanyScoped):
    """An invoice listed on a reminder; at most once per step and channel, ever."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="lines")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    # No index of its own: the unique constraint below starts with (company, invoice, step).
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+", db_index=False)
    channel = models.CharField(max_length=15, choices=Channel.choices)
    open_amount = models.DecimalField(max_digits=14, decimal_places=2)
    penalty_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering: ClassVar = ["id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["company", "invoice", "step", "channel"], name="reminder_once_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id} @ {self.step_id}"


class PenaltyDecision(CompanyScoped):
    """What the company does with an invoice's penalties and indemnity: a claim apart."""

    class Kind(models.TextChoices):
        KEPT = "kept", _("Kept (claimed)")
        INVOICED = "invoiced", _("Invoiced")
        WAIVED = "waived", _("Waived")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    computed_on = models.DateField(_("computed on"))
    penalty_amount = models.DecimalField(_("penalties"), max_digits=14, decimal_places=2)
    indemnity_amount = models.DecimalField(_("indemnity"), max_digits=14, decimal_places=2)
    penalty_invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["company", "invoice"], name="penalty_decision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.kind}"
