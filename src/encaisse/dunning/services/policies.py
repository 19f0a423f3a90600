"""Policies: the default French policy, created on first use, and which policy a customer gets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from encaisse.core.models import Company
from encaisse.dunning.models import Channel, Policy, PolicyAssignment, Step
from encaisse.dunning.rules import StepRule

# name, offset, channels, template, approval, indemnity+penalties
DEFAULT_STEPS: tuple[tuple[str, int, tuple[str, ...], str, bool, bool], ...] = (
    ("J-5", -5, (Channel.EMAIL,), "courtesy", False, False),
    ("J+1", 1, (Channel.EMAIL,), "reminder_1", False, False),
    ("J+8", 8, (Channel.EMAIL,), "reminder_2", False, True),
    ("J+15", 15, (Channel.EMAIL, Channel.LETTER), "reminder_3", False, True),
    ("J+30", 30, (Channel.FORMAL_NOTICE,), "formal_notice", True, True),
    ("J+45", 45, (Channel.PHONE,), "call", False, True),
)
DEFAULT_POLICY_NAME = "Relances standard"


@transaction.atomic
def policy_default_ensure(*, company: Company) -> Policy:
    """The company's default policy; the French one is created the first time it is needed."""
    policy = Policy.objects.filter(company=company, is_default=True).first()
    if policy is not None:
        return policy
    policy = Policy.objects.create(company=company, name=DEFAULT_POLICY_NAME, is_default=True)
    Step.objects.bulk_create(
        Step(
            company=company,
            policy=policy,
            name=name,
            offset_days=offset,
            channels=[str(c) for c in channels],
            template_key=template,
            needs_approval=approval,
            adds_indemnity=claims,
            adds_penalties=claims,
        )
        for name, offset, channels, template, approval, claims in DEFAULT_STEPS
    )
    return policy


@dataclass(frozen=True, slots=True)
class PolicyBook:
    """Every policy of a company with its steps, and how customers map to them (read once)."""

    steps_by_policy: Mapping[int, tuple[Step, ...]]
    by_customer: Mapping[int, int]
    by_risk_class: Mapping[str, int]
    default_id: int

    def policy_for(self, customer_id: int, risk_class: str) -> int:
        return self.by_customer.get(
            customer_id, self.by_risk_class.get(risk_class, self.default_id)
        )

    def steps(self, policy_id: int) -> tuple[Step, ...]:
        return self.steps_by_policy.get(policy_id, ())

    def rules(self, policy_id: int) -> tuple[StepRule, ...]:
        return tuple(
            StepRule(s.pk, s.offset_days, Decimal(s.min_open_amount)) for s in self.steps(policy_id)
        )


def policy_book(company: Company) -> PolicyBook:
    default = policy_default_ensure(company=company)
    steps: dict[int, list[Step]] = {}
    risk: dict[str, int] = {}
    for policy in Policy.objects.filter(company=company).prefetch_related("steps"):
        steps[policy.pk] = sorted(policy.steps.all(), key=lambda s: s.offset_days)
        for risk_class in policy.risk_classes:
            risk.setdefault(risk_class, policy.pk)
    assigned = dict(
        PolicyAssignment.objects.filter(company=company).values_list("customer_id", "policy_id")
    )
    return PolicyBook(
        steps_by_policy={k: tuple(v) for k, v in steps.items()},
        by_customer=assigned,
        by_risk_class=risk,
        default_id=default.pk,
    )
