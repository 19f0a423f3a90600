"""/api/v1 documents: the stored PDF of an invoice, credit note or quote, and the e-invoicing
lifecycle statuses an approved-platform (PA) connector reads and records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Router, Schema, Status

from encaisse.api.auth import money_manager, principal
from encaisse.api.errors import documented
from encaisse.api.fields import AmountIn, Day, Id, Money, Str100
from encaisse.collection.services import invoice_lifecycle_record
from encaisse.core.exceptions import ErrorKind
from encaisse.core.scoping import get_for_company_or_404
from encaisse.invoicing.documents.lifecycle import lifecycle_events
from encaisse.invoicing.documents.services import invoice_document, quote_document
from encaisse.invoicing.models import (
    Invoice,
    IssuedDocument,
    LifecycleEvent,
    LifecycleStatus,
    Quote,
)

router = Router(tags=["documents"])

StatusCode = Literal[
    "200", "201", "202", "203", "204", "205", "206", "207", "208", "209", "210", "211", "212",
    "213", "220", "225",
]  # fmt: skip


class LifecycleOut(Schema):
    id: int
    status: str
    label: str
    occurred_on: date
    amount: Money | None
    source: str
    platform: str
    message: str
    created_at: datetime

    @staticmethod
    def resolve_label(obj: LifecycleEvent) -> str:
        return str(LifecycleStatus(obj.status).label)


class LifecycleIn(Schema):
    status: StatusCode = Field(
        ..., description="AFNOR XP Z12-012 code: 200 deposited ... 212 paid, 213 rejected"
    )
    occurred_on: Day
    amount: AmountIn | None = None
    platform: Str100 = ""
    message: Str100 = ""


def _pdf(document: IssuedDocument) -> HttpResponse:
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.filename) or ""
    response["X-Content-SHA256"] = document.sha256
    return response


@router.get(
    "/invoices/{invoice_id}/document",
    response={200: None, **documented(ErrorKind.NOT_FOUND, ErrorKind.CONFLICT)},
)
def invoices_document(request: HttpRequest, invoice_id: Id) -> HttpResponse:
    """The stored PDF/A-3 with its Factur-X XML (always the same bytes; see X-Content-SHA256)."""
    caller = principal(request)
    invoice = get_for_company_or_404(Invoice, company=caller.company, pk=invoice_id)
    return _pdf(invoice_document(company=caller.company, invoice_id=invoice.pk))


@router.get(
    "/quotes/{quote_id}/document",
    response={200: None, **documented(ErrorKind.NOT_FOUND, ErrorKind.CONFLICT)},
)
def quotes_document(request: HttpRequest, quote_id: Id) -> HttpResponse:
    caller = principal(request)
    quote = get_for_company_or_404(Quote, company=caller.company, pk=quote_id)
    return _pdf(quote_document(company=caller.company, quote_id=quote.pk))


@router.get(
    "/invoices/{invoice_id}/lifecycle",
    response={200: list[LifecycleOut], **documented(ErrorKind.NOT_FOUND)},
)
def invoices_lifecycle(request: HttpRequest, invoice_id: Id) -> list[LifecycleEvent]:
    """Every e-invoicing status recorded for the invoice, oldest first."""
    caller = principal(request)
    invoice = get_for_company_or_404(Invoice, company=caller.company, pk=invoice_id)
    return list(lifecycle_events(caller.company, invoice))


@router.post(
    "/invoices/{invoice_id}/lifecycle",
    response={
        201: LifecycleOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def invoices_lifecycle_record(
    request: HttpRequest, invoice_id: Id, payload: LifecycleIn
) -> Status[LifecycleEvent]:
    """Record a status received from the platform; 207 and 210 open a dispute."""
    caller = money_manager(request)
    invoice = get_for_company_or_404(Invoice, company=caller.company, pk=invoice_id)
    event = invoice_lifecycle_record(
        company=caller.company,
        invoice_id=invoice.pk,
        status=payload.status,
        on=payload.occurred_on,
        amount=Decimal(payload.amount) if payload.amount is not None else None,
        platform=payload.platform,
        message=payload.message,
        source=LifecycleEvent.Source.API,
        actor=caller.user,
    )
    return Status(201, event)
