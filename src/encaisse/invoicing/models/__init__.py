"""Models of invoicing, one module per concept: invoices and credit notes, stored documents and
their e-invoicing statuses, quotes."""

from encaisse.invoicing.models.documents import IssuedDocument, LifecycleEvent, LifecycleStatus
from encaisse.invoicing.models.invoices import (
    CreditNote,
    Invoice,
    InvoiceLine,
    VatTotal,
    stored_open_amount,
)
from encaisse.invoicing.models.quotes import Quote, QuoteLine

__all__ = [
    "CreditNote",
    "Invoice",
    "InvoiceLine",
    "IssuedDocument",
    "LifecycleEvent",
    "LifecycleStatus",
    "Quote",
    "QuoteLine",
    "VatTotal",
    "stored_open_amount",
]
