"""Use cases of lower layers that may open disputes: an invoice import with a "disputed" column
and an e-invoicing status 207/210. Invoicing cannot import collection, so interfaces call these,
which run the invoicing service and open the disputes in the same transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from encaisse.collection.models import Dispute
from encaisse.collection.services.disputes import dispute_open, disputes_open_bulk, open_amount
from encaisse.core.actors import Actor
from encaisse.core.models import Company
from encaisse.invoicing.documents.lifecycle import DISPUTING, lifecycle_record
from encaisse.invoicing.importer.rows import DateFormat
from encaisse.invoicing.models import Invoice, LifecycleEvent, LifecycleStatus
from encaisse.ledger.invoice_import import ImportResult, invoice_import


@transaction.atomic
def invoices_import(
    *,
    company: Company,
    content: bytes,
    filename: str,
    actor: Actor,
    on: date,
    mapping: Mapping[str, str] | None = None,
    date_format: DateFormat | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """`invoicing.importer.invoice_import`, then a dispute for each new invoice the file marks
    disputed (its whole open amount, reason "other"), all or nothing."""
    result = invoice_import(
        company=company,
        content=content,
        filename=filename,
        actor=actor,
        on=on,
        mapping=mapping,
        date_format=date_format,
        dry_run=dry_run,
    )
    if result.ok and not dry_run and result.disputed_invoice_ids:
        text = _("Marked disputed in the imported file %(file)s.") % {"file": result.file}
        disputes_open_bulk(
            company=company,
            texts=dict.fromkeys(result.disputed_invoice_ids, text),
            actor=actor,
            on=on,
        )
    return result


@transaction.atomic
def invoice_lifecycle_record(
    *,
    company: Company,
    invoice_id: int,
    status: str,
    on: date,
    actor: Actor,
    source: str = LifecycleEvent.Source.STAFF,
    amount: Decimal | None = None,
    platform: str = "",
    message: str = "",
) -> LifecycleEvent:
    """Record an e-invoicing status; 207 (disputed) and 210 (refused) open a dispute when none
    is open yet, for the amount the status gives (else the open amount), if anything is owed."""
    event = lifecycle_record(
        company=company,
        invoice_id=invoice_id,
        status=status,
        on=on,
        actor=actor,
        source=source,
        amount=amount,
        platform=platform,
        message=message,
    )
    invoice = Invoice.objects.get(company=company, pk=invoice_id)
    left = open_amount(invoice)
    if (
        status in DISPUTING
        and not invoice.disputed
        and invoice.kind == Invoice.Kind.INVOICE
        and left > 0
    ):
        dispute_open(
            company=company,
            invoice_id=invoice_id,
            reason=Dispute.Reason.OTHER,
            text=message or str(LifecycleStatus(status).label),
            amount=min(amount, left) if amount is not None else None,
            actor=actor,
            on=on,
        )
    return event
