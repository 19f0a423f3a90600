"""Demo activity: two years of invoices, payments and credit notes, settled per behaviour.

Pure module. Invoices fall on French business days with the seasons' weights (quiet August
and Christmas week), are numbered without gaps in issue-date order, and their lines, VAT
totals and totals come from `invoicing.calc`. Each customer's behaviour decides when, and
how, an invoice is paid: before or after its due date, in parts, after a credit note that
settles a dispute, or never.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from encaisse.cli.demo import catalogue
from encaisse.cli.demo.catalogue import Item
from encaisse.cli.demo.customers import ascii_fold
from encaisse.cli.demo.records import (
    CREDIT_NOTE,
    INVOICE,
    TERMS,
    AllocationRecord,
    Batch,
    Behaviour,
    CustomerRecord,
    DemoConfig,
    InvoiceRecord,
    LineRecord,
    PaymentRecord,
    VatRecord,
)
from encaisse.core.dates import is_business_day
from encaisse.core.money import ZERO, quantize, split
from encaisse.customers.terms import due_date
from encaisse.invoicing.calc import LineInput, invoice_totals, line_net

_TERMS_BY_KEY = {t.key: t for t in TERMS}


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


class Activity:
    """The invoices, payments and credit notes of `customers` between `start` and today."""

    def __init__(
        self, config: DemoConfig, start: date, customers: Sequence[CustomerRecord]
    ) -> None:
        self.config = config
        self.start = start
        self.customers = customers

    def issue_dates(self, rng: random.Random) -> list[date]:
        """`config.invoices` business days drawn with the seasons' weights, in order."""
        days = [
            self.start + timedelta(days=i) for i in range((self.config.today - self.start).days + 1)
        ]
        weights = [self._day_weight(day) for day in days]
        if not any(weights):
            weights = [1] * len(days)
        return sorted(
            rng.choices(days, cum_weights=list(accumulate(weights)), k=self.config.invoices)
        )

    @staticmethod
    def _day_weight(day: date) -> int:
        if not is_business_day(day):
            return 0
        weight = catalogue.MONTH_ACTIVITY[day.month - 1]
        if (day.month == 12 and day.day >= 22) or (day.month == 8 and day.day <= 20):
            weight //= 3
        return weight

    def batches(self, size: int = 5000) -> Iterator[Batch]:
        """Invoices by `size` in number order with their payments; then all credit notes."""
        cfg = self.config
        rng = random.Random(cfg.seed * 7919 + 17)  # noqa: S311 -- reproducible demo data
        picker = _CustomerPicker(self.customers, self.start, cfg.today)
        invoices: list[InvoiceRecord] = []
        payments: list[tuple[date, int, int, PaymentRecord]] = []
        pending_credits: list[InvoiceRecord] = []
        payment_index = 0
        for index, issued in enumerate(self.issue_dates(rng)):
            customer = picker.pick(rng, issued)
            invoice = self._invoice(rng, index, customer, issued)
            disputed, credit, settlements = self._settle(rng, invoice, customer)
            if disputed:
                invoice = replace(invoice, disputed=True)
            if credit is not None:
                pending_credits.append(credit)
            for part, (received_on, amount) in enumerate(settlements, start=1):
                reference = self._reference(rng, customer, invoice.number, part, len(settlements))
                payments.append(
                    (
                        received_on,
                        index,
                        part,
                        PaymentRecord(
                            0,
                            customer.index,
                            amount,
                            received_on,
                            customer.payment_method,
                            reference,
                            (AllocationRecord(index, amount),),
                        ),
                    )
                )
            invoices.append(invoice)
            if len(invoices) >= size:
                batch_payments, payment_index = _number_payments(payments, payment_index)
                yield Batch(invoices=tuple(invoices), payments=batch_payments)
                invoices, payments = [], []
        if invoices:
            batch_payments, payment_index = _number_payments(payments, payment_index)
            yield Batch(invoices=tuple(invoices), payments=batch_payments)
        pending_credits.sort(key=lambda c: (c.issue_date, c.credited_invoice or 0))
        credit_notes = tuple(
            replace(
                c, index=i, sequence=i + 1, number=cfg.number_format(cfg.credit_note_series, i + 1)
            )
            for i, c in enumerate(pending_credits)
        )
        if credit_notes:
            yield Batch(credit_notes=credit_notes)

    def _invoice(
        self, rng: random.Random, index: int, customer: CustomerRecord, issued: date
    ) -> InvoiceRecord:
        english = customer.language == "en"
        target = min(max(rng.lognormvariate(math.log(1500), 1.05), 100.0), 50000.0)
        target_cents = int(target * 100)
        n_lines = 1 if target < 300 else rng.choices((1, 2, 3, 4), weights=(40, 30, 20, 10))[0]
        vat_class = rng.choices(("standard", "intermediate", "reduced"), weights=(90, 6, 4))[0]
        special = (
            catalogue.ITEMS_INTERMEDIATE if vat_class == "intermediate" else catalogue.ITEMS_REDUCED
        )
        parts = split(_cents(target_cents), [Decimal(rng.randint(1, 10)) for _ in range(n_lines)])
        lines, natures = [], []
        for k, part in enumerate(parts):
            use_special = vat_class != "standard" and (k == 0 or rng.random() < 0.5)
            pool = special if use_special else catalogue.ITEMS_STANDARD
            item = rng.choice([it for it in pool if it.low <= part] or [pool[0]])
            lines.append(self._line(rng, item, part, english))
            natures.append(item.nature)
        totals = invoice_totals([_as_input(line) for line in lines])
        nature = natures[0] if all(n == natures[0] for n in natures) else "both"
        terms = _TERMS_BY_KEY[customer.terms]
        po = ""
        if rng.random() < 0.35:
            po = f"{'PO' if english else 'BC'}{issued.year % 100:02d}-{rng.randint(1000, 99999)}"
        cfg = self.config
        return InvoiceRecord(
            index=index,
            kind=INVOICE,
            customer=customer.index,
            series=cfg.invoice_series,
            sequence=index + 1,
            number=cfg.number_format(cfg.invoice_series, index + 1),
            issue_date=issued,
            due_date=due_date(issued, terms.method, terms.days),
            supply_date=issued - timedelta(days=rng.randint(0, 12)),
            terms=terms.key,
            nature=nature,
            po_number=po,
            lines=tuple(lines),
            vat=tuple(VatRecord(v.rate, v.base_amount, v.vat_amount) for v in totals.vat),
            net_amount=totals.net_amount,
            vat_amount=totals.vat_amount,
            total_amount=totals.total_amount,
        )

    @staticmethod
    def _line(rng: random.Random, item: Item, part: Decimal, english: bool) -> LineRecord:
        cents = int(part * 100)
        if item.unit == "lump":
            count = max(1, math.ceil(part / item.high))
            quantity, unit_price = Decimal(count), _cents(cents // count)
        elif item.unit in ("h", "d"):
            step = 1 if item.unit == "h" else 10
            unit_cents = rng.randint(item.low // step, item.high // step) * step * 100
            quantity = Decimal(max(1, round(2 * cents / unit_cents))) / 2
            unit_price = _cents(unit_cents)
        else:
            unit_cents = rng.randint(item.low * 100, item.high * 100)
            quantity = Decimal(max(1, round(cents / unit_cents)))
            unit_price = _cents(unit_cents)
        discount = rng.choice(catalogue.DISCOUNTS) if rng.random() < 0.07 else ZERO
        net = line_net(LineInput(quantity, unit_price, discount, item.vat_rate))
        return LineRecord(
            item.en if english else item.fr, quantity, unit_price, discount, item.vat_rate, net
        )

    def _settle(
        self, rng: random.Random, invoice: InvoiceRecord, customer: CustomerRecord
    ) -> tuple[bool, InvoiceRecord | None, list[tuple[date, Decimal]]]:
        """(still disputed, credit note to number later, payments as (date, amount))."""
        today, due, total = self.config.today, invoice.due_date, invoice.total_amount
        behaviour = customer.behaviour
        if behaviour is Behaviour.DISPUTING and rng.random() < 0.3:
            roll = rng.random()
            credited_on = invoice.issue_date + timedelta(days=rng.randint(20, 60))
            if roll < 0.45 or credited_on > today:
                return True, None, []
            if roll < 0.85:
                rate = Decimal(rng.randint(10, 40)) / 100
                credit = self._credit_note(rng, invoice, credited_on, rate)
                if credit is None:
                    return True, None, []
                paid_on = credited_on + timedelta(days=rng.randint(5, 25))
                rest = total - credit.total_amount
                return False, credit, [(paid_on, rest)] if paid_on <= today else []
            return False, self._credit_note(rng, invoice, credited_on, None), []
        if behaviour is Behaviour.INSTALMENTS:
            n = rng.choice((2, 3))
            amounts = split(total, [Decimal(rng.randint(2, 5)) for _ in range(n)])
            paid_on = due + timedelta(days=rng.randint(-5, 10))
            settlements = []
            for amount in amounts:
                paid_on = max(paid_on, invoice.issue_date)
                if paid_on > today:
                    break
                settlements.append((paid_on, amount))
                paid_on += timedelta(days=rng.randint(10, 30))
            return False, None, settlements
        if behaviour is Behaviour.PUNCTUAL:
            delay = (
                0
                if customer.payment_method == "direct_debit"
                else min(4, max(-20, round(rng.gauss(-3, 4))))
            )
        elif behaviour is Behaviour.SLIGHTLY_LATE:
            delay = rng.randint(5, 15) if rng.random() < 0.8 else rng.randint(-3, 4)
        elif behaviour is Behaviour.CHRONICALLY_LATE:
            delay = rng.randint(30, 90) if rng.random() < 0.85 else rng.randint(15, 30)
        elif behaviour is Behaviour.DEFAULTED:
            delay = rng.randint(10, 45)
        else:  # a disputing customer's undisputed invoice
            delay = rng.randint(0, 20)
        paid_on = max(due + timedelta(days=delay), invoice.issue_date)
        stopped = customer.stopped_paying_on
        if paid_on > today or (stopped is not None and paid_on >= stopped):
            return False, None, []
        return False, None, [(paid_on, total)]

    def _credit_note(
        self, rng: random.Random, invoice: InvoiceRecord, on: date, rate: Decimal | None
    ) -> InvoiceRecord | None:
        """A full credit (rate None: the invoice's lines) or a discount of `rate` on each line."""
        if rate is None:
            lines = invoice.lines
        else:
            lines = tuple(
                LineRecord(
                    f"Remise : {line.description}",
                    Decimal(1),
                    quantize(line.net_amount * rate),
                    ZERO,
                    line.vat_rate,
                    quantize(line.net_amount * rate),
                )
                for line in invoice.lines
                if quantize(line.net_amount * rate) > 0
            )
            if not lines:
                return None
        totals = invoice_totals([_as_input(line) for line in lines])
        return InvoiceRecord(
            index=-1,
            kind=CREDIT_NOTE,
            customer=invoice.customer,
            series=self.config.credit_note_series,
            sequence=0,
            number="",
            issue_date=on,
            due_date=on,
            supply_date=None,
            terms=None,
            nature=invoice.nature,
            po_number="",
            lines=lines,
            vat=tuple(VatRecord(v.rate, v.base_amount, v.vat_amount) for v in totals.vat),
            net_amount=totals.net_amount,
            vat_amount=totals.vat_amount,
            total_amount=totals.total_amount,
            credited_invoice=invoice.index,
            notes=rng.choice(catalogue.CREDIT_REASONS),
        )

    @staticmethod
    def _reference(
        rng: random.Random, customer: CustomerRecord, number: str, part: int, parts: int
    ) -> str:
        suffix = f" {part}/{parts}" if parts > 1 else ""
        method = customer.payment_method
        if method == "check":
            return f"CHQ {rng.randint(1000000, 9999999)}"
        if method == "direct_debit":
            return f"PRLV SEPA {number}"
        if method == "card":
            return f"CB {number}{suffix}"
        payer = ascii_fold(customer.name).upper()[:30]
        return f"VIR SEPA {payer} {number}{suffix}"


def _as_input(line: LineRecord) -> LineInput:
    return LineInput(line.quantity, line.unit_price, line.discount_rate, line.vat_rate)


def _number_payments(
    payments: Sequence[tuple[date, int, int, PaymentRecord]], start: int
) -> tuple[tuple[PaymentRecord, ...], int]:
    """Payments of a batch in the order received, numbered from `start`."""
    ordered = sorted(payments, key=lambda p: p[:3])
    numbered = tuple(replace(p, index=start + i) for i, (_d, _inv, _part, p) in enumerate(ordered))
    return numbered, start + len(numbered)


class _CustomerPicker:
    """Draws the customer of an invoice among those active that month, by their weight."""

    def __init__(self, customers: Sequence[CustomerRecord], start: date, today: date) -> None:
        self._months: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
        month = date(start.year, start.month, 1)
        while month <= today:
            following = (month + timedelta(days=32)).replace(day=1)
            active = [
                c.index
                for c in customers
                if c.active_from < following
                and (c.invoicing_until is None or c.invoicing_until >= month)
            ] or [c.index for c in customers]
            self._months[month.year, month.month] = (
                active,
                list(accumulate(customers[i].weight for i in active)),
            )
            month = following
        self._customers = customers

    def pick(self, rng: random.Random, on: date) -> CustomerRecord:
        active, cum = self._months[on.year, on.month]
        position = bisect_right(cum, rng.random() * cum[-1])
        return self._customers[active[min(position, len(active) - 1)]]
