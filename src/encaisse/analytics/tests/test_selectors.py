"""The SQL-backed KPIs agree with the pure ones on generated ledgers, and stay in their company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.analytics import kpi, selectors
from encaisse.collection.models import Dispute
from encaisse.collection.services import dispute_open
from encaisse.core.models import Company
from encaisse.core.money import quantize
from encaisse.core.tests.factories import CompanyFactory, CustomerFactory
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.settlement import settlement_refresh

pytestmark = pytest.mark.django_db

BASE = date(2024, 1, 1)
# the last is after every receipt: open amounts are then read from the stored settlement
CUTOFFS = [
    date(2024, 3, 31),
    date(2024, 8, 15),
    date(2025, 1, 31),
    date(2025, 12, 31),
    date(2026, 12, 31),
]


@dataclass(frozen=True)
class Part:
    pct: int
    offset: int  # days after the issue date (negative: before it)
    credit: bool


invoice_plans = st.tuples(
    st.integers(0, 2),  # customer
    st.integers(0, 500),  # issued BASE + n days
    st.integers(0, 60),  # payment term
    st.integers(1, 500_000),  # total in cents
    st.booleans(),  # disputed
    st.lists(
        st.builds(Part, st.integers(1, 100), st.integers(-10, 250), st.booleans()), max_size=3
    ),
)
credit_plans = st.tuples(st.integers(0, 2), st.integers(0, 500), st.integers(1, 50_000))


def build(
    company: Company, invoices: list, unlinked: list
) -> tuple[list[kpi.InvoiceFact], list[kpi.CreditNoteFact]]:
    """Write the ledger to the database and return the same ledger as plain facts."""
    customers = [CustomerFactory.create(company=company) for _ in range(3)]
    facts, notes = [], []
    seq = iter(range(1, 10_000))

    def issued(kind: str, customer: int, day: date, due: date, total: Decimal, **kw) -> Invoice:
        return Invoice.objects.create(
            company=company,
            customer=customers[customer],
            kind=kind,
            status=Invoice.Status.ISSUED,
            number=f"N{next(seq)}",
            issue_date=day,
            due_date=due,
            net_amount=total,
            vat_amount=Decimal(0),
            total_amount=total,
            **kw,
        )

    for customer, issued_after, term, cents, disputed, parts in invoices:
        day = BASE + timedelta(days=issued_after)
        total = Decimal(cents) / 100
        invoice = issued(
            Invoice.Kind.INVOICE,
            customer,
            day,
            day + timedelta(days=term),
            total,
        )
        if disputed:  # opened before any receipt, so the whole total is open
            dispute_open(
                company=company,
                invoice_id=invoice.pk,
                reason=Dispute.Reason.OTHER,
                actor=None,
                on=day,
            )
        receipts, left = [], total
        for part in parts:
            amount = min(left, quantize(total * part.pct / 100))
            if amount <= 0:
                continue
            left -= amount
            on = day + timedelta(days=part.offset)
            if part.credit:
                issued(Invoice.Kind.CREDIT_NOTE, customer, on, on, amount, credited_invoice=invoice)
                notes.append(kpi.CreditNoteFact(customers[customer].pk, on, amount))
            else:
                payment = Payment.objects.create(
                    company=company, customer=customers[customer], amount=amount, received_on=on
                )
                Allocation.objects.create(
                    company=company, payment=payment, invoice=invoice, amount=amount
                )
            receipts.append(kpi.Receipt(on, amount, cash=not part.credit))
        facts.append(
            kpi.InvoiceFact(
                invoice.pk,
                customers[customer].pk,
                day,
                day + timedelta(days=term),
                total,
                tuple(receipts),
                disputed,
            )
        )
    for customer, issued_after, cents in unlinked:
        day = BASE + timedelta(days=issued_after)
        amount = Decimal(cents) / 100
        issued(Invoice.Kind.CREDIT_NOTE, customer, day, day, amount)
        notes.append(kpi.CreditNoteFact(customers[customer].pk, day, amount))
    settlement_refresh(company)  # as every writer of allocations and credit notes does
    # noise: a draft, and another company's invoice
    Invoice.objects.create(
        company=company,
        customer=customers[0],
        net_amount=Decimal(5),
        vat_amount=Decimal(0),
        total_amount=Decimal(5),
    )
    return facts, notes


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    invoices=st.lists(invoice_plans, max_size=12),
    unlinked=st.lists(credit_plans, max_size=2),
)
def test_sql_kpis_agree_with_the_pure_functions(invoices: list, unlinked: list) -> None:
    # given the same ledger in the database and as plain facts, beside another company's
    company = CompanyFactory.create()
    facts, notes = build(company, invoices, unlinked)
    build(CompanyFactory.create(), invoices[:3], [])

    for on in CUTOFFS:
        # then the aged balance agrees, customer by customer and bucket by bucket
        assert selectors.aged_balance(company, on=on) == kpi.aged_balance(facts, on=on)
        assert selectors.aged_balance(company, on=on, bounds=(10, 45)) == kpi.aged_balance(
            facts, on=on, bounds=(10, 45)
        )
        # and so does every KPI, over the quarter and the year before the cutoff
        for days in (90, 365):
            period = kpi.Period(on - timedelta(days=days - 1), on)
            expected = kpi.kpis(facts, notes, period)
            assert selectors.kpis(company, period) == expected
            got = selectors.dso(company, period)
            assert (got.dso_simple, got.dso_countback, got.ar_end) == (
                expected.dso_simple,
                expected.dso_countback,
                expected.ar_end,
            )
        items = selectors.open_items(company, on=on)
        assert kpi.aged_items(items, on=on) == selectors.aged_balance(company, on=on)
        assert sorted(items, key=repr) == sorted(
            (
                kpi.OpenItem(f.customer_id, f.due_date, f.open_on(on))
                for f in facts
                if f.open_on(on) > 0
            ),
            key=repr,
        )
    # and the monthly trends are the KPIs of each month
    for month in selectors.trends(company, on=date(2025, 6, 30), months=18):
        expected = kpi.kpis(facts, notes, month.period)
        assert month.ar_end == expected.ar_end, month.period
        assert month.dso_countback == expected.dso_countback, month.period
        assert month.dso_simple == expected.dso_simple, month.period
        assert month.behaviour == expected.behaviour, month.period


def test_history_period_starts_at_the_first_issued_document(company: Company) -> None:
    build(company, [(0, 10, 30, 100, False, [])], [])

    assert selectors.history_period(company, on=date(2025, 1, 1)) == kpi.Period(
        date(2024, 1, 11), date(2025, 1, 1)
    )
    empty = CompanyFactory.create()
    assert selectors.history_period(empty, on=date(2025, 1, 1)) == kpi.Period(
        date(2025, 1, 1), date(2025, 1, 1)
    )


def test_aged_balance_query_count_does_not_grow_with_the_ledger(
    company: Company, django_assert_num_queries
) -> None:
    # 40 invoices, each half paid 20 days after its issue
    build(
        company,
        [(i % 3, i * 7, 30, 10_000 + i, False, [Part(50, 20, False)]) for i in range(40)],
        [],
    )

    # after every receipt: two EXISTS (nothing later) and one scan of the stored settlement
    with django_assert_num_queries(3):
        rows = selectors.aged_balance(company, on=date(2025, 1, 1))
    assert len(rows) == 3
    # before some receipts: a later payment found (twice), then three grouped scans
    with django_assert_num_queries(5):
        rows = selectors.aged_balance(company, on=date(2024, 6, 1))
    assert len(rows) == 3
