"""A real Celery worker on the local Redis for tests: the worker and the `encaisse` commands of
a test share a SQLite file of their own (the test database is not visible to other processes)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
QUEUE = "celery"  # Celery's default queue: a Redis list of that name


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def worker_env(tmp_path: Path, broker: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",
        "ENCAISSE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "encaisse.settings",
    }


def encaisse(tmp_path: Path, broker: str, *args: str) -> str:
    """Run an `encaisse` command on the test's database; its standard output."""
    done = subprocess.run(  # noqa: S603 -- our own command
        [str(BIN / "encaisse"), *args],
        env=worker_env(tmp_path, broker),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


@contextmanager
def celery_worker(tmp_path: Path, broker: str) -> Iterator[subprocess.Popen[bytes]]:
    """A worker process consuming `broker` until the block ends."""
    worker = subprocess.Popen(  # noqa: S603 -- celery from our venv
        [str(BIN / "celery"), "-A", "encaisse", "worker", "--pool=solo", "--loglevel=WARNING"],
        env=worker_env(tmp_path, broker),
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


@contextmanager
def tasks_sent_to(broker: str, settings: Any) -> Iterator[Any]:
    """A deployment with a broker, inside this process: tasks are sent to `broker` (a Redis
    URL), not run; yields a client on it. `settings` is pytest-django's fixture."""
    import redis
    from celery import Celery

    from encaisse.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    # shared tasks send through the current app (the default one in other threads, such as a
    # live server's): one of a deployment's, with its broker
    Celery("deployment", broker=broker, set_as_current=True).set_default()
    client = redis.Redis.from_url(broker)
    client.delete(QUEUE)
    try:
        yield client
    finally:
        client.delete(QUEUE)
        app.set_current()
        app.set_default()
