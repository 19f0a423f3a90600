"""What a document says, as plain values: built from the database by services, consumed by
the pure renderers (render.py for the PDF, facturx.py for the CII XML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from encaisse.invoicing.documents.mentions import Clauses


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    address_line1: str = ""
    address_line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"
    legal_form: str = ""
    share_capital: Decimal | None = None
    rcs_city: str = ""
    email: str = ""
    phone: str = ""

    def address_lines(self) -> list[str]:
        city = " ".join(p for p in (self.postal_code, self.city) if p)
        lines = [self.address_line1, self.address_line2, city]
        if self.country and self.country != "FR":
            lines.append(self.country)
        return [line for line in lines if line]


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal
    vat_rate: Decimal
    net_amount: Decimal


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    base_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True, slots=True)
class DocumentData:
    kind: str  # invoice, credit_note, deposit_invoice, quote
    type_code: str  # UNTDID 1001: 380 invoice, 381 credit note, 386 deposit invoice
    lang: str
    number: str
    issue_date: date
    seller: Party
    customer: Party
    lines: tuple[Line, ...]
    vat: tuple[VatLine, ...]
    net_amount: Decimal
    vat_amount: Decimal
    total_amount: Decimal
    clauses: Clauses
    nature: str = "services"  # goods, services, both
    currency: str = "EUR"
    due_date: date | None = None
    valid_until: date | None = None
    supply_date: date | None = None
    po_number: str = ""
    delivery: Party | None = None
    payment_terms: str = ""
    payment_methods: str = ""
    iban: str = ""
    bic: str = ""
    vat_on_debits: bool = False
    vat_group_member: bool = False
    vat_exemption_text: str = ""
    credited_number: str = ""
    credited_date: date | None = None
    notes: str = ""
    logo_data_uri: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == "381"

    @property
    def with_payment(self) -> bool:
        """Invoices carry the payment block and QR code; credit notes and quotes do not."""
        return self.kind in ("invoice", "deposit_invoice")

    @property
    def nature_code(self) -> str:
        """BT-23 cadre de facturation: B1 goods, S1 services, M1 mixed."""
        return {"goods": "B1", "services": "S1", "both": "M1"}.get(self.nature, "S1")
