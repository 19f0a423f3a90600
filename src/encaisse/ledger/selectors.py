"""Accounting reads: the FEC entries of encaisse's receivables, and statements reconciled.

`fec_export_lines` writes, for the company's accountant, the entries encaisse's documents
stand for: each invoice debits the customer (411, the customer as auxiliary account) and
credits sales (706) and VAT collected per rate (44571xx); a credit note reverses that; a
payment debits the bank (512) and credits the customer, one line per invoice it settles and
one for what is left unallocated. The lines that settle each other share a lettering code
(per customer: AA, AB...), upper case when the invoice is settled in full, lower case while
it is only partly settled, with the date of the last settlement (DateLet).

`statement_reconciliation` checks each customer's statement of account (relevé): opening
balance + invoices − credit notes − payments over the period = closing balance, the closing
balance being the position's (`ledger.positions.balances_at`) at the last day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from encaisse.core.db import quantized
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice, VatTotal
from encaisse.ledger.fec import FecLine
from encaisse.ledger.models import FecImport, LedgerSettings
from encaisse.ledger.positions import balances_at
from encaisse.payments.models import Allocation, Payment

ZERO = Decimal("0.00")


def ledger_settings_get(company: Company) -> LedgerSettings:
    """The company's settings, or unsaved defaults when it never changed them."""
    return LedgerSettings.objects.filter(company=company).first() or LedgerSettings(company=company)


def fec_import_list(company: Company) -> QuerySet[FecImport]:
    return FecImport.objects.filter(company=company).select_related("created_by")


def letter_code(number: int) -> str:
    """0 -> 'AA', 1 -> 'AB', 675 -> 'ZZ', 676 -> 'AAA'..."""
    width, first = 2, 0
    while number - first >= 26**width:
        first += 26**width
        width += 1
    rest = number - first
    letters = []
    for _ in range(width):
        rest, digit = divmod(rest, 26)
        letters.append(chr(ord("A") + digit))
    return "".join(reversed(letters))


def _percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f").replace(".", ",")


def vat_account(prefix: str, rate: Decimal) -> str:
    """VAT collected account of a rate: 44571 + 20 -> 4457120, 0.055 -> 4457155."""
    return prefix + _percent(rate).replace(",", "")


@dataclass(frozen=True, slots=True)
class _Letter:
    code: str
    on: date


def _letters(company: Company) -> dict[int, _Letter]:
    """Lettering code and date of each invoice that something settles, per customer."""
    settled: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for invoice_id, on, amount in Allocation.objects.filter(company=company).values_list(
        "invoice_id", "payment__received_on", "amount"
    ):
        settled[invoice_id].append((on, amount))
    for invoice_id, note_on, amount in Invoice.objects.filter(
        company=company,
        kind=Invoice.Kind.CREDIT_NOTE,
        status=Invoice.Status.ISSUED,
        credited_invoice__isnull=False,
    ).values_list("credited_invoice_id", "issue_date", "total_amount"):
        settled[invoice_id].append((note_on or date.min, amount))
    counters: dict[int, int] = defaultdict(int)
    letters = {}
    for pk, customer_id, total in (
        Invoice.objects.filter(company=company, pk__in=list(settled))
        .order_by("issue_date", "pk")
        .values_list("pk", "customer_id", "total_amount")
    ):
        code = letter_code(counters[customer_id])
        counters[customer_id] += 1
        paid = sum((amount for _on, amount in settled[pk]), ZERO)
        letters[pk] = _Letter(
            code if paid == total else code.lower(), max(on for on, _a in settled[pk])
        )
    return letters


def fec_export_lines(
    company: Company, *, date_from: date | None = None, date_to: date | None = None
) -> Iterator[FecLine]:
    """The entries of the company's invoices, credit notes and payments, in date order."""
    settings = ledger_settings_get(company)
    letters = _letters(company)
    dated = Q()
    if date_from:
        dated &= Q(issue_date__gte=date_from)
    if date_to:
        dated &= Q(issue_date__lte=date_to)
    documents = list(
        Invoice.objects.filter(dated, company=company, status=Invoice.Status.ISSUED)
        .select_related("customer", "credited_invoice")
        .order_by("issue_date", "pk")
    )
    vat: dict[int, list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for invoice_id, rate, amount in VatTotal.objects.filter(
        company=company, invoice__in=[d.pk for d in documents]
    ).values_list("invoice_id", "rate", "vat_amount"):
        vat[invoice_id].append((rate, amount))
    paid = Q()
    if date_from:
        paid &= Q(received_on__gte=date_from)
    if date_to:
        paid &= Q(received_on__lte=date_to)
    payments = list(
        Payment.objects.filter(paid, company=company)
        .select_related("customer")
        .order_by("received_on", "pk")
    )
    allocations: dict[int, list[tuple[str, int, Decimal]]] = defaultdict(list)
    for payment_id, invoice_number, invoice_id, amount in (
        Allocation.objects.filter(company=company, payment__in=[p.pk for p in payments])
        .order_by("pk")
        .values_list("payment_id", "invoice__number", "invoice_id", "amount")
    ):
        allocations[payment_id].append((invoice_number, invoice_id, amount))

    entries: list[tuple[date, int, int, list[FecLine]]] = []
    for number, document in enumerate((d for d in documents if d.total_amount > 0), start=1):
        entries.append(
            (
                document.issue_date or date.min,
                0,
                number,
                _sale(settings, document, number, vat, letters),
            )
        )
    for number, payment in enumerate(payments, start=1):
        entries.append(
            (
                payment.received_on,
                1,
                number,
                _receipt(settings, payment, number, allocations, letters),
            )
        )
    entries.sort(key=lambda e: (e[0], e[1], e[2]))
    for _on, _journal, _number, lines in entries:
        yield from lines


def _customer_account(customer: Customer) -> tuple[str, str]:
    return (customer.accounting_account or customer.reference, customer.name)


def _sale(
    settings: LedgerSettings,
    document: Invoice,
    number: int,
    vat: dict[int, list[tuple[Decimal, Decimal]]],
    letters: dict[int, _Letter],
) -> list[FecLine]:
    on = document.issue_date or date.min
    credit_note = document.is_credit_note
    settled_invoice = document.credited_invoice_id if credit_note else document.pk
    letter = letters.get(settled_invoice) if settled_invoice else None
    aux, aux_lib = _customer_account(document.customer)
    word = "Avoir" if credit_note else "Facture"
    label = f"{word} {document.number} {document.customer.name}"

    def line(account: str, account_lib: str, amount: Decimal, **extra: object) -> FecLine:
        # A sale credits sales and VAT and debits the customer; a credit note the reverse.
        debit = amount if (account == settings.customer_account) != credit_note else ZERO
        values: dict[str, object] = {
            "journal_code": settings.sales_journal,
            "journal_lib": settings.sales_journal_label,
            "entry_num": str(number),
            "entry_date": on,
            "account": account,
            "account_lib": account_lib,
            "aux_num": "",
            "aux_lib": "",
            "piece_ref": document.number,
            "piece_date": on,
            "label": label,
            "debit": debit,
            "credit": amount - debit,
            "valid_date": on,
            **extra,
        }
        return FecLine(**values)  # type: ignore[arg-type]  # the keys are FecLine's fields

    vat_lines = [
        (
            vat_account(settings.vat_account_prefix, rate),
            f"TVA collectée {_percent(rate)} %",
            amount,
        )
        for rate, amount in sorted(vat.get(document.pk, []), reverse=True)
        if amount
    ]
    if not vat_lines and document.vat_amount:
        vat_lines = [(settings.vat_account_prefix, "TVA collectée", document.vat_amount)]
    sales = document.total_amount - sum((amount for _a, _l, amount in vat_lines), ZERO)
    lines = [
        line(
            settings.customer_account,
            "Clients",
            document.total_amount,
            aux_num=aux,
            aux_lib=aux_lib,
            letter=letter.code if letter else "",
            letter_date=letter.on if letter else None,
        )
    ]
    if sales:
        lines.append(line(settings.sales_account, "Prestations de services", sales))
    lines.extend(line(account, account_lib, amount) for account, account_lib, amount in vat_lines)
    return lines


def _receipt(
    settings: LedgerSettings,
    payment: Payment,
    number: int,
    allocations: dict[int, list[tuple[str, int, Decimal]]],
    letters: dict[int, _Letter],
) -> list[FecLine]:
    aux, aux_lib = _customer_account(payment.customer)
    reference = payment.reference or f"P{payment.pk}"
    common: dict[str, object] = {
        "journal_code": settings.bank_journal,
        "journal_lib": settings.bank_journal_label,
        "entry_num": str(number),
        "entry_date": payment.received_on,
        "piece_ref": reference,
        "piece_date": payment.received_on,
        "valid_date": payment.received_on,
    }
    lines = [
        FecLine(
            **common,  # type: ignore[arg-type]  # the keys are FecLine's fields
            account=settings.bank_account,
            account_lib="Banque",
            aux_num="",
            aux_lib="",
            label=f"Règlement {payment.customer.name}",
            debit=payment.amount,
            credit=ZERO,
        )
    ]
    left = payment.amount
    for invoice_number, invoice_id, amount in allocations.get(payment.pk, []):
        letter = letters.get(invoice_id)
        left -= amount
        lines.append(
            FecLine(
                **common,  # type: ignore[arg-type]
                account=settings.customer_account,
                account_lib="Clients",
                aux_num=aux,
                aux_lib=aux_lib,
                label=f"Règlement {invoice_number}",
                debit=ZERO,
                credit=amount,
                letter=letter.code if letter else "",
                letter_date=letter.on if letter else None,
            )
        )
    if left:
        lines.append(
            FecLine(
                **common,  # type: ignore[arg-type]
                account=settings.customer_account,
                account_lib="Clients",
                aux_num=aux,
                aux_lib=aux_lib,
                label=f"Règlement {payment.customer.name} non affecté",
                debit=ZERO,
                credit=left,
            )
        )
    return lines


# Statement of account reconciliation -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReconciliationRow:
    customer_id: int
    reference: str
    customer: str
    opening: Decimal
    invoiced: Decimal
    credited: Decimal
    paid: Decimal
    closing: Decimal

    @property
    def difference(self) -> Decimal:
        return self.opening + self.invoiced - self.credited - self.paid - self.closing

    @property
    def reconciles(self) -> bool:
        return self.difference == 0


def _sums(qs: QuerySet, group: str, amount: str) -> dict[int, Decimal]:
    return {
        key: quantized(total)
        for key, total in qs.order_by().values_list(group).annotate(s=Sum(amount))
    }


def statement_reconciliation(
    company: Company, *, date_from: date, date_to: date, customer_id: int | None = None
) -> list[ReconciliationRow]:
    """Per customer: opening + invoices − credit notes − payments of the period, and closing."""
    issued = Invoice.objects.filter(company=company, status=Invoice.Status.ISSUED)
    payments = Payment.objects.filter(company=company)
    customers = Customer.objects.filter(company=company)
    if customer_id is not None:
        issued = issued.filter(customer_id=customer_id)
        payments = payments.filter(customer_id=customer_id)
        customers = customers.filter(pk=customer_id)
    invoices = issued.filter(kind=Invoice.Kind.INVOICE)
    notes = issued.filter(kind=Invoice.Kind.CREDIT_NOTE)
    before = date_from - timedelta(days=1)

    opening = balances_at(company, on=before, customer_id=customer_id)
    closing = balances_at(company, on=date_to, customer_id=customer_id)
    period = {"issue_date__gte": date_from, "issue_date__lte": date_to}
    invoiced = _sums(invoices.filter(**period), "customer", "total_amount")
    credited = _sums(notes.filter(**period), "customer", "total_amount")
    paid = _sums(
        payments.filter(received_on__gte=date_from, received_on__lte=date_to), "customer", "amount"
    )
    ids = set(opening) | set(closing) | set(invoiced) | set(credited) | set(paid)
    rows = [
        ReconciliationRow(
            pk,
            reference,
            name,
            opening.get(pk, ZERO),
            invoiced.get(pk, ZERO),
            credited.get(pk, ZERO),
            paid.get(pk, ZERO),
            closing.get(pk, ZERO),
        )
        for pk, reference, name in customers.filter(pk__in=ids)
        .order_by("name", "pk")
        .values_list("pk", "reference", "name")
    ]
    if customer_id is not None and not rows:
        found = customers.values_list("pk", "reference", "name").first()
        if found:
            rows = [ReconciliationRow(*found, ZERO, ZERO, ZERO, ZERO, ZERO)]
    return rows


RECONCILIATION_COLUMNS = (
    "reference",
    "customer",
    "opening",
    "invoiced",
    "credited",
    "paid",
    "closing",
    "reconciles",
)


def reconciliation_table(rows: list[ReconciliationRow]) -> list[dict[str, object]]:
    """Rows ready for CSV, XLSX or JSON, amounts as decimal strings."""
    return [
        {
            "reference": row.reference,
            "customer": row.customer,
            "opening": str(row.opening),
            "invoiced": str(row.invoiced),
            "credited": str(row.credited),
            "paid": str(row.paid),
            "closing": str(row.closing),
            "reconciles": row.reconciles,
        }
        for row in rows
    ]
