"""Gapless numbering under concurrent issuing (PostgreSQL row lock on the sequence)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections

from encaisse.core.models import Company
from encaisse.core.sequences import format_number, sequence_next
from encaisse.core.tests.factories import CompanyFactory, CustomerFactory, make_invoice
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import invoice_issue


def test_sequence_next_refuses_to_run_outside_a_transaction(transactional_db: None) -> None:
    company = CompanyFactory.create()
    with pytest.raises(RuntimeError, match="inside the issuing transaction"):
        sequence_next(company=company, series="F")


def test_number_format_fits_en16931() -> None:
    number = format_number("F2026", 123)
    assert number == "F2026-000123"
    assert len(number) <= 35


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_concurrent_issuing_has_no_duplicate_and_no_gap(transactional_db: None) -> None:
    # given 40 drafts
    company: Company = CompanyFactory.create()
    customer = CustomerFactory.create(company=company)
    drafts = [
        make_invoice(company=company, customer=customer, issued_on=None).pk for _ in range(40)
    ]

    def issue(pk: int) -> str:
        try:
            return invoice_issue(
                company=company, invoice_id=pk, actor=None, on=date(2026, 1, 5)
            ).number
        finally:
            connections.close_all()

    # when 8 threads issue them at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(issue, drafts))

    # then every number from 1 to 40 is used exactly once
    assert sorted(numbers) == [format_number("F", n) for n in range(1, 41)]
    stored = Invoice.objects.filter(company=company).values_list("number", flat=True)
    assert sorted(stored) == sorted(numbers)
