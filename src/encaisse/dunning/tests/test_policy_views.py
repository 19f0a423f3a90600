"""Policy pages: create and edit policies with their steps, choose a customer's policy;
validation, isolation and roles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from encaisse.core.models import AuditEvent, Company, Role
from encaisse.core.tests.factories import MembershipFactory, UserFactory
from encaisse.customers.models import Customer
from encaisse.dunning.models import Policy, PolicyAssignment, Reminder, Step
from encaisse.dunning.services import dunning_run, policy_default_ensure
from encaisse.dunning.services.policy_edit import PolicyData, StepData, policy_save
from encaisse.dunning.tests.conftest import invoice_for

D = Decimal
pytestmark = pytest.mark.django_db
STEP_COLUMNS = (
    "name",
    "offset_days",
    "channels",
    "template_key",
    "needs_approval",
    "adds_penalties",
    "adds_indemnity",
    "min_open_amount",
)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    # The assertions below read the English messages; the French ones are in the catalogue.
    settings.LANGUAGE_CODE = "en"


def form_data(head: dict[str, Any], steps: list[dict[str, Any]], initial: int = 0) -> dict:
    """The POST of the policy page: the policy fields and the step formset."""
    data: dict[str, Any] = {
        "name": "",
        "promise_grace_days": "3",
        **head,
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": str(initial),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for index, step in enumerate(steps):
        for key, value in step.items():
            data[f"steps-{index}-{key}"] = value
    return data


SOFT = {
    "name": "Relance douce",
    "offset_days": "3",
    "channels": ["email"],
    "template_key": "reminder_1",
    "min_open_amount": "50,00",
}
NOTICE = {
    "name": "Mise en demeure",
    "offset_days": "20",
    "channels": ["email", "letter"],
    "template_key": "formal_notice",
    "needs_approval": "on",
    "adds_penalties": "on",
    "adds_indemnity": "on",
}
BLANK = {"name": "", "offset_days": "", "template_key": "", "min_open_amount": ""}


def _sensitive(company: Company, **head: Any) -> Policy:
    return policy_save(
        company=company,
        actor=None,
        data=PolicyData(
            name="Clients sensibles",
            steps=(
                StepData(
                    name="Relance douce",
                    offset_days=3,
                    channels=("email",),
                    template_key="reminder_1",
                ),
            ),
            **head,
        ),
    )


def _client(company: Company, role: Role, username: str) -> Client:
    user = UserFactory.create(username=username)
    MembershipFactory.create(company=company, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_worklist_links_to_the_policies_listing_default_steps(owner_client: Client) -> None:
    assert 'href="/dunning/policies/"' in owner_client.get("/dunning/worklist/").content.decode()
    page = owner_client.get("/dunning/policies/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Relances standard" in html
    for name in ("J-5", "J+1", "J+8", "J+15", "J+30", "J+45"):
        assert f"<td>{name}</td>" in html


def test_create_policy_with_steps(owner_client: Client, company: Company) -> None:
    response = owner_client.post(
        "/dunning/policies/new/",
        form_data(
            {"name": "Clients sensibles", "risk_classes": ["D", "C"], "promise_grace_days": "5"},
            [NOTICE, SOFT, BLANK],
        ),
    )
    policy = Policy.objects.get(company=company, name="Clients sensibles")
    assert response.status_code == 302
    assert response["Location"] == f"/dunning/policies/{policy.pk}/"
    assert (policy.risk_classes, policy.is_default, policy.promise_grace_days) == ("CD", False, 5)
    assert list(policy.steps.values_list(*STEP_COLUMNS)) == [
        ("Relance douce", 3, ["email"], "reminder_1", False, False, False, D("50.00")),
        ("Mise en demeure", 20, ["email", "letter"], "formal_notice", True, True, True, D("0.00")),
    ]
    event = AuditEvent.objects.get(company=company, kind="dunning.policy.created")
    assert event.after["name"] == "Clients sensibles"
    assert [s["offset_days"] for s in event.after["steps"]] == [20, 3]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([SOFT, {**NOTICE, "offset_days": "3"}], "Two steps of a policy cannot have the same day."),
        ([{**SOFT, "channels": []}], "Choose at least one channel."),
        ([{**SOFT, "offset_days": "400"}], "Between -60 and 365 days from the due date."),
        ([BLANK], "A policy needs at least one step."),
    ],
)
def test_invalid_policy_writes_nothing(
    owner_client: Client, company: Company, steps: list[dict[str, Any]], message: str
) -> None:
    policy_default_ensure(company=company)
    counts = (Policy.objects.count(), Step.objects.count(), AuditEvent.objects.count())
    response = owner_client.post(
        "/dunning/policies/new/", form_data({"name": "Clients sensibles"}, steps)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Policy.objects.count(), Step.objects.count(), AuditEvent.objects.count()) == counts


def test_risk_class_of_another_policy_and_duplicate_name_are_refused(
    owner_client: Client, company: Company
) -> None:
    _sensitive(company, risk_classes="D")
    response = owner_client.post(
        "/dunning/policies/new/",
        form_data({"name": "Clients sensibles", "risk_classes": ["C", "D"]}, [SOFT]),
    )
    html = response.content.decode()
    assert "Another policy already has this name." in html
    assert "Risk class D already has another policy." in html
    assert Policy.objects.filter(company=company).count() == 1


def test_edit_policy_changes_steps_and_moves_the_default(
    owner_client: Client, company: Company
) -> None:
    standard = policy_default_ensure(company=company)
    policy = _sensitive(company)
    step = policy.steps.get()
    response = owner_client.post(
        f"/dunning/policies/{policy.pk}/",
        form_data(
            {"name": "Clients fragiles", "is_default": "on", "promise_grace_days": "0"},
            [
                {**SOFT, "step_id": str(step.pk), "offset_days": "20"},
                {**NOTICE, "offset_days": "3"},
            ],
            initial=1,
        ),
    )
    assert response.status_code == 302
    policy.refresh_from_db()
    standard.refresh_from_db()
    assert (policy.name, policy.is_default, policy.promise_grace_days) == (
        "Clients fragiles",
        True,
        0,
    )
    assert standard.is_default is False
    assert list(policy.steps.values_list("pk", "name", "offset_days")) == [
        (policy.steps.get(name="Mise en demeure").pk, "Mise en demeure", 3),
        (step.pk, "Relance douce", 20),
    ]
    # The default cannot be switched off from its own page: another policy takes it over.
    response = owner_client.post(
        f"/dunning/policies/{policy.pk}/",
        form_data({"name": "Clients fragiles"}, [{**SOFT, "step_id": str(step.pk)}], initial=1),
    )
    assert "Make another policy the default instead." in response.content.decode()
    policy.refresh_from_db()
    assert policy.is_default is True
    assert policy.steps.count() == 2


def test_delete_step(owner_client: Client, company: Company) -> None:
    policy = _sensitive(company)
    keep = policy.steps.get()
    extra = Step.objects.create(
        company=company,
        policy=policy,
        name="Appel",
        offset_days=30,
        channels=["phone"],
        template_key="call",
    )
    response = owner_client.post(f"/dunning/steps/{extra.pk}/delete/")
    assert response.status_code == 302
    assert response["Location"] == f"/dunning/policies/{policy.pk}/"
    assert list(policy.steps.values_list("pk", flat=True)) == [keep.pk]
    # The last step stays.
    owner_client.post(f"/dunning/steps/{keep.pk}/delete/")
    assert list(policy.steps.values_list("pk", flat=True)) == [keep.pk]
    assert AuditEvent.objects.filter(kind="dunning.step.deleted").count() == 1


def test_step_used_by_a_reminder_is_not_deleted(
    owner_client: Client, company: Company, garage: Customer
) -> None:
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=date(2025, 5, 19))  # J+4: the default J+1 step
    used = Reminder.objects.get().step
    page = owner_client.post(f"/dunning/steps/{used.pk}/delete/", follow=True)
    assert "A step already used by reminders cannot be removed." in page.content.decode()
    assert Step.objects.filter(pk=used.pk).exists()


def test_assignment_changes_the_policy_used_by_the_run(
    owner_client: Client, company: Company, garage: Customer
) -> None:
    invoice_for(company, garage, "1000.00")
    policy = _sensitive(company)
    panel = owner_client.get(f"/customers/{garage.pk}/").content.decode()
    assert 'data-reason="default">Relances standard</a>' in panel

    response = owner_client.post(
        f"/dunning/customers/{garage.pk}/policy/", {"policy": str(policy.pk)}
    )
    assert response.status_code == 302
    assert PolicyAssignment.objects.get(company=company, customer=garage).policy == policy
    panel = owner_client.get(f"/customers/{garage.pk}/").content.decode()
    assert 'data-reason="explicit">Clients sensibles</a>' in panel

    dunning_run(company=company, on=date(2025, 5, 19))
    reminder = Reminder.objects.get(customer=garage)
    assert (reminder.step.policy_id, reminder.step.name, reminder.step.offset_days) == (
        policy.pk,
        "Relance douce",
        3,
    )

    owner_client.post(f"/dunning/customers/{garage.pk}/policy/", {"policy": ""})
    assert not PolicyAssignment.objects.filter(company=company).exists()
    kinds = list(
        AuditEvent.objects.filter(kind="dunning.policy.assigned")
        .order_by("pk")
        .values_list("after", flat=True)
    )
    assert kinds == [{"policy": policy.pk}, {"policy": None}]


def test_run_without_assignment_uses_risk_class_policy(
    owner_client: Client, company: Company, garage: Customer
) -> None:
    policy = _sensitive(company, risk_classes="C")
    Customer.objects.filter(pk=garage.pk).update(risk_class="C")
    panel = owner_client.get(f"/customers/{garage.pk}/").content.decode()
    assert 'data-reason="risk_class">Clients sensibles</a>' in panel
    assert "risk class C" in panel
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=date(2025, 5, 19))
    assert Reminder.objects.get().step.policy_id == policy.pk


def test_other_company_policy_is_neither_a_choice_nor_listed(
    owner_client: Client, company: Company, other_company: Company, garage: Customer
) -> None:
    # (their policy, step and customer are a 404 by id: tests/test_isolation_sweep.py)
    theirs = _sensitive(other_company)
    step = theirs.steps.get()
    owner_client.post(f"/dunning/customers/{garage.pk}/policy/", {"policy": str(theirs.pk)})
    assert not PolicyAssignment.objects.exists()
    theirs.refresh_from_db()
    assert (theirs.name, list(theirs.steps.values_list("pk", flat=True))) == (
        "Clients sensibles",
        [step.pk],
    )
    assert "Clients sensibles" not in owner_client.get("/dunning/policies/").content.decode()


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.SALES])
def test_only_money_roles_write(company: Company, garage: Customer, role: Role) -> None:
    policy = _sensitive(company)
    client = _client(company, role, "someone")
    listing = client.get("/dunning/policies/")
    assert listing.status_code == 200
    assert "Clients sensibles" in listing.content.decode()
    assert 'id="policy-create"' not in listing.content.decode()
    assert client.get("/dunning/policies/new/").status_code == 403
    assert client.get(f"/dunning/policies/{policy.pk}/").status_code == 403
    post = form_data({"name": "Autre"}, [SOFT])
    assert client.post("/dunning/policies/new/", post).status_code == 403
    step = policy.steps.get()
    assert client.post(f"/dunning/steps/{step.pk}/delete/").status_code == 403
    assert (
        client.post(
            f"/dunning/customers/{garage.pk}/policy/", {"policy": str(policy.pk)}
        ).status_code
        == 403
    )
    panel = client.get(f"/customers/{garage.pk}/").content.decode()
    assert 'id="policy-assign-form"' not in panel
    assert (Policy.objects.filter(company=company).count(), PolicyAssignment.objects.count()) == (
        2,
        0,
    )


def test_credit_manager_writes(company: Company, garage: Customer) -> None:
    client = _client(company, Role.CREDIT_MANAGER, "credit")
    response = client.post("/dunning/policies/new/", form_data({"name": "Crédit"}, [SOFT]))
    assert response.status_code == 302
    assert Policy.objects.get(company=company, name="Crédit").steps.count() == 1


def test_saving_the_page_unchanged_keeps_every_step(owner_client: Client, company: Company) -> None:
    """Rows of existing steps count even when unchanged: only Delete removes a step."""
    policy = policy_default_ensure(company=company)
    before = list(policy.steps.values_list("pk", *STEP_COLUMNS))
    rows = owner_client.get(f"/dunning/policies/{policy.pk}/").context["steps"].initial
    posted = [
        {
            k: v if k == "channels" else "on" if v is True else str(v)
            for k, v in row.items()
            if v is not False
        }
        for row in rows
    ]
    data = form_data(
        {"name": policy.name, "is_default": "on"}, [*posted, BLANK, BLANK], initial=len(rows)
    )
    response = owner_client.post(f"/dunning/policies/{policy.pk}/", data)
    assert response.status_code == 302
    assert list(policy.steps.values_list("pk", *STEP_COLUMNS)) == before
