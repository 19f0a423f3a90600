from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.invoicing.calc import LineInput, invoice_totals, line_net

D = Decimal


def test_vat_is_computed_per_rate_on_the_sum_of_bases() -> None:
    # given three lines at 20 % whose VAT rounded line by line would differ by a cent
    lines = [LineInput(D(1), D("0.05"), D(0), D("0.2")) for _ in range(3)]
    # when
    totals = invoice_totals(lines)
    # then 0.15 × 20 % = 0.03, where line-by-line rounding would give 3 × 0.01
    assert (totals.net_amount, totals.vat_amount, totals.total_amount) == (
        D("0.15"),
        D("0.03"),
        D("0.18"),
    )


def test_mixed_rates_and_discount() -> None:
    totals = invoice_totals(
        [
            LineInput(D("2"), D("150.00"), D("0.10"), D("0.20")),  # 270.00
            LineInput(D("3"), D("9.99"), D(0), D("0.055")),  # 29.97
            LineInput(D("1"), D("50"), D(0), D(0)),  # exempt
        ]
    )
    assert [(v.rate, v.base_amount, v.vat_amount) for v in totals.vat] == [
        (D("0.2"), D("270.00"), D("54.00")),
        (D("0.055"), D("29.97"), D("1.65")),
        (D("0"), D("50.00"), D("0.00")),
    ]
    assert totals.total_amount == D("405.62")


def test_line_net_rounds_half_up() -> None:
    assert line_net(LineInput(D("1"), D("0.125"), D(0), D("0.2"))) == D("0.13")
    assert line_net(LineInput(D("3"), D("33.3333"), D(0), D("0.2"))) == D("100.00")


def test_discount_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="discount"):
        line_net(LineInput(D(1), D(1), D("1.5"), D("0.2")))


amounts = st.decimals(min_value=0, max_value=100000, places=2)
quantities = st.decimals(min_value=D("0.001"), max_value=1000, places=3)
rates = st.sampled_from([D("0.2"), D("0.1"), D("0.055"), D("0.021"), D(0)])


@given(st.lists(st.tuples(quantities, amounts, rates), min_size=1, max_size=20))
def test_totals_add_up(lines: list[tuple[Decimal, Decimal, Decimal]]) -> None:
    inputs = [LineInput(q, p, D(0), r) for q, p, r in lines]
    totals = invoice_totals(inputs)
    assert totals.net_amount == sum(line_net(i) for i in inputs)
    assert totals.total_amount == totals.net_amount + totals.vat_amount
    assert sum(v.vat_amount for v in totals.vat) == totals.vat_amount
    for v in totals.vat:
        assert abs(v.vat_amount - v.base_amount * v.rate) <= D("0.005")
