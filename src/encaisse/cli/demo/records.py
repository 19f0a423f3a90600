"""Demo records: plain frozen dataclasses that the plan produces and the writer stores.

Values are those of the models' fields (`Invoice.Kind`, `Payment.Method`...) as strings, so
this module and the plan need no database.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


class Behaviour(enum.StrEnum):
    PUNCTUAL = "punctual"
    SLIGHTLY_LATE = "slightly_late"  # 5 to 15 days late
    CHRONICALLY_LATE = "chronically_late"  # 30 to 90 days late
    DISPUTING = "disputing"  # some invoices disputed: unpaid, or paid after a credit note
    DEFAULTED = "defaulted"  # stopped paying some months ago
    INSTALMENTS = "instalments"  # pays each invoice in 2 or 3 parts


# Shares per thousand customers.
BEHAVIOUR_SHARES: tuple[tuple[Behaviour, int], ...] = (
    (Behaviour.PUNCTUAL, 420),
    (Behaviour.SLIGHTLY_LATE, 250),
    (Behaviour.CHRONICALLY_LATE, 120),
    (Behaviour.DISPUTING, 80),
    (Behaviour.INSTALMENTS, 80),
    (Behaviour.DEFAULTED, 50),
)


@dataclass(frozen=True, slots=True)
class DemoConfig:
    today: date
    customers: int = 150
    invoices: int = 3000
    seed: int = 1
    months: int = 24
    invoice_series: str = "F"
    credit_note_series: str = "AV"
    # How a series and a counter make an invoice number; the writer passes the app's own.
    number_format: Callable[[str, int], str] = lambda series, n: f"{series}-{n:06d}"


@dataclass(frozen=True, slots=True)
class CompanyRecord:
    legal_name: str
    legal_form: str
    siren: str
    vat_number: str
    iban: str
    bic: str
    address_line1: str
    postal_code: str
    city: str
    share_capital: Decimal
    rcs_city: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class TermsRecord:
    key: str
    name: str
    method: str
    days: int


TERMS = (
    TermsRecord("net30", "30 jours net", "net", 30),
    TermsRecord("eom45", "45 jours fin de mois", "eom_then_days", 45),
    TermsRecord("net60", "60 jours net", "net", 60),
)
DEFAULT_TERMS = "net30"


@dataclass(frozen=True, slots=True)
class ContactRecord:
    name: str
    email: str
    phone: str
    role: str  # Contact.ContactRole value


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    index: int
    reference: str
    name: str
    kind: str  # Customer.Kind value
    legal_form: str
    siren: str
    siret: str
    vat_number: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    language: str
    terms: str  # TermsRecord.key
    credit_limit: Decimal | None
    behaviour: Behaviour
    payment_method: str  # Payment.Method value
    notes: str
    owned: bool  # followed by the demo user
    weight: float  # share of the invoicing (relative)
    active_from: date  # first month it may be invoiced
    invoicing_until: date | None  # defaulted customers stop being invoiced
    stopped_paying_on: date | None
    contacts: tuple[ContactRecord, ...]


@dataclass(frozen=True, slots=True)
class LineRecord:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal
    vat_rate: Decimal
    net_amount: Decimal


@dataclass(frozen=True, slots=True)
class VatRecord:
    rate: Decimal
    base_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """An invoice or a credit note; `index` counts within its kind, `sequence` within its series."""

    index: int
    kind: str
    customer: int  # CustomerRecord.index
    series: str
    sequence: int
    number: str
    issue_date: date
    due_date: date
    supply_date: date | None
    terms: str | None
    nature: str
    po_number: str
    lines: tuple[LineRecord, ...]
    vat: tuple[VatRecord, ...]
    net_amount: Decimal
    vat_amount: Decimal
    total_amount: Decimal
    disputed: bool = False
    credited_invoice: int | None = None  # InvoiceRecord.index of the credited invoice
    notes: str = ""


@dataclass(frozen=True, slots=True)
class AllocationRecord:
    invoice: int  # InvoiceRecord.index
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    index: int
    customer: int
    amount: Decimal
    received_on: date
    method: str
    reference: str
    allocations: tuple[AllocationRecord, ...]


@dataclass(frozen=True, slots=True)
class Batch:
    """Invoices in number order with the payments that settle them; credit notes come last."""

    invoices: tuple[InvoiceRecord, ...] = ()
    payments: tuple[PaymentRecord, ...] = ()
    credit_notes: tuple[InvoiceRecord, ...] = ()
