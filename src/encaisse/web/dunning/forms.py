"""Worklist forms: edit before approval, call outcome, hold, promise, penalty decision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from encaisse.dunning.models import PenaltyDecision, Reminder
from encaisse.web.shell.forms import DateInput, DecimalInput, StyledForm


class ReminderEditForm(StyledForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 16}))


class SkipForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class CallOutcomeForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Reminder.Outcome.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact_name = forms.CharField(label=_("Promised by"), max_length=200, required=False)
    promised_on = forms.DateField(
        label=_("Payment promised for"), required=False, widget=DateInput()
    )
    promised_amount = DecimalInput(
        label=_("Promised amount"), required=False, min_value=Decimal("0.01"), fixed=True
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Reminder.Outcome.PROMISE:
            if not data.get("promised_on"):
                self.add_error("promised_on", _("A promise needs a date."))
            if not data.get("promised_amount"):
                self.add_error("promised_amount", _("A promise needs an amount."))
        return data


class PromiseForm(StyledForm):
    promised_on = forms.DateField(label=_("Payment promised for"), widget=DateInput())
    amount = DecimalInput(label=_("Amount"), min_value=Decimal("0.01"), fixed=True)
    contact_name = forms.CharField(label=_("Promised by"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False)


class HoldForm(StyledForm):
    reason = forms.CharField(
        label=_("On hold because"),
        max_length=200,
        required=False,
        help_text=_("Empty: lift the hold."),
    )
    until = forms.DateField(label=_("On hold until"), required=False, widget=DateInput())


class PenaltyDecisionForm(StyledForm):
    kind = forms.ChoiceField(label=_("Decision"), choices=PenaltyDecision.Kind.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class TemplateForm(StyledForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 18}))
