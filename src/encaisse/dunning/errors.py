"""Error codes of dunning (relances): policies, reminders, calls, penalty claims."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class DunningCode(ErrorCode):
    POLICY_INVALID = "policy_invalid", ErrorKind.INVALID
    POLICY_UNKNOWN = "policy_unknown", ErrorKind.NOT_FOUND
    POLICY_LAST_STEP = "policy_last_step", ErrorKind.CONFLICT
    STEP_IN_USE = "step_in_use", ErrorKind.CONFLICT
    TEMPLATE_SYNTAX = "template_syntax", ErrorKind.INVALID
    REMINDER_NOT_PENDING = "reminder_not_pending", ErrorKind.CONFLICT
    REMINDER_NOT_WAITING = "reminder_not_waiting", ErrorKind.CONFLICT
    REMINDER_NOT_FAILED = "reminder_not_failed", ErrorKind.CONFLICT
    REMINDER_NOT_UNCERTAIN = "reminder_not_uncertain", ErrorKind.CONFLICT
    REMINDER_NOT_CALL = "reminder_not_call", ErrorKind.CONFLICT
    CALL_OUTCOME_UNKNOWN = "call_outcome_unknown", ErrorKind.INVALID
    PROMISE_INCOMPLETE = "promise_incomplete", ErrorKind.INVALID
    PENALTY_DECISION_UNKNOWN = "penalty_decision_unknown", ErrorKind.INVALID
    PENALTY_DECIDED = "penalty_decided", ErrorKind.CONFLICT
    PENALTY_NONE = "penalty_none", ErrorKind.CONFLICT
