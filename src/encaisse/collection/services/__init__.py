"""Collection services: disputes, promises to pay, customer holds, and the bridges that let
imports and e-invoicing statuses open disputes."""

from encaisse.collection.services.bridges import invoice_lifecycle_record, invoices_import
from encaisse.collection.services.disputes import (
    dispute_open,
    dispute_reject,
    dispute_resolve,
    disputed_flag_refresh,
    disputes_open_bulk,
    invoice_disputes_resolve,
)
from encaisse.collection.services.holds import customer_hold_set
from encaisse.collection.services.promises import (
    DEFAULT_GRACE_DAYS,
    SettleResult,
    promise_close,
    promise_create,
    promise_follow_up,
    promises_settle,
)

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "SettleResult",
    "customer_hold_set",
    "dispute_open",
    "dispute_reject",
    "dispute_resolve",
    "disputed_flag_refresh",
    "disputes_open_bulk",
    "invoice_disputes_resolve",
    "invoice_lifecycle_record",
    "invoices_import",
    "promise_close",
    "promise_create",
    "promise_follow_up",
    "promises_settle",
]
