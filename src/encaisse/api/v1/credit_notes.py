"""/api/v1/credit-notes: credit notes (avoirs), made by crediting an invoice, read on their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router

from encaisse.api.auth import principal
from encaisse.api.errors import documented
from encaisse.api.fields import DayFilter, Id, Page, PageQuery, Str100
from encaisse.api.v1.invoices import CreditNoteDetailOut, CreditNoteOut
from encaisse.core.exceptions import ErrorKind
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_list

router = Router(tags=["credit notes"])


class CreditNoteFilters(PageQuery):
    customer_id: Id | None = None
    invoice_id: Id | None = Field(None, description="credit notes of this invoice")
    issued_from: DayFilter | None = None
    issued_to: DayFilter | None = None
    q: Str100 = Field("", description="search in number and customer name")


@router.get("/credit-notes", response={200: Page[CreditNoteOut], **documented()})
def credit_notes_list(request: HttpRequest, filters: Query[CreditNoteFilters]) -> dict[str, Any]:
    company = principal(request).company
    qs = invoice_list(
        company,
        kind=Invoice.Kind.CREDIT_NOTE,
        customer_id=filters.customer_id,
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
        search=filters.q.strip(),
    ).select_related("credited_invoice")
    if filters.invoice_id:
        qs = qs.filter(credited_invoice_id=filters.invoice_id)
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/credit-notes/{credit_note_id}",
    response={200: CreditNoteDetailOut, **documented(ErrorKind.NOT_FOUND)},
)
def credit_notes_get(request: HttpRequest, credit_note_id: Id) -> Invoice:
    company = principal(request).company
    return (
        invoice_list(company, kind=Invoice.Kind.CREDIT_NOTE)
        .select_related("credited_invoice")
        .prefetch_related("lines", "vat_totals")
        .get(pk=credit_note_id)
    )
