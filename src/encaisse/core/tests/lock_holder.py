"""A process that holds `company_lock(company, name)` until its standard input closes.

    python -m encaisse.core.tests.lock_holder SLUG NAME

prints "held" once the lock is taken; the tests start it with `holding()`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from encaisse.core.tests.shared_db import command_env


def main(slug: str, name: str) -> None:
    import django

    django.setup()
    from encaisse.core.locks import company_lock
    from encaisse.core.models import Company

    with company_lock(Company.objects.get(slug=slug), name):
        print("held", flush=True)  # noqa: T201 -- the signal the test waits for
        sys.stdin.read()


@contextmanager
def holding(database_url: str, slug: str, name: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock for the block (it may be killed inside)."""
    process = subprocess.Popen(  # noqa: S603 -- our own module
        [sys.executable, "-m", "encaisse.core.tests.lock_holder", slug, name],
        env=command_env(database_url),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        assert line == "held", process.stderr.read() if process.stderr else line
        yield process
    finally:
        if process.poll() is None:
            process.communicate(timeout=30)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
