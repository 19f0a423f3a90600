"""Imports and e-invoicing statuses that open disputes, through collection, in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from encaisse.collection.models import Dispute
from encaisse.collection.services import invoice_lifecycle_record, invoices_import
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import make_invoice, make_payment
from encaisse.invoicing.models import Invoice, LifecycleEvent, LifecycleStatus

D = Decimal
pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parents[2] / "invoicing" / "tests" / "fixtures"
ON = date(2025, 6, 30)


def _import(company: Company, **kwargs) -> None:
    invoices_import(
        company=company,
        content=(FIXTURES / "import_fr.csv").read_bytes(),
        filename="import_fr.csv",
        actor=None,
        on=ON,
        **kwargs,
    )


def test_import_opens_a_dispute_per_disputed_row(company: Company) -> None:
    # when the French file (F2025-002 marked "oui" in its Litige column) is imported
    _import(company)
    # then one open dispute on the whole open amount, and the flag on that invoice only
    assert list(
        Dispute.objects.filter(company=company).values_list(
            "invoice__number", "amount", "reason", "status", "opened_on"
        )
    ) == [("F2025-002", D("480.00"), "other", "open", ON)]
    assert list(
        Invoice.objects.filter(company=company, disputed=True).values_list("number", flat=True)
    ) == ["F2025-002"]
    assert "import_fr.csv" in Dispute.objects.get().reason_text
    assert AuditEvent.objects.filter(kind="collection.dispute_opened").count() == 1


def test_importing_again_opens_nothing(company: Company) -> None:
    _import(company)
    disputes = AuditEvent.objects.filter(kind__startswith="collection.")
    before = (Dispute.objects.count(), disputes.count())
    _import(company)
    assert (Dispute.objects.count(), disputes.count()) == before


def test_a_dry_run_opens_nothing(company: Company) -> None:
    _import(company, dry_run=True)
    assert (Invoice.objects.count(), Dispute.objects.count()) == (0, 0)


def test_refused_status_opens_a_dispute_with_its_message(company: Company) -> None:
    invoice = make_invoice(company=company, amount="100.00", issued_on=date(2025, 3, 1))
    # when the buyer's platform says 210 "refused"
    invoice_lifecycle_record(
        company=company,
        invoice_id=invoice.pk,
        status=LifecycleStatus.REFUSED,
        on=date(2025, 3, 12),
        actor=None,
        message="Prix non conforme à la commande",
    )
    # then the status is recorded and a dispute opened on the open amount
    invoice.refresh_from_db()
    assert invoice.disputed
    assert list(Dispute.objects.values_list("amount", "reason", "reason_text", "opened_on")) == [
        (D("120.00"), "other", "Prix non conforme à la commande", date(2025, 3, 12))
    ]
    assert LifecycleEvent.objects.filter(invoice=invoice).count() == 1


def test_disputed_status_with_an_amount_opens_a_partial_dispute_once(company: Company) -> None:
    invoice = make_invoice(company=company, amount="100.00", issued_on=date(2025, 3, 1))
    for _ in range(2):
        invoice_lifecycle_record(
            company=company,
            invoice_id=invoice.pk,
            status=LifecycleStatus.DISPUTED,
            amount=D("30.00"),
            on=date(2025, 3, 12),
            actor=None,
        )
    # the second 207 finds the invoice already disputed
    assert list(Dispute.objects.values_list("amount", "reason_text")) == [
        (D("30.00"), str(LifecycleStatus.DISPUTED.label))
    ]
    assert LifecycleEvent.objects.filter(invoice=invoice).count() == 2


def test_refused_status_of_a_paid_invoice_opens_nothing(company: Company) -> None:
    invoice = make_invoice(company=company, amount="100.00", issued_on=date(2025, 3, 1))
    make_payment(company=company, customer=invoice.customer, amount="120.00")
    invoice_lifecycle_record(
        company=company,
        invoice_id=invoice.pk,
        status=LifecycleStatus.REFUSED,
        on=date(2025, 3, 12),
        actor=None,
    )
    invoice.refresh_from_db()
    assert (invoice.disputed, Dispute.objects.count()) == (False, 0)
    assert LifecycleEvent.objects.filter(invoice=invoice, status="210").exists()
