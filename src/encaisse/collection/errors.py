"""Error codes of collection: disputes and promises to pay."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class CollectionCode(ErrorCode):
    DISPUTE_UNKNOWN = "dispute_unknown", ErrorKind.NOT_FOUND
    DISPUTE_NOT_ISSUED = "dispute_not_issued", ErrorKind.CONFLICT
    DISPUTE_NOTHING_OWED = "dispute_nothing_owed", ErrorKind.CONFLICT
    DISPUTE_CLOSED = "dispute_closed", ErrorKind.CONFLICT
    DISPUTE_REASON = "dispute_reason", ErrorKind.INVALID
    DISPUTE_AMOUNT = "dispute_amount", ErrorKind.INVALID
    DISPUTE_DUE_ON = "dispute_due_on", ErrorKind.INVALID
    DISPUTE_DATE = "dispute_date", ErrorKind.INVALID
    PROMISE_AMOUNT = "promise_amount", ErrorKind.INVALID
    PROMISE_DATE = "promise_date", ErrorKind.INVALID
    PROMISE_STATE = "promise_state", ErrorKind.INVALID
    PROMISE_CLOSED = "promise_closed", ErrorKind.CONFLICT
    PROMISE_NOT_BROKEN = "promise_not_broken", ErrorKind.CONFLICT
