"""Dunning use cases: the run (runs), delivery (delivery), people in the loop (worklist),
penalty claims (claims), policies (policies), wording (rendering)."""

from encaisse.dunning.services.claims import (
    invoice_claim,
    penalty_decide,
)
from encaisse.dunning.services.delivery import (
    DeliveryResult,
    deliver_pending,
    reminder_cancel_stale,
    reminder_pdf,
)
from encaisse.dunning.services.policies import policy_book, policy_default_ensure
from encaisse.dunning.services.runs import RunResult, dunning_run
from encaisse.dunning.services.worklist import (
    reminder_approve,
    reminder_call_outcome,
    reminder_mark_sent,
    reminder_resend,
    reminder_retry,
    reminder_skip,
)

__all__ = [
    "DeliveryResult",
    "RunResult",
    "deliver_pending",
    "dunning_run",
    "invoice_claim",
    "penalty_decide",
    "policy_book",
    "policy_default_ensure",
    "reminder_approve",
    "reminder_call_outcome",
    "reminder_cancel_stale",
    "reminder_mark_sent",
    "reminder_pdf",
    "reminder_resend",
    "reminder_retry",
    "reminder_skip",
]
