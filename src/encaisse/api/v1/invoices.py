"""/api/v1/invoices: list with filters, read with lines, create a draft, issue, credit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from encaisse.api.auth import money_manager, principal, writer
from encaisse.api.errors import documented
from encaisse.api.fields import (
    MAX_AMOUNT,
    Day,
    DayFilter,
    DecimalText,
    Description,
    DiscountRateIn,
    Id,
    LongText,
    Money,
    Page,
    PageQuery,
    QuantityIn,
    Str50,
    Str100,
    UnitPriceIn,
    VatRateIn,
    rule_broken,
)
from encaisse.core.dates import today
from encaisse.core.exceptions import DomainError, ErrorKind
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.invoicing import calc
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_get, invoice_list
from encaisse.invoicing.services import (
    LineData,
    invoice_draft_create,
    invoice_issue,
)
from encaisse.payments.services import credit_note_issue

router = Router(tags=["invoices"])

MAX_LINES = 1000


class InvoiceFilters(PageQuery):
    status: Literal["draft", "issued", "open", "paid", "cancelled"] | None = Field(
        None, description="'open' and 'paid' are issued invoices with or without a balance"
    )
    customer_id: Id | None = None
    overdue: bool = Field(False, description="issued, due before today and not fully paid")
    issued_from: DayFilter | None = None
    issued_to: DayFilter | None = None
    kind: Literal["invoice", "credit_note"] = "invoice"
    q: Str100 = Field("", description="search in number and customer name")


class LineOut(Schema):
    position: int
    description: str
    quantity: DecimalText
    unit_price: DecimalText
    discount_rate: DecimalText
    vat_rate: DecimalText
    net_amount: Money


class VatTotalOut(Schema):
    rate: DecimalText
    base_amount: Money
    vat_amount: Money


class InvoiceOut(Schema):
    id: int
    kind: str
    status: str
    number: str
    customer_id: int
    customer_name: str
    issue_date: date | None
    due_date: date | None
    currency: str
    net_amount: Money
    vat_amount: Money
    total_amount: Money
    paid_amount: Money
    credited_amount: Money
    open_amount: Money
    disputed: bool
    credited_invoice_id: int | None

    @staticmethod
    def resolve_customer_name(obj: Invoice) -> str:
        return obj.customer.name


class InvoiceDetailOut(InvoiceOut):
    series: str
    supply_date: date | None
    nature: str
    po_number: str
    payment_terms_id: int | None
    notes: str
    lines: list[LineOut]
    vat_totals: list[VatTotalOut]


class CreditNoteOut(Schema):
    id: int
    status: str
    number: str
    customer_id: int
    customer_name: str
    credited_invoice_id: int | None
    credited_invoice_number: str | None
    issue_date: date | None
    currency: str
    net_amount: Money
    vat_amount: Money
    total_amount: Money
    reason: str

    @staticmethod
    def resolve_customer_name(obj: Invoice) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_reason(obj: Invoice) -> str:
        return obj.notes

    @staticmethod
    def resolve_credited_invoice_number(obj: Invoice) -> str | None:
        return obj.credited_invoice.number if obj.credited_invoice else None


class CreditNoteDetailOut(CreditNoteOut):
    lines: list[LineOut]
    vat_totals: list[VatTotalOut]


class LineIn(Schema):
    description: Description
    quantity: QuantityIn
    unit_price: UnitPriceIn = Field(description='excl. VAT, e.g. "100.00"')
    vat_rate: VatRateIn = Field(description='fraction: "0.20" for 20 %')
    discount_rate: DiscountRateIn = Field(
        default=Decimal(0), description='fraction: "0.10" for 10 %'
    )

    def as_line(self) -> LineData:
        return LineData(
            description=self.description,
            quantity=self.quantity,
            unit_price=self.unit_price,
            vat_rate=self.vat_rate,
            discount_rate=self.discount_rate,
        )


def _total_fits(lines: Sequence[LineIn] | None) -> Sequence[LineIn] | None:
    # Each value fits its column; their products and sums must fit an amount column too.
    if lines:
        totals = calc.invoice_totals([line.as_line().as_input() for line in lines])
        if totals.total_amount > MAX_AMOUNT:
            raise rule_broken("total_too_large", f"the total exceeds {MAX_AMOUNT}")
    return lines


class InvoiceIn(Schema):
    customer_id: Id
    lines: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    nature: Literal["goods", "services", "both"] = "services"
    po_number: Str50 = ""
    supply_date: Day | None = None
    payment_terms_id: Id | None = None
    notes: LongText = ""

    _check_total = field_validator("lines")(_total_fits)


class IssueIn(Schema):
    issue_date: Day | None = Field(None, description="default: today in Europe/Paris")


class CreditIn(Schema):
    lines: list[LineIn] | None = Field(
        None,
        min_length=1,
        max_length=MAX_LINES,
        description="lines of a partial credit; without them the whole remainder is credited",
    )
    reason: LongText = ""
    issue_date: Day | None = Field(None, description="default: today in Europe/Paris")

    _check_total = field_validator("lines")(_total_fits)


@router.get("/invoices", response={200: Page[InvoiceOut], **documented()})
def invoices_list(request: HttpRequest, filters: Query[InvoiceFilters]) -> dict[str, Any]:
    company = principal(request).company
    qs = invoice_list(
        company,
        status=filters.status,
        customer_id=filters.customer_id,
        overdue_on=today() if filters.overdue else None,
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
        kind=filters.kind,
        search=filters.q.strip(),
    )
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/invoices/{invoice_id}", response={200: InvoiceDetailOut, **documented(ErrorKind.NOT_FOUND)}
)
def invoices_get(request: HttpRequest, invoice_id: Id) -> Invoice:
    return invoice_get(principal(request).company, invoice_id)


@router.post(
    "/invoices",
    response={
        201: InvoiceDetailOut,
        **documented(ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND, ErrorKind.INVALID, write=True),
    },
)
def invoices_create(request: HttpRequest, payload: InvoiceIn) -> Status[Invoice]:
    """Create a draft; it gets its number, due date and frozen amounts when issued."""
    caller = writer(request)
    customer = Customer.objects.filter(company=caller.company, pk=payload.customer_id).first()
    if customer is None:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    terms = None
    if payload.payment_terms_id is not None:
        terms = PaymentTerms.objects.filter(
            company=caller.company, pk=payload.payment_terms_id
        ).first()
        if terms is None:
            raise DomainError(CustomersCode.PAYMENT_TERMS_UNKNOWN, _("Unknown payment terms."))
    invoice = invoice_draft_create(
        company=caller.company,
        customer=customer,
        lines=[line.as_line() for line in payload.lines],
        actor=caller.user,
        nature=payload.nature,
        po_number=payload.po_number,
        supply_date=payload.supply_date,
        payment_terms=terms,
        notes=payload.notes,
        source=Invoice.Source.API,
    )
    return Status(201, invoice_get(caller.company, invoice.pk))


@router.post(
    "/invoices/{invoice_id}/issue",
    response={
        200: InvoiceDetailOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def invoices_issue(request: HttpRequest, invoice_id: Id, payload: IssueIn | None = None) -> Invoice:
    """Number the draft (gapless per series), set its due date from its terms, freeze it."""
    caller = money_manager(request)
    invoice = get_for_company_or_404(Invoice, company=caller.company, pk=invoice_id)
    on = (payload.issue_date if payload else None) or today()
    invoice_issue(company=caller.company, invoice_id=invoice.pk, actor=caller.user, on=on)
    return invoice_get(caller.company, invoice.pk)


@router.post(
    "/invoices/{invoice_id}/credit",
    response={
        201: CreditNoteDetailOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def invoices_credit(
    request: HttpRequest, invoice_id: Id, payload: CreditIn | None = None
) -> Status[Invoice]:
    """Issue a credit note (avoir) for the whole remainder, or for the lines given."""
    caller = money_manager(request)
    invoice = get_for_company_or_404(Invoice, company=caller.company, pk=invoice_id)
    lines = payload.lines if payload else None
    credit = credit_note_issue(
        company=caller.company,
        invoice_id=invoice.pk,
        actor=caller.user,
        on=(payload.issue_date if payload else None) or today(),
        lines=[line.as_line() for line in lines] if lines else None,
        reason=payload.reason if payload else "",
    )
    return Status(201, invoice_get(caller.company, credit.pk))
