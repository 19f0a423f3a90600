"""Invoice arithmetic: line amounts, VAT per rate on the sum of its bases (EN 16931), totals.

Pure module. Each line's net amount is rounded to the cent; VAT is computed once per rate
on the sum of that rate's bases, then rounded, so the totals match what a Factur-X
validator recomputes.

>>> t = invoice_totals([LineInput(Decimal("3"), Decimal("19.99"), Decimal("0"), Decimal("0.2"))])
>>> (t.net_amount, t.vat_amount, t.total_amount)
(Decimal('59.97'), Decimal('11.99'), Decimal('71.96'))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from encaisse.core.money import ZERO, quantize

VAT_RATES = (Decimal("0.2000"), Decimal("0.1000"), Decimal("0.0550"), Decimal("0.0210"), ZERO)


@dataclass(frozen=True, slots=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    discount_rate: Decimal  # fraction: 0.10 = 10 %
    vat_rate: Decimal  # fraction: 0.2 = 20 %


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    rate: Decimal
    base_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    net_amount: Decimal
    vat_amount: Decimal
    total_amount: Decimal
    vat: tuple[VatBreakdown, ...]


def line_net(line: LineInput) -> Decimal:
    if not Decimal(0) <= line.discount_rate <= Decimal(1):
        raise ValueError("discount must be between 0 and 100 %")
    return quantize(line.quantity * line.unit_price * (Decimal(1) - line.discount_rate))


def invoice_totals(lines: Sequence[LineInput]) -> Totals:
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        bases[line.vat_rate.normalize()] += line_net(line)
    vat = tuple(
        VatBreakdown(rate=rate, base_amount=base, vat_amount=quantize(base * rate))
        for rate, base in sorted(bases.items(), reverse=True)
    )
    net = sum((v.base_amount for v in vat), ZERO)
    vat_total = sum((v.vat_amount for v in vat), ZERO)
    return Totals(net_amount=net, vat_amount=vat_total, total_amount=net + vat_total, vat=vat)
