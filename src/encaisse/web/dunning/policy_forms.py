"""Policy pages: a policy, its steps (a formset), and a customer's policy choice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.core.models import Company
from encaisse.customers.models import RiskClass
from encaisse.dunning.models import Channel, Policy
from encaisse.dunning.services.policy_edit import PolicyData, StepData
from encaisse.dunning.wording import TEMPLATE_KEYS
from encaisse.web.shell.forms import DecimalInput, StyledForm


class PolicyForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    risk_classes = forms.MultipleChoiceField(
        label=_("Risk classes"),
        choices=RiskClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Customers of these risk classes get this policy unless they have their own."),
    )
    is_default = forms.BooleanField(label=_("Company default"), required=False)
    promise_grace_days = forms.IntegerField(
        label=_("Grace days after a promise to pay"), initial=3, min_value=0, max_value=365
    )


class StepForm(StyledForm):
    step_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=50)
    offset_days = forms.IntegerField(
        label=_("Days from due date"), help_text=_("Negative: before the due date.")
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    template_key = forms.ChoiceField(
        label=_("Template"), choices=[("", "—"), *((k, k) for k in TEMPLATE_KEYS)]
    )
    needs_approval = forms.BooleanField(label=_("Needs approval"), required=False)
    adds_penalties = forms.BooleanField(label=_("Claims late penalties"), required=False)
    adds_indemnity = forms.BooleanField(label=_("Claims the fixed indemnity"), required=False)
    min_open_amount = DecimalInput(
        label=_("Minimum open amount"), required=False, min_value=Decimal(0), fixed=True
    )

    def step_data(self) -> StepData:
        data = self.cleaned_data
        return StepData(
            pk=data.get("step_id"),
            name=data["name"],
            offset_days=data["offset_days"],
            channels=tuple(data["channels"]),
            template_key=data["template_key"],
            needs_approval=data["needs_approval"],
            adds_penalties=data["adds_penalties"],
            adds_indemnity=data["adds_indemnity"],
            min_open_amount=data.get("min_open_amount") or Decimal("0.00"),
        )


class BaseStepFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[StepForm]:
        """The existing steps (unless ticked for deletion) and the new rows filled in."""
        deleted = {id(form) for form in self.deleted_forms}
        return [
            cast(StepForm, form)
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed()) and id(form) not in deleted
        ]


StepFormSet = cast(
    type[BaseStepFormSet],
    forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=2, can_delete=True),
)


def policy_data(form: PolicyForm, steps: BaseStepFormSet) -> PolicyData:
    data = form.cleaned_data
    return PolicyData(
        name=data["name"],
        risk_classes="".join(data["risk_classes"]),
        is_default=data["is_default"],
        promise_grace_days=data["promise_grace_days"],
        steps=tuple(f.step_data() for f in steps.kept_forms()),
    )


def policy_initial(policy: Policy) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    head = {
        "name": policy.name,
        "risk_classes": list(policy.risk_classes),
        "is_default": policy.is_default,
        "promise_grace_days": policy.promise_grace_days,
    }
    rows = [
        {
            "step_id": s.pk,
            "name": s.name,
            "offset_days": s.offset_days,
            "channels": list(s.channels),
            "template_key": s.template_key,
            "needs_approval": s.needs_approval,
            "adds_penalties": s.adds_penalties,
            "adds_indemnity": s.adds_indemnity,
            "min_open_amount": s.min_open_amount,
        }
        for s in policy.steps.order_by("offset_days")
    ]
    return head, rows


class PolicyAssignForm(StyledForm):
    policy = forms.ModelChoiceField(
        label=_("Dunning policy"),
        queryset=Policy.objects.none(),
        required=False,
        empty_label=_("By risk class / company default"),
    )

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["policy"])
        field.queryset = Policy.objects.filter(company=company).order_by("name")
