"""Policy pages: list, create and edit a policy with its steps, remove a step, and choose a
customer's policy. Reading is for every member; writing for roles that manage money."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from encaisse.core.exceptions import DomainError
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.models import Customer
from encaisse.dunning.models import Policy, Step
from encaisse.dunning.services import policy_default_ensure
from encaisse.dunning.services.policy_edit import policy_assign, policy_save, step_delete
from encaisse.web.dunning.policy_forms import (
    BaseStepFormSet,
    PolicyAssignForm,
    PolicyForm,
    StepFormSet,
    policy_data,
    policy_initial,
)
from encaisse.web.shell.access import StaffRequest, member_required, money_required


@member_required
def policies_view(request: StaffRequest) -> HttpResponse:
    policy_default_ensure(company=request.company)
    policies = Policy.objects.filter(company=request.company).prefetch_related("steps")
    return render(
        request, "dunning/policies/list.html", {"policies": policies, "section": "worklist"}
    )


def _show_errors(form: PolicyForm, steps: BaseStepFormSet, exc: DomainError) -> None:
    errors: dict[str, list[str]] = exc.extra.get("errors") or {}
    step_errors: dict[int, dict[str, list[str]]] = exc.extra.get("step_errors") or {}
    placed = False
    for name, texts in errors.items():
        form.add_error(name if name in form.fields else None, texts)
        placed = True
    kept = steps.kept_forms()
    for index, fields in step_errors.items():
        for name, texts in fields.items():
            kept[index].add_error(name, texts)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


@money_required
def policy_edit_view(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    policy = None
    head: dict[str, Any] = {"promise_grace_days": 3}
    rows: list[dict[str, Any]] = []
    if pk is not None:
        policy = get_for_company_or_404(Policy, company=request.company, pk=pk)
        head, rows = policy_initial(policy)
    post = request.POST if request.method == "POST" else None
    form = PolicyForm(post, initial=head)
    steps = StepFormSet(post, initial=rows, prefix="steps")
    if post is not None and form.is_valid() and steps.is_valid():
        try:
            saved = policy_save(
                company=request.company,
                policy_id=policy.pk if policy else None,
                data=policy_data(form, steps),
                actor=request.user,
            )
        except DomainError as exc:
            _show_errors(form, steps, exc)
        else:
            messages.success(request, _("Policy saved."))
            return redirect("dunning:policy_edit", pk=saved.pk)
    return render(
        request,
        "dunning/policies/edit.html",
        {"policy": policy, "form": form, "steps": steps, "section": "worklist"},
    )


@require_POST
@money_required
def step_delete_view(request: StaffRequest, pk: int) -> HttpResponse:
    step = get_for_company_or_404(Step, company=request.company, pk=pk)
    try:
        step_delete(company=request.company, step_id=step.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Step removed."))
    return redirect("dunning:policy_edit", pk=step.policy_id)


@require_POST
@money_required
def customer_policy_view(request: StaffRequest, pk: int) -> HttpResponse:
    customer = get_for_company_or_404(Customer, company=request.company, pk=pk)
    form = PolicyAssignForm(request.POST, company=request.company)
    if not form.is_valid():
        messages.error(request, _("Choose one of the company's policies."))
        return redirect("web:customer_detail", pk=customer.pk)
    chosen = form.cleaned_data["policy"]
    try:
        policy_assign(
            company=request.company,
            customer_id=customer.pk,
            policy_id=chosen.pk if chosen else None,
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Dunning policy saved."))
    return redirect("web:customer_detail", pk=customer.pk)
