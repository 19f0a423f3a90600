"""The data migration turns invoices flagged disputed into open disputes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from encaisse.collection.models import Dispute
from encaisse.core.models import Company
from encaisse.core.tests.factories import make_invoice, make_payment
from encaisse.invoicing.models import Invoice

BEFORE = [("collection", "0002_dispute"), ("invoicing", "0006_invoice_open_index")]
AFTER = [
    ("collection", "0003_disputes_from_flags"),
    ("invoicing", "0007_remove_invoice_dispute_reason"),
]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_flagged_invoices_become_open_disputes(company: Company) -> None:
    # given, before the migration: an open invoice and a paid one flagged with a reason, and
    # an undisputed one
    open_ = make_invoice(company=company, amount="100.00", issued_on=date(2025, 4, 15))
    paid = make_invoice(company=company, amount="50.00", issued_on=date(2025, 4, 15))
    make_payment(company=company, customer=paid.customer, amount="60.00")
    calm = make_invoice(company=company, amount="10.00", issued_on=date(2025, 4, 15))
    try:
        executor = _migrate(BEFORE)
        old_invoice = executor.loader.project_state(BEFORE).apps.get_model("invoicing", "Invoice")
        old_invoice.objects.filter(pk=open_.pk).update(disputed=True, dispute_reason="Prix")
        old_invoice.objects.filter(pk=paid.pk).update(disputed=True, dispute_reason="Doublon")
        # when
        _migrate(AFTER)
    finally:
        _migrate(_latest())
    # then
    disputes = Dispute.objects.order_by("invoice_id")
    assert [
        (d.invoice_id, d.amount, d.reason, d.reason_text, d.status, d.company_id) for d in disputes
    ] == [
        (open_.pk, Decimal("120.00"), "other", "Prix", "open", company.pk),
        (paid.pk, Decimal("60.00"), "other", "Doublon", "open", company.pk),
    ]
    assert set(Invoice.objects.filter(disputed=True).values_list("pk", flat=True)) == {
        open_.pk,
        paid.pk,
    }
    assert not Dispute.objects.filter(invoice=calm).exists()


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
