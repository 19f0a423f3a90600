"""Core 0006 takes the API tokens over from the api app and gives the existing ones an expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from encaisse.core.models import ApiToken, Membership

BEFORE = [("core", "0005_company_lock"), ("api", "0001_initial")]
AFTER = [("core", "0006_apitoken"), ("api", "0002_apitoken_moved_to_core")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_existing_tokens_keep_working_and_expire_in_90_days(owner: Membership) -> None:
    # given, before the migration: a token of the api app, which had no expiry
    try:
        executor = _migrate(BEFORE)
        old_token = executor.loader.project_state(BEFORE).apps.get_model("api", "ApiToken")
        old_token.objects.create(
            company_id=owner.company_id, user_id=owner.user_id, name="ERP", key_hash="ab" * 32
        )
        before = timezone.now()
        # when
        _migrate(AFTER)
        after = timezone.now()
    finally:
        _migrate(_latest())

    # then
    token = ApiToken.objects.get()
    assert (token.name, token.company_id, token.user_id) == ("ERP", owner.company_id, owner.user_id)
    assert before + timedelta(days=90) <= token.expires_at <= after + timedelta(days=90)
    assert token.revoked_at is None
    assert token.state_at(after) == ApiToken.State.ACTIVE
