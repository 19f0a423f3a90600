"""Error codes of customers, their contacts and payment terms."""

from __future__ import annotations

from encaisse.core.exceptions import ErrorCode, ErrorKind


class CustomersCode(ErrorCode):
    CUSTOMER_UNKNOWN = "customer_unknown", ErrorKind.NOT_FOUND
    CUSTOMER_INVALID = "customer_invalid", ErrorKind.INVALID
    CUSTOMER_DUPLICATE_REF = "customer_duplicate_ref", ErrorKind.CONFLICT
    CONTACT_INVALID = "contact_invalid", ErrorKind.INVALID
    PAYMENT_TERMS_UNKNOWN = "payment_terms_unknown", ErrorKind.NOT_FOUND
    TERMS_INVALID = "terms_invalid", ErrorKind.INVALID
    TERMS_DUPLICATE = "terms_duplicate", ErrorKind.CONFLICT
