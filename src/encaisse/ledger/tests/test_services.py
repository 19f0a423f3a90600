"""FEC import: what each customer line becomes, idempotence, refusals, reconstitution."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.ledger.models import FecImport, FecItem, LedgerSettings
from encaisse.ledger.positions import customer_balances
from encaisse.ledger.services import fec_import
from encaisse.ledger.tests.fecdata import LEDGER, UNLETTERED, fec_text, row
from encaisse.payments.models import Allocation, Payment

pytestmark = pytest.mark.django_db
ON = date(2025, 12, 31)


def run(company: Company, content: bytes, name: str = "732829320FEC20251231.txt"):
    return fec_import(company=company, source=content, filename=name, actor=None, on=ON)


def invoices(company: Company) -> list[tuple]:
    return [
        (
            i.customer.reference,
            i.kind,
            i.number,
            i.issue_date,
            i.due_date,
            i.net_amount,
            i.vat_amount,
            i.total_amount,
            i.credited_invoice.number if i.credited_invoice else None,
            i.source,
            i.open_amount,
        )
        for i in with_open_amount(Invoice.objects.filter(company=company))
        .select_related("customer", "credited_invoice")
        .order_by("issue_date", "number")
    ]


def counts() -> tuple[int, ...]:
    return (
        Customer.objects.count(),
        Invoice.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
        FecImport.objects.count(),
        FecItem.objects.count(),
    )


def test_customer_lines_become_customers_invoices_payments_and_allocations(
    company: Company,
) -> None:
    # when the ledger is imported
    result = run(company, LEDGER)

    # then
    assert result.errors == []
    assert result.counts() == {
        "entries": 9,
        "customers": 3,
        "invoices": 4,
        "payments": 3,
        "open_items": 3,
        "open_amount": "610.00",
    }
    assert (result.credit_notes, result.allocations, result.reconstituted) == (1, 3, False)
    assert [(c.account, c.lines, c.debit, c.credit, c.balance, c.ok) for c in result.accounts] == [
        ("411000", 7, Decimal("2300.00"), Decimal("2050.00"), Decimal("250.00"), True),
        ("411BERNARD", 1, Decimal("360.00"), Decimal("0.00"), Decimal("360.00"), True),
    ]
    assert list(
        Customer.objects.filter(company=company)
        .order_by("reference")
        .values_list("reference", "name", "accounting_account")
    ) == [
        ("411BERNARD", "Bernard et Cie", "411BERNARD"),
        ("C001", "Dupont SA", "C001"),
        ("C002", "Martin SARL", "C002"),
    ]
    d = Decimal
    assert invoices(company) == [
        ("C001", "invoice", "RAN", date(2025, 1, 1), date(2025, 1, 31),
         d("500.00"), d("0.00"), d("500.00"), None, "fec", d("0.00")),
        ("C001", "invoice", "F-001", date(2025, 1, 15), date(2025, 2, 14),
         d("1000.00"), d("200.00"), d("1200.00"), None, "fec", d("0.00")),
        ("C002", "invoice", "F-002", date(2025, 1, 20), date(2025, 2, 19),
         d("500.00"), d("100.00"), d("600.00"), None, "fec", d("350.00")),
        ("C001", "credit_note", "AV-001", date(2025, 1, 25), date(2025, 1, 25),
         d("200.00"), d("40.00"), d("240.00"), "F-001", "fec", d("240.00")),
        ("411BERNARD", "invoice", "F-003", date(2025, 2, 1), date(2025, 3, 3),
         d("300.00"), d("60.00"), d("360.00"), None, "fec", d("360.00")),
    ]  # fmt: skip
    assert list(
        Payment.objects.filter(company=company)
        .order_by("received_on")
        .values_list(
            "customer__reference", "amount", "received_on", "method", "reference", "source"
        )
    ) == [
        ("C001", d("1460.00"), date(2025, 2, 10), "transfer", "VIR1", "fec"),
        ("C002", d("250.00"), date(2025, 2, 15), "transfer", "VIR2", "fec"),
        ("C002", d("100.00"), date(2025, 2, 20), "transfer", "VIR3", "fec"),
    ]
    assert sorted(
        Allocation.objects.filter(company=company).values_list(
            "payment__reference", "invoice__number", "amount"
        )
    ) == [
        ("VIR1", "F-001", d("960.00")),
        ("VIR1", "RAN", d("500.00")),
        ("VIR2", "F-002", d("250.00")),
    ]
    # the database agrees with the file: the balances add up to the 411 accounts' balance
    balances = customer_balances(company, as_of=ON)
    assert sum(r.balance for r in balances) == Decimal("610.00")
    assert {r.reference: (r.open_amount, r.balance) for r in balances} == {
        "C002": (d("350.00"), d("250.00")),
        "411BERNARD": (d("360.00"), d("360.00")),
    }
    event = AuditEvent.objects.get(company=company, kind="fec.imported")
    assert event.after["invoices"] == 4


def test_importing_the_same_file_twice_adds_nothing(company: Company) -> None:
    # given the file already imported
    run(company, LEDGER)
    before = counts()

    # when it is imported again, under another name
    result = run(company, LEDGER, "copy.txt")

    # then nothing is added, and the same open items are reported
    assert counts() == before
    assert result.counts() == {
        "entries": 9,
        "customers": 0,
        "invoices": 0,
        "payments": 0,
        "open_items": 3,
        "open_amount": "610.00",
    }
    assert result.skipped == 8


def test_a_later_file_with_one_more_entry_adds_only_that_entry(company: Company) -> None:
    run(company, LEDGER)
    later = (
        LEDGER
        + fec_text(
            row("VE", "5", "20250301", "411000", "90,00", aux="C002", ref="F-004"),
            row("VE", "5", "20250301", "706000", credit="90,00", ref="F-004"),
        ).split(b"\r\n", 1)[1]
    )

    result = run(company, later)

    assert (result.customers, result.invoices, result.payments, result.skipped) == (0, 1, 0, 8)
    assert Invoice.objects.filter(company=company, number="F-004").count() == 1


def test_a_refused_file_writes_nothing_and_names_the_entry(company: Company) -> None:
    # given an entry whose lines do not balance
    broken = LEDGER.replace(b"1460,00\t0,00", b"1406,00\t0,00")

    # when
    result = run(company, broken, "broken.txt")

    # then
    assert [str(e) for e in result.errors] == [
        "broken.txt line 16, EcritureNum: entry BQ 1 does not balance: "
        "debit 1406.00 ≠ credit 1460.00",
        "broken.txt: the file does not balance: debit 4776.00 ≠ credit 4830.00",
    ]
    assert counts() == (0, 0, 0, 0, 0, 0)
    assert not AuditEvent.objects.filter(kind="fec.imported").exists()
    assert not LedgerSettings.objects.exists()


def test_existing_customers_are_found_by_account_and_numbers_stay_unique(
    company: Company, other_company: Company
) -> None:
    # given Dupont already known under its accounting account, an invoice numbered F-002,
    # and another company with a customer on the same account
    dupont = CustomerFactory.create(company=company, reference="DUP", accounting_account="C001")
    make_invoice(company=company, customer=dupont)
    Invoice.objects.filter(company=company).update(number="F-002")
    stranger = CustomerFactory.create(company=other_company, accounting_account="C002")

    # when
    result = run(company, LEDGER)

    # then Dupont is reused, Martin is created in this company, F-002 gets another number
    assert result.customers == 2
    assert Invoice.objects.filter(company=company, customer=dupont, source="fec").count() == 3
    assert set(
        Invoice.objects.filter(company=company, customer__reference="C002").values_list(
            "number", flat=True
        )
    ) == {"F-002-2"}
    assert not Invoice.objects.filter(customer=stranger).exists()
    assert not Invoice.objects.filter(company=other_company).exists()


def test_a_file_never_lettered_is_lettered_on_import(company: Company) -> None:
    # when a file without any lettering is imported
    result = run(company, UNLETTERED)

    # then the transfer naming F-11 settles it, the other goes to the oldest invoice
    assert result.reconstituted is True
    assert (result.open_items, result.open_amount) == (1, Decimal("50.00"))
    assert sorted(
        Allocation.objects.filter(company=company).values_list(
            "payment__amount", "invoice__number", "amount"
        )
    ) == [
        (Decimal("50.00"), "F-10", Decimal("50.00")),
        (Decimal("200.00"), "F-11", Decimal("200.00")),
    ]
    assert {
        invoice.number: invoice.open_amount
        for invoice in with_open_amount(Invoice.objects.filter(company=company))
    } == {"F-10": Decimal("50.00"), "F-11": Decimal("0.00")}


def test_a_file_without_customer_lines_imports_nothing(company: Company) -> None:
    content = fec_text(
        row("OD", "1", "20250101", "601000", "10,00"),
        row("OD", "1", "20250101", "401000", credit="10,00"),
    )

    result = run(company, content)

    assert result.counts() == {
        "entries": 1,
        "customers": 0,
        "invoices": 0,
        "payments": 0,
        "open_items": 0,
        "open_amount": "0.00",
    }
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_the_file_lettering_can_be_kept_as_it_is(company: Company) -> None:
    # when a file without lettering is imported keeping its (absent) lettering
    result = fec_import(
        company=company, source=UNLETTERED, filename="u.txt", actor=None, on=ON, reconstitute=False
    )

    # then nothing is allocated: two open invoices, two payments as customer credit
    assert result.reconstituted is False
    assert (result.open_items, result.open_amount) == (4, Decimal("50.00"))
    assert not Allocation.objects.filter(company=company).exists()
