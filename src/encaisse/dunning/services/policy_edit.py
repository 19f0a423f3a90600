"""Editing policies from the staff app: a policy and its steps, one step's removal, and which
policy a customer gets (explicitly, by risk class, or the company default)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor
from encaisse.core.audit import audit_record, snapshot
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.dunning.errors import DunningCode
from encaisse.dunning.models import Channel, Policy, PolicyAssignment, ReminderInvoice, Step
from encaisse.dunning.services.policies import policy_book
from encaisse.dunning.wording import TEMPLATE_KEYS

RISK_CLASSES = "ABCD"
OFFSET_MIN, OFFSET_MAX = -60, 365
GRACE_MAX = 60
POLICY_FIELDS = ("name", "is_default", "risk_classes", "promise_grace_days")
STEP_FIELDS = (
    "name",
    "offset_days",
    "channels",
    "template_key",
    "needs_approval",
    "adds_indemnity",
    "adds_penalties",
    "min_open_amount",
)


@dataclass(frozen=True, slots=True)
class StepData:
    """One step as typed; `pk` names an existing step of the policy, None a new one."""

    name: str
    offset_days: int
    channels: tuple[str, ...]
    template_key: str
    needs_approval: bool = False
    adds_indemnity: bool = False
    adds_penalties: bool = False
    min_open_amount: Decimal = Decimal("0.00")
    pk: int | None = None


@dataclass(frozen=True, slots=True)
class PolicyData:
    name: str
    risk_classes: str = ""
    is_default: bool = False
    promise_grace_days: int = 3
    steps: tuple[StepData, ...] = field(default=())


def _check(company: Company, policy: Policy | None, data: PolicyData) -> None:
    """Every rule a policy and its steps must keep; raises one DomainError naming the fields."""
    errors: dict[str, list[str]] = {}
    step_errors: dict[int, dict[str, list[str]]] = {}
    others = Policy.objects.filter(company=company)
    if policy is not None:
        others = others.exclude(pk=policy.pk)
    name = data.name.strip()
    if not name:
        errors["name"] = [_("A policy needs a name.")]
    elif others.filter(name=name).exists():
        errors["name"] = [_("Another policy already has this name.")]
    bad = sorted(set(data.risk_classes) - set(RISK_CLASSES))
    if bad:
        errors["risk_classes"] = [_("Unknown risk class: %(classes)s.") % {"classes": "".join(bad)}]
    else:
        taken = sorted(
            {c for p in others.exclude(risk_classes="") for c in p.risk_classes}
            & set(data.risk_classes)
        )
        if taken:
            errors["risk_classes"] = [
                _("Risk class %(classes)s already has another policy.")
                % {"classes": ", ".join(taken)}
            ]
    if policy is not None and policy.is_default and not data.is_default:
        errors["is_default"] = [_("Make another policy the default instead.")]
    if not 0 <= data.promise_grace_days <= GRACE_MAX:
        errors["promise_grace_days"] = [_("Between 0 and %(max)s days.") % {"max": GRACE_MAX}]
    if not data.steps:
        errors["steps"] = [_("A policy needs at least one step.")]
    own = set() if policy is None else set(policy.steps.values_list("pk", flat=True))
    seen: dict[int, int] = {}
    for index, step in enumerate(data.steps):
        bad_fields: dict[str, list[str]] = {}
        if not step.name.strip():
            bad_fields["name"] = [_("A step needs a name.")]
        if not OFFSET_MIN <= step.offset_days <= OFFSET_MAX:
            bad_fields["offset_days"] = [
                _("Between %(min)s and %(max)s days from the due date.")
                % {"min": OFFSET_MIN, "max": OFFSET_MAX}
            ]
        elif step.offset_days in seen:
            bad_fields["offset_days"] = [_("Two steps of a policy cannot have the same day.")]
        seen.setdefault(step.offset_days, index)
        if not step.channels:
            bad_fields["channels"] = [_("Choose at least one channel.")]
        elif set(step.channels) - set(Channel.values):
            bad_fields["channels"] = [_("Unknown channel.")]
        if step.template_key not in TEMPLATE_KEYS:
            bad_fields["template_key"] = [_("Unknown template.")]
        if step.min_open_amount < 0:
            bad_fields["min_open_amount"] = [_("The minimum cannot be negative.")]
        if step.pk is not None and step.pk not in own:
            bad_fields["name"] = [_("This step belongs to another policy.")]
        if bad_fields:
            step_errors[index] = bad_fields
    if errors or step_errors:
        flat = [m for msgs in errors.values() for m in msgs]
        flat += [m for bad in step_errors.values() for msgs in bad.values() for m in msgs]
        raise DomainError(
            DunningCode.POLICY_INVALID, flat[0], errors=errors, step_errors=step_errors
        )


def _step_in_use(company: Company, step_ids: Sequence[int]) -> bool:
    if not step_ids:
        return False
    return (
        ReminderInvoice.objects.filter(company=company, step_id__in=step_ids).exists()
        or Step.objects.filter(company=company, pk__in=step_ids, reminders__isnull=False).exists()
    )


def _step_values(step: StepData) -> dict[str, Any]:
    return {
        "name": step.name.strip(),
        "offset_days": step.offset_days,
        "channels": [str(c) for c in step.channels],
        "template_key": step.template_key,
        "needs_approval": step.needs_approval,
        "adds_indemnity": step.adds_indemnity,
        "adds_penalties": step.adds_penalties,
        "min_open_amount": Decimal(step.min_open_amount).quantize(Decimal("0.01")),
    }


@transaction.atomic
def policy_save(
    *, company: Company, data: PolicyData, actor: Actor, policy_id: int | None = None
) -> Policy:
    """Create or replace a policy and its steps: the steps given are the policy's steps after.

    Steps left out are removed, unless a reminder already used them (the outbox keeps its
    history). Risk classes belong to one policy at most, and there is always one default.
    """
    policy: Policy | None = None
    if policy_id is not None:
        policy = Policy.objects.select_for_update().get(company=company, pk=policy_id)
    _check(company, policy, data)
    dropped: list[int] = []
    if policy is not None:
        kept = {s.pk for s in data.steps if s.pk is not None}
        dropped = list(policy.steps.exclude(pk__in=kept).values_list("pk", flat=True))
        if _step_in_use(company, dropped):
            raise DomainError(
                DunningCode.STEP_IN_USE,
                _("A step already used by reminders cannot be removed."),
            )
    before = snapshot(policy, POLICY_FIELDS) if policy is not None else {}
    if data.is_default:
        others = Policy.objects.filter(company=company, is_default=True)
        if policy is not None:
            others = others.exclude(pk=policy.pk)
        others.update(is_default=False)
    values = {
        "name": data.name.strip(),
        "risk_classes": "".join(sorted(set(data.risk_classes))),
        "is_default": data.is_default,
        "promise_grace_days": data.promise_grace_days,
    }
    if policy is None:
        policy = Policy.objects.create(company=company, **values)
        kind = "dunning.policy.created"
    else:
        for name, value in values.items():
            setattr(policy, name, value)
        policy.save(update_fields=list(values))
        kind = "dunning.policy.changed"
    before_steps = {
        s.pk: snapshot(s, STEP_FIELDS) for s in Step.objects.filter(company=company, policy=policy)
    }
    Step.objects.filter(company=company, pk__in=dropped).delete()
    existing = {s.pk: s for s in Step.objects.filter(company=company, policy=policy)}
    # Move kept steps out of the way first, so swapping two offsets never hits the constraint.
    for index, step in enumerate(data.steps):
        if step.pk is not None:
            Step.objects.filter(pk=step.pk).update(offset_days=-10_000 - index)
    after_steps: dict[int, dict[str, Any]] = {}
    for step in data.steps:
        row = existing[step.pk] if step.pk is not None else Step(company=company, policy=policy)
        for name, value in _step_values(step).items():
            setattr(row, name, value)
        row.save()
        after_steps[row.pk] = snapshot(row, STEP_FIELDS)
    audit_record(
        company=company,
        subject=policy,
        kind=kind,
        actor=actor,
        before={**before, "steps": list(before_steps.values())} if before else None,
        after={**snapshot(policy, POLICY_FIELDS), "steps": list(after_steps.values())},
    )
    return policy


@transaction.atomic
def step_delete(*, company: Company, step_id: int, actor: Actor) -> Policy:
    """Remove one step; not the last one of a policy, nor one that reminders already used."""
    step = (
        Step.objects.select_for_update().select_related("policy").get(company=company, pk=step_id)
    )
    policy = step.policy
    if not Step.objects.filter(company=company, policy=policy).exclude(pk=step.pk).exists():
        raise DomainError(DunningCode.POLICY_LAST_STEP, _("A policy needs at least one step."))
    if _step_in_use(company, [step.pk]):
        raise DomainError(
            DunningCode.STEP_IN_USE, _("A step already used by reminders cannot be removed.")
        )
    before = snapshot(step, STEP_FIELDS)
    step.delete()
    audit_record(
        company=company,
        subject=policy,
        kind="dunning.step.deleted",
        actor=actor,
        before={"step": before},
    )
    return policy


@transaction.atomic
def policy_assign(
    *, company: Company, customer_id: int, policy_id: int | None, actor: Actor
) -> Customer:
    """Give a customer its own policy, or (None) let its risk class or the default decide."""
    customer = Customer.objects.select_for_update().get(company=company, pk=customer_id)
    current = PolicyAssignment.objects.filter(company=company, customer=customer).first()
    before = {"policy": current.policy_id if current else None}
    if policy_id is None:
        if current is not None:
            current.delete()
    else:
        policy = Policy.objects.filter(company=company, pk=policy_id).first()
        if policy is None:
            raise DomainError(
                DunningCode.POLICY_UNKNOWN,
                _("Choose one of the company's policies."),
                field="policy",
            )
        PolicyAssignment.objects.update_or_create(
            company=company, customer=customer, defaults={"policy": policy}
        )
    after = {"policy": policy_id}
    if before != after:
        audit_record(
            company=company,
            subject=customer,
            kind="dunning.policy.assigned",
            actor=actor,
            before=before,
            after=after,
        )
    return customer


@dataclass(frozen=True, slots=True)
class AppliedPolicy:
    policy: Policy
    reason: str  # "explicit", "risk_class" or "default"
    assigned_id: int | None


def policy_applied(company: Company, customer: Customer) -> AppliedPolicy:
    """The policy the run uses for this customer and why (the run's own resolution)."""
    book = policy_book(company)
    policy_id = book.policy_for(customer.pk, customer.risk_class)
    assigned = book.by_customer.get(customer.pk)
    if assigned is not None:
        reason = "explicit"
    elif customer.risk_class in book.by_risk_class:
        reason = "risk_class"
    else:
        reason = "default"
    return AppliedPolicy(
        policy=Policy.objects.get(company=company, pk=policy_id),
        reason=reason,
        assigned_id=assigned,
    )
