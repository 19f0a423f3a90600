"""Error codes of invoicing: invoices, credit notes, quotes, documents, e-invoicing."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class InvoicingCode(ErrorCode):
    # invoices and credit notes
    INVOICE_UNKNOWN = "invoice_unknown", ErrorKind.NOT_FOUND
    INVOICE_NOT_DRAFT = "invoice_not_draft", ErrorKind.CONFLICT
    INVOICE_FROZEN = "invoice_frozen", ErrorKind.CONFLICT
    INVOICE_NOT_CREDITABLE = "invoice_not_creditable", ErrorKind.CONFLICT
    INVOICE_FULLY_CREDITED = "invoice_fully_credited", ErrorKind.CONFLICT
    INVOICE_NO_LINES = "invoice_no_lines", ErrorKind.INVALID
    INVOICE_ZERO_TOTAL = "invoice_zero_total", ErrorKind.INVALID
    INVOICE_TOTAL_TOO_LARGE = "invoice_total_too_large", ErrorKind.INVALID
    CREDIT_BEFORE_INVOICE = "credit_before_invoice", ErrorKind.INVALID
    CREDIT_EXCEEDS_INVOICE = "credit_exceeds_invoice", ErrorKind.INVALID
    LINE_QUANTITY = "line_quantity", ErrorKind.INVALID
    LINE_PRICE = "line_price", ErrorKind.INVALID
    LINE_DISCOUNT = "line_discount", ErrorKind.INVALID
    LINE_VAT_RATE = "line_vat_rate", ErrorKind.INVALID
    # quotes (devis)
    QUOTE_UNKNOWN = "quote_unknown", ErrorKind.NOT_FOUND
    QUOTE_FROZEN = "quote_frozen", ErrorKind.CONFLICT
    QUOTE_NOT_DRAFT = "quote_not_draft", ErrorKind.CONFLICT
    QUOTE_NOT_PENDING = "quote_not_pending", ErrorKind.CONFLICT
    QUOTE_NOT_ACCEPTED = "quote_not_accepted", ErrorKind.CONFLICT
    QUOTE_EXPIRED = "quote_expired", ErrorKind.CONFLICT
    QUOTE_DECISION_DATE = "quote_decision_date", ErrorKind.INVALID
    QUOTE_NO_LINES = "quote_no_lines", ErrorKind.INVALID
    QUOTE_ZERO_TOTAL = "quote_zero_total", ErrorKind.INVALID
    QUOTE_TOTAL_TOO_LARGE = "quote_total_too_large", ErrorKind.INVALID
    DEPOSIT_NOT_ISSUED = "deposit_not_issued", ErrorKind.CONFLICT
    DEPOSIT_EXISTS = "deposit_exists", ErrorKind.CONFLICT
    DEPOSIT_RATE = "deposit_rate", ErrorKind.INVALID
    # documents (PDF, Factur-X) and their sending
    DOCUMENT_UNKNOWN = "document_unknown", ErrorKind.NOT_FOUND
    DOCUMENT_NOT_ISSUED = "document_not_issued", ErrorKind.CONFLICT
    DOCUMENT_UNAVAILABLE = "document_unavailable", ErrorKind.CONFLICT
    DOCUMENT_INVALID = "document_invalid", ErrorKind.INVALID
    NO_RECIPIENT = "no_recipient", ErrorKind.CONFLICT
    # e-invoicing lifecycle statuses
    LIFECYCLE_NOT_ISSUED = "lifecycle_not_issued", ErrorKind.CONFLICT
    LIFECYCLE_STATUS = "lifecycle_status", ErrorKind.INVALID
    LIFECYCLE_DATE = "lifecycle_date", ErrorKind.INVALID
    LIFECYCLE_AMOUNT = "lifecycle_amount", ErrorKind.INVALID
    # demo data
    DEMO_EXISTS = "demo_exists", ErrorKind.CONFLICT
