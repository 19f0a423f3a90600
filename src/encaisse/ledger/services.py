"""Ledger use cases: import an FEC into the receivables, all or nothing, idempotent.

`fec_import` reads the file (`ledger.fec`), turns its customer lines into items and settles
them (`ledger.lettering`), then writes customers, invoices, credit notes, payments and
allocations in one transaction with bulk inserts (COPY on PostgreSQL), without a query per
line. Each customer line is remembered as a `FecItem` under a fingerprint that ignores the
lettering, so importing the same file again adds nothing. After the write, the totals read
back from the database are checked against the file's customer accounts; any difference
rolls the whole import back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.bulk import BulkTable, IdBlock
from encaisse.core.db import quantized, statistics_refresh
from encaisse.core.exceptions import DomainError, FileProblem, FileRejected
from encaisse.core.models import Company
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.customers.terms import TermsMethod, due_date
from encaisse.invoicing.models import Invoice
from encaisse.ledger.errors import LedgerCode
from encaisse.ledger.fec import FecFile, FecLine, parse_fec
from encaisse.ledger.lettering import (
    CREDIT_NOTE,
    INVOICE,
    Item,
    Settlement,
    is_lettered,
    items_from_lines,
    settle,
)
from encaisse.ledger.models import FecImport, FecItem, LedgerSettings
from encaisse.ledger.selectors import ledger_settings_get
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.settlement import settlement_refresh

ZERO = Decimal("0.00")
BATCH = 1000
DEFAULT_TERMS_DAYS = 30


def ledger_settings(company: Company) -> LedgerSettings:
    """The company's accounts and journals, created with the PCG defaults on first use."""
    found, _created = LedgerSettings.objects.get_or_create(company=company)
    return found


@dataclass(frozen=True, slots=True)
class AccountCheck:
    """A customer account of the file: its totals, and what the import accounted for."""

    account: str
    label: str
    lines: int
    debit: Decimal
    credit: Decimal
    imported_debit: Decimal
    imported_credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit

    @property
    def ok(self) -> bool:
        return self.debit == self.imported_debit and self.credit == self.imported_credit


@dataclass(slots=True)
class FecImportResult:
    file: str
    entries: int = 0
    lines: int = 0
    customers: int = 0
    invoices: int = 0
    credit_notes: int = 0
    payments: int = 0
    allocations: int = 0
    skipped: int = 0  # customer lines already imported
    open_items: int = 0
    open_amount: Decimal = ZERO
    reconstituted: bool = False
    accounts: list[AccountCheck] = field(default_factory=list)
    errors: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, object]:
        """The stable JSON of `import-fec --format json`."""
        return {
            "entries": self.entries,
            "customers": self.customers,
            "invoices": self.invoices,
            "payments": self.payments,
            "open_items": self.open_items,
            "open_amount": str(self.open_amount),
        }


def fec_import(
    *,
    company: Company,
    source: bytes | Callable[[], IO[bytes]],
    filename: str,
    actor: Actor,
    on: date,
    customer_prefixes: Sequence[str] | None = None,
    reconstitute: bool | None = None,
) -> FecImportResult:
    """Import an FEC file's receivables; nothing is written unless the whole file is right.

    `source` is the content or a callable opening it (streamed). `on` is the import day,
    kept in the audit trail. Customer accounts are those starting with the company's
    customer account prefix (411), unless `customer_prefixes` says otherwise.
    `reconstitute`: None letters the file on import only when it has no lettering at all;
    False keeps the file's lettering as it is (what is unlettered stays open); True letters
    the customer accounts again, ignoring the file's codes.
    """
    file = PurePath(filename).name or "upload"
    settings = ledger_settings_get(company)  # read only: a refused file writes nothing
    prefixes = tuple(customer_prefixes or (settings.customer_account[:3] or "411",))
    try:
        fec = parse_fec(source, file, customer_prefixes=prefixes)
    except FileRejected as exc:
        return FecImportResult(file, errors=exc.problems)
    digest = _sha256(source)
    items = items_from_lines(fec.customer_lines, fec.entries)
    if reconstitute is None:
        reconstitute = bool(items) and not is_lettered(items)
    settlement = settle(items, reconstitute=reconstitute)
    result = FecImportResult(
        file,
        entries=fec.entry_count,
        lines=fec.line_count,
        reconstituted=reconstitute,
        accounts=_account_checks(fec, items),
    )
    _open_items(result, items, settlement)
    if any(not check.ok for check in result.accounts):  # pragma: no cover - a defect
        raise DomainError(
            LedgerCode.FEC_TOTALS, _("The customer accounts do not add up; nothing written.")
        )
    try:
        with transaction.atomic():
            Company.objects.select_for_update().filter(pk=company.pk).first()
            _write(company, fec, items, settlement, result, digest=digest, actor=actor, on=on)
    except IntegrityError:
        return FecImportResult(
            file,
            errors=[
                FileProblem(
                    file,
                    None,
                    "",
                    _("The data changed while the file was imported; nothing was written."),
                )
            ],
        )
    return result


def _sha256(source: bytes | Callable[[], IO[bytes]]) -> str:
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    else:
        with source() as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _account_checks(fec: FecFile, items: Sequence[Item]) -> list[AccountCheck]:
    lines = fec.customer_lines
    imported: dict[str, list[Decimal]] = {}
    for item in items:
        account = lines[item.index].account
        sums = imported.setdefault(account, [ZERO, ZERO])
        sums[0 if item.kind == INVOICE else 1] += item.amount
    checks = []
    for account in sorted({line.account for line in lines}):
        total = fec.accounts[account]
        # A line with both a debit and a credit counts once, for its net amount.
        netted = [line for line in lines if line.account == account and line.debit and line.credit]
        both = sum((min(line.debit, line.credit) for line in netted), ZERO)
        debit, credit = imported.get(account, [ZERO, ZERO])
        checks.append(
            AccountCheck(
                account,
                total.label,
                total.lines,
                total.debit,
                total.credit,
                debit + both,
                credit + both,
            )
        )
    return checks


def _open_items(result: FecImportResult, items: Sequence[Item], s: Settlement) -> None:
    """Open items of the file once settled: invoices, unused credit notes, payments."""
    count, amount = 0, ZERO
    payment_left: dict[tuple[str, ...], Decimal] = {}
    for item in items:
        left = s.left[item.index]
        if item.kind == INVOICE:
            if left > 0:
                count += 1
                amount += left
        elif item.kind == CREDIT_NOTE:
            if item.index not in s.credit_links:
                count += 1
                amount -= item.amount
        else:
            payment_left[item.payment_group] = payment_left.get(item.payment_group, ZERO) + left
    for left in payment_left.values():
        if left > 0:
            count += 1
            amount -= left
    result.open_items, result.open_amount = count, amount


class _Numbers:
    """Invoice numbers from the piece references, made unique in the company."""

    def __init__(self, company: Company, wanted: Iterable[str]) -> None:
        wanted = sorted(set(wanted))
        self.used: set[str] = set()
        for start in range(0, len(wanted), BATCH):
            chunk = wanted[start : start + BATCH]
            self.used.update(
                Invoice.objects.filter(company=company, number__in=chunk).values_list(
                    "number", flat=True
                )
            )

    def take(self, *candidates: str) -> str:
        for candidate in candidates:
            candidate = candidate[:35]
            if candidate and candidate not in self.used:
                self.used.add(candidate)
                return candidate
        base = (candidates[-1] or "FEC")[:30]
        counter = 2
        while f"{base}-{counter}" in self.used:
            counter += 1
        number = f"{base}-{counter}"
        self.used.add(number)
        return number


def _customers(
    company: Company, fec: FecFile, items: Sequence[Item]
) -> tuple[dict[str, tuple[int, int | None]], list[Customer]]:
    """Customer id and terms id per customer key; existing ones found by account or code."""
    keys = sorted({item.customer for item in items})
    # Stored codes are cut to the columns' sizes; look them up the same way.
    short = {key[:40]: key for key in keys}
    found: dict[str, tuple[int, int | None]] = {}
    wanted = sorted(short)
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        for pk, account, terms_id in Customer.objects.filter(
            company=company, accounting_account__in=chunk
        ).values_list("pk", "accounting_account", "payment_terms_id"):
            found.setdefault(short[account], (pk, terms_id))
        for pk, reference, terms_id in Customer.objects.filter(
            company=company, reference__in=chunk
        ).values_list("pk", "reference", "payment_terms_id"):
            found.setdefault(short[reference], (pk, terms_id))
    names: dict[str, str] = {}
    for line in fec.customer_lines:
        key = line.customer_key
        if key not in names or not names[key]:
            names[key] = line.aux_lib if line.aux_num else line.account_lib
    new = [
        Customer(
            company=company,
            reference=key[:40],
            name=(names.get(key) or key)[:200],
            accounting_account=key[:40],
        )
        for key in keys
        if key not in found
    ]
    return found, new


def _write(
    company: Company,
    fec: FecFile,
    items: Sequence[Item],
    s: Settlement,
    result: FecImportResult,
    *,
    digest: str,
    actor: Actor,
    on: date,
) -> None:
    lines = fec.customer_lines
    keys = _item_keys(lines, items)
    known = _known_keys(company, keys)
    new_items = [item for item in items if keys[item.index] not in known]
    result.skipped = len(items) - len(new_items)
    if not new_items:
        return  # everything was imported before: nothing to add, not even a log row
    user = actor_user(actor)
    fec_row = FecImport.objects.create(
        company=company,
        filename=result.file[:255],
        sha256=digest,
        entries=result.entries,
        lines=result.lines,
        open_items=result.open_items,
        open_amount=result.open_amount,
        reconstituted=result.reconstituted,
        created_by=user,
    )
    customer_ids, new_customers = _customers(company, fec, new_items)
    if new_customers:
        full_key = {item.customer[:40]: item.customer for item in new_items}
        Customer.objects.bulk_create(new_customers, batch_size=BATCH)
        references = [c.reference for c in new_customers]
        for start in range(0, len(references), BATCH):
            for pk, reference in Customer.objects.filter(
                company=company, reference__in=references[start : start + BATCH]
            ).values_list("pk", "reference"):
                customer_ids[full_key[reference]] = (pk, None)
    result.customers = len(new_customers)

    terms = {t.pk: t for t in PaymentTerms.objects.filter(company=company)}
    default_terms = terms.get(company.default_terms_id) if company.default_terms_id else None
    documents = [item for item in new_items if item.kind in (INVOICE, CREDIT_NOTE)]
    numbers = _Numbers(company, [lines[i.index].piece_ref for i in documents])
    now = timezone.now()
    invoice_table = BulkTable(
        Invoice,
        (
            "id",
            "company",
            "customer",
            "kind",
            "status",
            "number",
            "issue_date",
            "due_date",
            "payment_terms",
            "net_amount",
            "vat_amount",
            "total_amount",
            "credited_invoice",
            "source",
            "created_by",
        ),
        now,
    )
    invoice_ids = dict(
        zip(
            (i.index for i in documents),
            IdBlock(Invoice).take(len(documents)),
            strict=True,
        )
    )
    rows = []
    kind_invoice, kind_note = Invoice.Kind.INVOICE.value, Invoice.Kind.CREDIT_NOTE.value
    issued, fec_source = Invoice.Status.ISSUED.value, Invoice.Source.FEC.value
    user_id = user.pk if user else None
    for item in documents:
        line = lines[item.index]
        customer_id, terms_id = customer_ids[item.customer]
        item_terms = terms.get(terms_id) if terms_id else default_terms
        number = numbers.take(
            line.piece_ref,
            f"{line.piece_ref or line.journal_code}-{line.entry_num}",
        )
        linked = s.credit_links.get(item.index)
        if item.kind == CREDIT_NOTE:
            due = item.on
        elif item_terms is None:
            due = due_date(item.on, TermsMethod.NET, DEFAULT_TERMS_DAYS)
        else:
            due = due_date(item.on, item_terms.method, item_terms.days)
        rows.append(
            (
                invoice_ids[item.index],
                company.pk,
                customer_id,
                kind_invoice if item.kind == INVOICE else kind_note,
                issued,
                number,
                item.on,
                due,
                item_terms.pk if item_terms and item.kind == INVOICE else None,
                item.net,
                item.vat,
                item.amount,
                invoice_ids.get(linked) if linked is not None else None,
                fec_source,
                user_id,
            )
        )
    # Invoices first, then credit notes, which point at them.
    invoice_table.insert(r for r in rows if r[3] == kind_invoice)
    invoice_table.insert(r for r in rows if r[3] != kind_invoice)
    result.invoices = sum(1 for r in rows if r[3] == kind_invoice)
    result.credit_notes = len(rows) - result.invoices

    payment_items = [item for item in new_items if item.kind not in (INVOICE, CREDIT_NOTE)]
    groups: dict[tuple[str, ...], list[Item]] = {}
    for item in payment_items:
        groups.setdefault(item.payment_group, []).append(item)
    payment_ids = dict(zip(groups, IdBlock(Payment).take(len(groups)), strict=True))
    payment_table = BulkTable(
        Payment,
        (
            "id",
            "company",
            "customer",
            "amount",
            "received_on",
            "method",
            "reference",
            "notes",
            "source",
            "created_by",
        ),
        now,
    )
    payment_rows = []
    transfer, other = Payment.Method.TRANSFER.value, Payment.Method.OTHER.value
    for group_key, group in groups.items():
        first = lines[group[0].index]
        bank = fec.entries[(first.journal_code, first.entry_num)].bank
        payment_rows.append(
            (
                payment_ids[group_key],
                company.pk,
                customer_ids[group[0].customer][0],
                sum((i.amount for i in group), ZERO),
                first.entry_date,
                transfer if bank else other,
                (first.piece_ref or first.label)[:140],
                f"FEC {first.journal_code} {first.entry_num}: {first.label}"[:500],
                "fec",
                user_id,
            )
        )
    payment_table.insert(payment_rows)
    result.payments = len(payment_rows)

    payment_of = {item.index: payment_ids[item.payment_group] for item in payment_items}
    allocated: dict[tuple[int, int], Decimal] = {}
    for (pay_index, inv_index), amount in s.allocations.items():
        if pay_index in payment_of and inv_index in invoice_ids:
            key = (payment_of[pay_index], invoice_ids[inv_index])
            allocated[key] = allocated.get(key, ZERO) + amount
    BulkTable(Allocation, ("company", "payment", "invoice", "amount", "created_by"), now).insert(
        (company.pk, pay, inv, amount, user.pk if user else None)
        for (pay, inv), amount in allocated.items()
    )
    result.allocations = len(allocated)
    settlement_refresh(company, invoice_ids.values())

    BulkTable(
        FecItem,
        (
            "company",
            "fec_import",
            "key",
            "account",
            "customer_key",
            "letter",
            "amount",
            "invoice",
            "payment",
        ),
        now,
    ).insert(
        (
            company.pk,
            fec_row.pk,
            keys[item.index],
            lines[item.index].account[:40],
            item.customer[:40],
            lines[item.index].letter[:20],
            lines[item.index].amount,
            invoice_ids.get(item.index),
            payment_of.get(item.index),
        )
        for item in new_items
    )
    _check_written(company, fec_row, new_items, result)
    fec_row.customers_created = result.customers
    fec_row.invoices_created = result.invoices
    fec_row.credit_notes_created = result.credit_notes
    fec_row.payments_created = result.payments
    fec_row.allocations_created = result.allocations
    fec_row.save()
    audit_record(
        company=company,
        subject=fec_row,
        kind="fec.imported",
        actor=actor,
        after={
            **result.counts(),
            "file": result.file,
            "credit_notes": result.credit_notes,
            "skipped": result.skipped,
            "reconstituted": result.reconstituted,
            "on": on.isoformat(),
        },
    )


def _item_keys(lines: Sequence[FecLine], items: Sequence[Item]) -> dict[int, str]:
    """Fingerprint of each item's line, numbered when the same line appears twice."""
    seen: dict[str, int] = {}
    keys = {}
    for item in items:
        base = lines[item.index].fingerprint()
        count = seen.get(base, 0)
        seen[base] = count + 1
        keys[item.index] = base if count == 0 else f"{base[:34]}#{count}"
    return keys


def _known_keys(company: Company, keys: dict[int, str]) -> set[str]:
    if not FecItem.objects.filter(company=company).exists():
        return set()
    wanted = set(keys.values())
    return {
        key
        for key in FecItem.objects.filter(company=company).values_list("key", flat=True).iterator()
        if key in wanted
    }


def _check_written(
    company: Company, fec_row: FecImport, items: Sequence[Item], result: FecImportResult
) -> None:
    """Read back what was written; a difference with the file undoes the import."""
    statistics_refresh(FecItem, Invoice, Payment, inserted=len(items))
    mine = FecItem.objects.filter(company=company, fec_import=fec_row)
    invoices = Invoice.objects.filter(
        company=company, pk__in=mine.filter(invoice__isnull=False).values("invoice_id")
    )
    written = {
        INVOICE: quantized(
            invoices.filter(kind=Invoice.Kind.INVOICE).aggregate(s=Sum("total_amount"))["s"]
        ),
        CREDIT_NOTE: quantized(
            invoices.filter(kind=Invoice.Kind.CREDIT_NOTE).aggregate(s=Sum("total_amount"))["s"]
        ),
        "payment": quantized(
            Payment.objects.filter(
                company=company, pk__in=mine.filter(payment__isnull=False).values("payment_id")
            ).aggregate(s=Sum("amount"))["s"]
        ),
    }
    expected = {INVOICE: ZERO, CREDIT_NOTE: ZERO, "payment": ZERO}
    for item in items:
        expected[item.kind] += item.amount
    if written != expected:  # pragma: no cover - a defect, never a user error
        raise DomainError(
            LedgerCode.FEC_WRITTEN_TOTALS,
            _("What was written does not match the file; nothing was imported."),
            written={k: str(v) for k, v in written.items()},
            expected={k: str(v) for k, v in expected.items()},
        )
