"""Who does something: a user, or nobody (a command, an import, a scheduled task)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

Actor = User | AnonymousUser | None


def actor_user(actor: Actor) -> User | None:
    """The user to store in a `created_by`/`actor` column, None for anonymous or system work."""
    return actor if isinstance(actor, User) and actor.is_authenticated else None
