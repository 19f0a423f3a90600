"""The settlement state stored on each invoice: what allocations and issued credit notes have
settled of it (ADR 0004). It lives with payments because allocations are payments' rows;
invoicing keeps `credited_total` alone when it issues a credit note (`credited_total_refresh`).

Lists of hundreds of thousands of invoices filter and sort on open amounts; deriving them per
row with subqueries took seconds. So `Invoice.paid_total` and `Invoice.credited_total` hold the
sums, recomputed from the allocations and credit notes themselves (never incremented, so a
refresh is always right whatever happened before) by every writer, in its own transaction, for
the invoices it touched. `settlement_mismatches` is the check that tests hold them to.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Func, OuterRef

from encaisse.core.models import Company
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import credited_sum, sum_subquery
from encaisse.payments.models import Allocation


def _settled_sums() -> dict[str, Func]:
    """`paid_total` and `credited_total` as their allocations and issued credit notes give them,
    as correlated subqueries on the invoice."""
    return {
        "paid_total": sum_subquery(
            Allocation.objects.filter(invoice=OuterRef("pk")), "invoice", "amount"
        ),
        "credited_total": credited_sum(),
    }


def settlement_refresh(company: Company, invoice_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored settlement of the given invoices (all the company's when None) in
    one UPDATE; returns how many rows it wrote."""
    qs = Invoice.objects.filter(company=company, kind=Invoice.Kind.INVOICE)
    if invoice_ids is not None:
        ids = sorted(set(invoice_ids))
        if not ids:
            return 0
        qs = qs.filter(pk__in=ids)
    return qs.update(**_settled_sums())


def settlement_mismatches(company: Company) -> list[int]:
    """Invoices whose stored settlement differs from their allocations and credit notes."""
    want = {f"want_{name}": expression for name, expression in _settled_sums().items()}
    rows = (
        Invoice.objects.filter(company=company, kind=Invoice.Kind.INVOICE)
        .annotate(**want)
        .values_list("pk", "paid_total", "credited_total", *want)
        .order_by("pk")
    )
    return [
        pk
        for pk, paid, credited, want_paid, want_credited in rows
        if (paid, credited) != (want_paid, want_credited)
    ]
