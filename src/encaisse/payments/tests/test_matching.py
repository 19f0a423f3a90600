"""Matching engine: each clue a bookkeeper uses, on plain values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from encaisse.payments.matching import (
    BankLine,
    CustomerRef,
    LineMatch,
    OpenInvoice,
    match,
    number_key,
    subset_sum,
)

CUSTOMERS = [
    CustomerRef(1, "Dupont et Fils SARL"),
    CustomerRef(2, "Martin SA"),
    CustomerRef(3, "Boulangerie Durand"),
    CustomerRef(4, "Boulangerie Durand"),
]
INVOICES = [
    OpenInvoice(10, "F-000010", 1, Decimal("1200.00"), date(2025, 1, 31)),
    OpenInvoice(11, "F-000011", 1, Decimal("300.00"), date(2025, 2, 28)),
    OpenInvoice(12, "F-000012", 1, Decimal("450.00"), date(2025, 3, 31)),
    OpenInvoice(20, "F-000020", 2, Decimal("99.90"), date(2025, 1, 15)),
    OpenInvoice(21, "F-000021", 2, Decimal("1000.00"), date(2025, 2, 15)),
    OpenInvoice(30, "F-000030", 3, Decimal("75.00"), date(2025, 2, 1)),
    OpenInvoice(40, "F-000040", 4, Decimal("75.00"), date(2025, 2, 1)),
]


def _one(line: BankLine, **kwargs: Any) -> LineMatch:
    return match([line], INVOICES, CUSTOMERS, **kwargs)[0]


@pytest.mark.parametrize(
    ("_case", "text"),
    [
        ("exact", "F-000011"),
        ("prefix missing", "REGLEMENT 000011"),
        ("spaces", "FACT F 000 011"),
        ("ocr", "FACT F-OOOO11"),
        ("ocr i and s", "F-0000lI"),
    ],
)
def test_number_in_text_with_mangling(_case: str, text: str) -> None:
    found = _one(BankLine(1, Decimal("300.00"), label=text, payer_name="DUPONT ET FILS"))
    assert found.auto
    assert found.best is not None
    assert found.best.allocations == ((11, Decimal("300.00")),)
    assert found.best.customer_id == 1


def test_structured_reference_and_partial_payment() -> None:
    found = _one(BankLine(1, Decimal("500.00"), reference="F-000010"))
    assert found.best is not None
    assert found.best.allocations == ((10, Decimal("500.00")),)
    assert "partial" in found.best.reasons
    assert "reference" in found.best.reasons
    assert found.auto


def test_overpayment_leaves_a_credit() -> None:
    found = _one(BankLine(1, Decimal("1250.00"), reference="F-000010"))
    assert found.best is not None
    assert (found.best.allocations, found.best.credit) == (
        ((10, Decimal("1200.00")),),
        Decimal("50.00"),
    )


def test_grouped_payment_by_subset_of_the_customers_invoices() -> None:
    found = _one(BankLine(1, Decimal("1650.00"), payer_name="DUPONT & FILS"))
    assert found.best is not None
    assert found.best.allocations == ((10, Decimal("1200.00")), (12, Decimal("450.00")))
    assert "amount_subset" in found.best.reasons


def test_bank_fee_kept_by_the_bank() -> None:
    found = _one(BankLine(1, Decimal("992.50"), payer_name="MARTIN"))
    assert found.best is not None
    assert (found.best.allocations, found.best.fee) == (((21, Decimal("992.50")),), Decimal("7.50"))


def test_learned_iban_beats_an_unknown_name() -> None:
    found = _one(
        BankLine(1, Decimal("99.90"), payer_name="M. X", payer_iban="FR76 1111"),
        learned_ibans={"FR761111": 2},
    )
    assert found.auto
    assert found.best is not None
    assert (found.best.customer_id, found.best.reasons) == (2, ("iban", "amount_exact"))


def test_homonyms_are_only_proposed() -> None:
    found = _one(BankLine(1, Decimal("75.00"), payer_name="BOULANGERIE DURAND"))
    assert not found.auto
    assert {p.customer_id for p in found.proposals} == {3, 4}


def test_unknown_payer_and_amount_is_left_alone() -> None:
    found = _one(BankLine(1, Decimal("12.34"), label="REMBOURSEMENT ASSURANCE", payer_name="AXA"))
    assert (found.proposals, found.auto) == ((), False)


def test_amount_only_is_proposed_not_applied() -> None:
    found = _one(BankLine(1, Decimal("1000.00"), label="VIREMENT"))
    assert not found.auto
    assert found.best is not None
    assert (found.best.allocations, found.best.reasons) == (
        ((21, Decimal("1000.00")),),
        ("amount_only",),
    )


def test_two_lines_never_settle_the_same_invoice_twice() -> None:
    lines = [
        BankLine(1, Decimal("300.00"), reference="F-000011"),
        BankLine(2, Decimal("300.00"), reference="F-000011"),
    ]
    first, second = match(lines, INVOICES, CUSTOMERS)
    assert first.auto
    assert not second.auto


def test_debits_are_not_matched() -> None:
    assert _one(BankLine(1, Decimal("-300.00"), reference="F-000011")).proposals == ()


def test_number_key_and_subset_sum() -> None:
    assert number_key("F-OOO0l1") == number_key("F000011") == "F000011"
    assert number_key("SOLDE") == "SOLDE"
    assert subset_sum([(1, Decimal("1")), (2, Decimal("2"))], Decimal("4")) is None
