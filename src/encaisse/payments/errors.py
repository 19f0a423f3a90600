"""Error codes of payments: allocations (lettrage), bank statements and their matching."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class PaymentsCode(ErrorCode):
    PAYMENT_UNKNOWN = "payment_unknown", ErrorKind.NOT_FOUND
    PAYMENT_AMOUNT = "payment_amount", ErrorKind.INVALID
    ALLOCATION_UNKNOWN = "allocation_unknown", ErrorKind.NOT_FOUND
    ALLOCATION_AMOUNT = "allocation_amount", ErrorKind.INVALID
    ALLOCATION_EXCEEDS_INVOICE = "allocation_exceeds_invoice", ErrorKind.INVALID
    ALLOCATION_EXCEEDS_PAYMENT = "allocation_exceeds_payment", ErrorKind.INVALID
    ALLOCATION_OTHER_CUSTOMER = "allocation_other_customer", ErrorKind.INVALID
    ALLOCATION_NOT_ISSUED = "allocation_not_issued", ErrorKind.CONFLICT
    BANK_FILE = "bank_file", ErrorKind.INVALID
    BANK_CURRENCY = "bank_currency", ErrorKind.INVALID
    BANK_LINE_UNKNOWN = "bank_line_unknown", ErrorKind.NOT_FOUND
    BANK_LINE_NOT_OPEN = "bank_line_not_open", ErrorKind.CONFLICT
    BANK_LINE_NOTHING_TO_UNDO = "bank_line_nothing_to_undo", ErrorKind.CONFLICT
    PROPOSAL_UNKNOWN = "proposal_unknown", ErrorKind.NOT_FOUND
    MATCH_NOTHING = "match_nothing", ErrorKind.INVALID
    SPLIT_AMOUNTS = "split_amounts", ErrorKind.INVALID
    SPLIT_TOTAL = "split_total", ErrorKind.INVALID
    SPLIT_MATCHED = "split_matched", ErrorKind.CONFLICT
    THRESHOLD_RANGE = "threshold_range", ErrorKind.INVALID
