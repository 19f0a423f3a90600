"""Fault injection for delivery: kill `dunning-send` with SIGKILL while the SMTP server answers.

`RecordingSmtp` is an aiosmtpd server on loopback that records every message it receives (its
Message-ID and reminder id) as soon as the DATA arrives, then answers 250 at once ("fast") or
after 0.5 s ("slow"). `kill_loop` starts `dunning-send` as a subprocess, waits for its first to
third DATA, kills it during (slow) or right after (fast) the answer, and starts it again.
`account` then compares what the server received with the reminders' states: a duplicate is a
reminder received more than once; a loss is a reminder marked sent but never received, or
left neither sent nor uncertain. Used by `test_delivery_faults.py` (a few kills) and by
`bench/delivery_faults.py` (the issue's 30).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import random
import signal
import socket
import subprocess
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller

SLOW_ANSWER = 0.5  # seconds between the end of DATA and the server's 250


class RecordingSmtp:
    """aiosmtpd handler: records (Message-ID, reminder id) of each DATA, answers fast or slow."""

    def __init__(self) -> None:
        self.slow = False
        self.received: list[tuple[str, str]] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  # aiosmtpd hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._changed:
            self.received.append(
                (str(message["Message-ID"]).strip(), str(message["X-Encaisse-Reminder"]))
            )
            self._changed.notify_all()
        if self.slow:
            await asyncio.sleep(SLOW_ANSWER)
        return "250 OK"

    def wait_for(self, count: int, timeout: float) -> bool:
        """Whether `count` messages have arrived within `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.received) >= count, timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def recording_smtp() -> Iterator[tuple[RecordingSmtp, int]]:
    """The server and its port, for the block."""
    server = RecordingSmtp()
    port = _free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield server, port
    finally:
        controller.stop()


@dataclass(slots=True)
class Kills:
    kills: int = 0
    slow: int = 0
    runs: int = 0


def kill_loop(
    *,
    argv: list[str],
    env: dict[str, str],
    server: RecordingSmtp,
    kills: int,
    rng: random.Random,
    timeout: float = 60,
) -> Kills:
    """Start `argv` (dunning-send) up to `kills` times, each time SIGKILLed during a DATA
    answer; every other kill with a slow answer. Stops early when a run ends by itself."""
    done = Kills()
    for index in range(kills):
        server.slow = index % 2 == 0
        target = len(server.received) + rng.randint(1, 3)
        process = subprocess.Popen(  # noqa: S603 -- our own command
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        done.runs += 1
        waited = 0.0
        while not server.wait_for(target, 0.05):
            waited += 0.05
            if process.poll() is not None or waited > timeout:
                break
        if process.poll() is not None:  # nothing left to send: the run ended by itself
            process.wait()
            break
        pause = rng.uniform(0, SLOW_ANSWER * 0.9) if server.slow else rng.uniform(0, 0.01)
        threading.Event().wait(pause)
        process.send_signal(signal.SIGKILL)
        process.wait()
        done.kills += 1
        done.slow += server.slow
    return done


@dataclass(frozen=True, slots=True)
class FaultReport:
    reminders: int
    received: int
    sent: int
    uncertain: int
    duplicates: int
    losses: int
    mismatched_ids: int

    def as_text(self) -> str:
        return (
            f"reminders {self.reminders}, received {self.received}, sent {self.sent}, "
            f"uncertain {self.uncertain}, duplicates {self.duplicates}, losses {self.losses}"
        )


def account(
    received: Iterable[tuple[str, str]], reminders: Iterable[tuple[int, str, str]]
) -> FaultReport:
    """Compare the messages received with the reminders (pk, message_id, state) at the end."""
    received = list(received)
    per_reminder = Counter(pk for _, pk in received)
    ids = {pk: message_id for message_id, pk in received}
    rows = list(reminders)
    duplicates = sum(n - 1 for n in per_reminder.values() if n > 1)
    losses = 0
    mismatched = 0
    for pk, message_id, state in rows:
        got = per_reminder.get(str(pk), 0)
        if state == "sent" and got == 0:
            losses += 1  # marked sent, never received
        elif state not in ("sent", "uncertain"):
            losses += 1  # neither delivered nor shown to a person
        if state == "sent" and got and ids[str(pk)] != message_id:
            mismatched += 1
    return FaultReport(
        reminders=len(rows),
        received=len(received),
        sent=sum(1 for _, _, s in rows if s == "sent"),
        uncertain=sum(1 for _, _, s in rows if s == "uncertain"),
        duplicates=duplicates,
        losses=losses,
        mismatched_ids=mismatched,
    )
