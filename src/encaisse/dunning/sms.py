"""SMS senders: pluggable by settings.ENCAISSE_SMS_SENDER (a dotted class path).

The default writes each message as one JSON line to a file (var/sms-outbox.jsonl), which an
operator or an integration can forward; a provider adapter implements the same `send`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Send one message; return the provider's id; raise on failure."""
        ...


class FileSmsSender:
    def __init__(self, path: Path | None = None) -> None:
        default = Path(settings.VAR_DIR) / "sms-outbox.jsonl"
        self.path = Path(getattr(settings, "ENCAISSE_SMS_FILE", default)) if path is None else path

    def send(self, *, to: str, text: str) -> str:
        if not to.strip():
            raise ValueError("no phone number")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": to, "text": text}, ensure_ascii=False) + "\n")
        return f"file:{self.path.name}"


def sms_sender() -> SmsSender:
    path = getattr(settings, "ENCAISSE_SMS_SENDER", "encaisse.dunning.sms.FileSmsSender")
    sender: SmsSender = import_string(path)()
    return sender
