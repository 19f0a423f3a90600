"""The admin shows numbering sequences and the audit trail but never changes them (issue 13):
a rewound counter would make the next issue crash on a duplicate number, and an edited audit
row would lie about who did what."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from encaisse.core.models import AuditEvent, Company, Sequence
from encaisse.core.tests.factories import UserFactory


@pytest.fixture
def superuser_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory.create(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def sequence(company: Company) -> Sequence:
    return Sequence.objects.create(company=company, series="F", last_number=42)


@pytest.fixture
def event(company: Company) -> AuditEvent:
    return AuditEvent.objects.create(
        company=company,
        subject_type=ContentType.objects.get_for_model(Company),
        subject_id=company.pk,
        kind="company.created",
        after={"slug": "acme"},
    )


def _state(model: type[Sequence] | type[AuditEvent]) -> list[tuple[object, ...]]:
    return list(model.objects.order_by("pk").values_list())


def test_a_superuser_reads_sequences_and_the_audit_trail(
    superuser_client: Client, sequence: Sequence, event: AuditEvent
) -> None:
    # when
    pages = [
        superuser_client.get(reverse("admin:core_sequence_changelist")),
        superuser_client.get(reverse("admin:core_sequence_change", args=[sequence.pk])),
        superuser_client.get(reverse("admin:core_auditevent_changelist")),
        superuser_client.get(reverse("admin:core_auditevent_change", args=[event.pk])),
    ]

    # then
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert b'name="_save"' not in pages[1].content
    assert b'name="_save"' not in pages[3].content


def test_a_superuser_cannot_rewind_a_sequence(superuser_client: Client, sequence: Sequence) -> None:
    # given
    before = _state(Sequence)

    # when
    change = superuser_client.post(
        reverse("admin:core_sequence_change", args=[sequence.pk]),
        {"company": sequence.company_id, "series": "F", "last_number": 1},
    )
    delete = superuser_client.post(
        reverse("admin:core_sequence_delete", args=[sequence.pk]), {"post": "yes"}
    )
    add = superuser_client.post(
        reverse("admin:core_sequence_add"),
        {"company": sequence.company_id, "series": "G", "last_number": 0},
    )

    # then
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert _state(Sequence) == before


def test_a_superuser_cannot_edit_or_delete_audit_events(
    superuser_client: Client, event: AuditEvent
) -> None:
    # given
    before = _state(AuditEvent)

    # when
    change = superuser_client.post(
        reverse("admin:core_auditevent_change", args=[event.pk]),
        {"kind": "forged", "subject_id": event.subject_id, "before": "{}", "after": "{}"},
    )
    delete = superuser_client.post(
        reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    bulk = superuser_client.post(
        reverse("admin:core_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    add = superuser_client.post(reverse("admin:core_auditevent_add"), {"kind": "forged"})

    # then
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    assert bulk.status_code in (200, 302)  # no delete action offered: nothing happens
    assert _state(AuditEvent) == before
