"""Queue a Celery task by its registered name.

A service that hands work to a worker names the task instead of importing its module: the
tasks module imports the services, so an import the other way would close a cycle. Without a
broker (`CELERY_TASK_ALWAYS_EAGER`) the task still runs in-process, as `.delay()` would.
"""

from __future__ import annotations

from typing import Any

from celery import current_app
from celery.result import AsyncResult


def task_enqueue(name: str, *args: Any) -> AsyncResult:
    """`.delay(*args)` on the task registered as `name`; KeyError names an unknown task."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # autodiscovery: every app's tasks.py
    return current_app.tasks[name].delay(*args)
