"""Settling customer lines: lettering groups, partial lettering, reconstitution (pure)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.ledger.fec import parse_fec
from encaisse.ledger.lettering import CREDIT_NOTE, INVOICE, PAYMENT, Item, items_from_lines, settle
from encaisse.ledger.tests.fecdata import fec_text, row

D = Decimal


def item(index: int, kind: str, amount: str, day: int, letter: str = "", text: str = "") -> Item:
    return Item(
        index=index,
        kind=kind,
        customer="C1",
        amount=D(amount),
        on=date(2025, 1, 1) + timedelta(days=day),
        reference=text if kind != PAYMENT else "",
        text=text,
        letter=letter,
        payment_group=(str(index),) if kind == PAYMENT else (),
    )


def test_a_lettered_group_settles_exact_amounts_first_then_oldest() -> None:
    items = [
        item(0, INVOICE, "100.00", 0, "AA", "F1"),
        item(1, INVOICE, "250.00", 5, "AA", "F2"),
        item(2, PAYMENT, "250.00", 20, "AA"),
        item(3, PAYMENT, "100.00", 21, "AA"),
        item(4, INVOICE, "70.00", 3),  # unlettered: stays open
        item(5, PAYMENT, "70.00", 30),  # unlettered: stays unallocated
    ]

    s = settle(items, reconstitute=False)

    assert s.allocations == {(2, 1): D("250.00"), (3, 0): D("100.00")}
    assert {i: v for i, v in s.left.items() if v} == {4: D("70.00"), 5: D("70.00")}


def test_partial_lettering_leaves_the_rest_open_on_the_oldest() -> None:
    items = [
        item(0, INVOICE, "100.00", 0, "ab", "F1"),
        item(1, INVOICE, "80.00", 2, "ab", "F2"),
        item(2, PAYMENT, "120.00", 9, "ab"),
    ]

    s = settle(items, reconstitute=False)

    assert s.allocations == {(2, 0): D("100.00"), (2, 1): D("20.00")}
    assert s.left[1] == D("60.00")


def test_a_credit_note_goes_to_the_invoice_it_names() -> None:
    items = [
        item(0, INVOICE, "500.00", 0, "AA", "FA-1001"),
        item(1, INVOICE, "300.00", 1, "AA", "FA-1002"),
        item(2, CREDIT_NOTE, "100.00", 2, "AA", "Avoir FA 1001"),
        item(3, PAYMENT, "700.00", 9, "AA"),
    ]

    s = settle(items, reconstitute=False)

    assert s.credit_links == {2: 0}
    assert s.allocations == {(3, 0): D("400.00"), (3, 1): D("300.00")}
    assert set(s.left.values()) == {D("0.00")}


def test_reconstitution_uses_the_reference_then_the_amount_then_age() -> None:
    items = [
        item(0, INVOICE, "100.00", 0, text="F-10"),
        item(1, INVOICE, "200.00", 1, text="F-11"),
        item(2, INVOICE, "300.00", 2, text="F-12"),
        item(3, PAYMENT, "200.00", 10, text="VIR F 11"),
        item(4, PAYMENT, "300.00", 11, text="VIR"),
        item(5, PAYMENT, "40.00", 12, text="VIR"),
    ]

    s = settle(items, reconstitute=True)

    assert s.allocations == {(3, 1): D("200.00"), (4, 2): D("300.00"), (5, 0): D("40.00")}
    assert s.left[0] == D("60.00")


@settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(
        st.tuples(st.sampled_from([INVOICE, PAYMENT, CREDIT_NOTE]), st.integers(1, 10**6)),
        max_size=15,
    ),
    reconstitute=st.booleans(),
)
def test_settling_never_takes_more_than_an_item_holds(
    amounts: list[tuple[str, int]], reconstitute: bool
) -> None:
    items = [
        item(i, kind, str(D(cents) / 100), i, "" if reconstitute else "AA")
        for i, (kind, cents) in enumerate(amounts)
    ]

    s = settle(items, reconstitute=reconstitute)

    for it in items:
        taken = sum(v for (p, inv), v in s.allocations.items() if it.index in (p, inv))
        credited = sum(
            (items[n].amount for n, target in s.credit_links.items() if target == it.index),
            D(0),
        )
        linked = it.amount if it.index in s.credit_links else D(0)
        assert s.left[it.index] == it.amount - taken - credited - linked
        assert s.left[it.index] >= 0
    # what the group settles is the same on both sides
    debit_left = sum(s.left[i.index] for i in items if i.kind == INVOICE)
    credit_left = sum(s.left[i.index] for i in items if i.kind != INVOICE)
    total = sum((i.amount if i.kind == INVOICE else -i.amount) for i in items)
    assert debit_left - credit_left == total


def test_reconstitution_finds_mangled_numbers_and_grouped_payments() -> None:
    # given three invoices, one transfer naming two of them without their prefix
    items = [
        item(0, INVOICE, "100.00", 0, text="FA-000101"),
        item(1, INVOICE, "250.00", 1, text="FA-000102"),
        item(2, INVOICE, "80.00", 2, text="FA-000103"),
        item(3, PAYMENT, "330.00", 10, text="VIR REGLT FACT 000102 000103"),
    ]

    # when
    s = settle(items, reconstitute=True)

    # then the named invoices are settled, not the oldest one
    assert s.allocations == {(3, 1): D("250.00"), (3, 2): D("80.00")}
    assert s.left[0] == D("100.00")


def test_what_each_customer_line_becomes() -> None:
    content = fec_text(
        # a sale, its credit note, and a cash sale settled in the same entry
        row("VE", "1", "20250110", "411000", "120,00", aux="C1", ref="F1"),
        row("VE", "1", "20250110", "706000", credit="100,00"),
        row("VE", "1", "20250110", "4457120", credit="20,00"),
        row("VE", "2", "20250111", "411000", credit="60,00", aux="C1", ref="AV1"),
        row("VE", "2", "20250111", "706000", "50,00"),
        row("VE", "2", "20250111", "4457120", "10,00"),
        row("VE", "3", "20250112", "411000", "12,00", aux="C2", ref="T1"),
        row("VE", "3", "20250112", "706000", credit="12,00"),
        row("VE", "3", "20250112", "530000", "12,00"),
        row("VE", "3", "20250112", "411000", credit="12,00", aux="C2", ref="T1"),
        # a transfer, and a write-off through a miscellaneous entry
        row("BQ", "1", "20250120", "512000", "60,00"),
        row("BQ", "1", "20250120", "411000", credit="60,00", aux="C1", ref="VIR"),
        row("OD", "1", "20250130", "654000", "1,00"),
        row("OD", "1", "20250130", "411000", credit="1,00", aux="C1", ref="PERTE"),
    )
    parsed = parse_fec(content, "kinds.txt")

    items = items_from_lines(parsed.customer_lines, parsed.entries)

    assert [(i.customer, i.kind, i.reference, i.amount, i.net, i.vat) for i in items] == [
        ("C1", INVOICE, "F1", D("120.00"), D("100.00"), D("20.00")),
        ("C1", CREDIT_NOTE, "AV1", D("60.00"), D("50.00"), D("10.00")),
        ("C2", INVOICE, "T1", D("12.00"), D("12.00"), D("0.00")),
        ("C2", PAYMENT, "T1", D("12.00"), D("12.00"), D("0.00")),
        ("C1", PAYMENT, "VIR", D("60.00"), D("60.00"), D("0.00")),
        ("C1", PAYMENT, "PERTE", D("1.00"), D("1.00"), D("0.00")),
    ]
