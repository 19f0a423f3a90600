"""The audit trail is append-only in the database itself (issue 13): whatever the path (ORM,
queryset, raw SQL), an UPDATE or a DELETE of an audit row is refused and the row stays as it
was, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from encaisse.core.audit import audit_record
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import CompanyFactory, UserFactory


def _event(company: Company, actor: User | None = None) -> AuditEvent:
    return audit_record(
        company=company, subject=company, kind="company.renamed", actor=actor,
        before={"legal_name": "Acme"}, after={"legal_name": "Acme Industrie SAS"},
    )  # fmt: skip


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _save(event: AuditEvent) -> None:
    event.kind = "forged"
    event.save()


ATTEMPTS: list[tuple[str, Callable[[AuditEvent], Any]]] = [
    ("_orm_save", _save),
    ("_queryset_update", lambda e: AuditEvent.objects.filter(pk=e.pk).update(kind="forged")),
    ("_orm_delete", lambda e: e.delete()),
    ("_queryset_delete", lambda e: AuditEvent.objects.filter(pk=e.pk).delete()),
    (
        "_raw_update",
        lambda e: _raw("UPDATE core_auditevent SET kind = %s WHERE id = %s", ["x", e.pk]),
    ),
    ("_raw_delete", lambda e: _raw("DELETE FROM core_auditevent WHERE id = %s", [e.pk])),
    ("_raw_update_all", lambda e: _raw("UPDATE core_auditevent SET company_id = company_id", [])),
]


@pytest.mark.parametrize(("_case", "attempt"), ATTEMPTS)
def test_an_audit_row_is_never_updated_or_deleted(
    company: Company, _case: str, attempt: Callable[[AuditEvent], Any]
) -> None:
    # given
    event = _event(company)
    before = list(AuditEvent.objects.values_list())

    # when
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        attempt(event)

    # then
    assert list(AuditEvent.objects.values_list()) == before


def test_new_audit_rows_are_still_written(company: Company) -> None:
    # when
    _event(company)
    _event(company)

    # then
    assert AuditEvent.objects.filter(company=company, kind="company.renamed").count() == 2


def test_a_user_who_acted_is_kept_with_the_trail(company: Company) -> None:
    # given a user named in the audit trail (deleting it would blank the actor: an update)
    alice = UserFactory.create(username="alice")
    event = _event(company, actor=alice)

    # when
    with pytest.raises(ProtectedError), transaction.atomic():
        alice.delete()

    # then
    assert User.objects.filter(pk=alice.pk).exists()
    assert AuditEvent.objects.get(pk=event.pk).actor_id == alice.pk


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_keeps_the_guard() -> None:
    # given a database with an audit row (tests that commit are flushed like this)
    company = CompanyFactory.create()
    _event(company)

    # when
    call_command("flush", interactive=False, verbosity=0)

    # then the rows are gone and the table is still append-only
    assert AuditEvent.objects.count() == 0
    company = CompanyFactory.create()
    event = _event(company)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(kind="forged")
    assert AuditEvent.objects.get(pk=event.pk).kind == "company.renamed"
    assert ContentType.objects.get_for_model(Company) == event.subject_type
