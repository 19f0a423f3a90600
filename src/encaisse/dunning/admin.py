"""Admin for platform staff: policies and steps editable; the outbox and decisions read-only."""

from django.contrib import admin

from encaisse.customers.admin import ReadOnlyAdmin
from encaisse.dunning.models import (
    PenaltyDecision,
    Policy,
    PolicyAssignment,
    Reminder,
    ReminderTemplate,
    Step,
)


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    fields = (
        "name",
        "offset_days",
        "channels",
        "template_key",
        "needs_approval",
        "adds_indemnity",
        "adds_penalties",
        "min_open_amount",
        "company",
    )


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "is_default", "risk_classes")
    list_filter = ("company",)
    inlines = (StepInline,)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("run_date", "company", "customer", "step", "channel", "state", "attempts")
    list_filter = ("state", "channel", "company")
    search_fields = ("customer__name", "subject")


@admin.register(PenaltyDecision)
class PenaltyDecisionAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "company", "kind", "penalty_amount", "indemnity_amount")


@admin.register(PolicyAssignment)
class PolicyAssignmentAdmin(admin.ModelAdmin):
    list_display = ("customer", "policy", "company")
    list_filter = ("company",)
    raw_id_fields = ("customer",)


@admin.register(ReminderTemplate)
class ReminderTemplateAdmin(admin.ModelAdmin):
    list_display = ("key", "language", "company", "updated_at")
    list_filter = ("company", "language")
