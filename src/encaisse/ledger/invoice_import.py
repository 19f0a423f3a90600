"""Import of invoices issued by another tool: all or nothing per file, idempotent per number.

Every row of the file is read and checked before anything is written; one bad cell refuses
the whole file and every problem is reported with its line and field. Then, in one
transaction, the invoices whose number the company does not have yet are written with
bulk inserts, with the customers they need and their payment history:

- each row is an issued invoice (source "import", no series, the number as given), its
  total both net and total since the file has no VAT breakdown; a negative total is a
  credit note of the absolute amount, standing as customer credit (payments of credit
  notes, i.e. refunds, are not imported);
- the customer is found by reference, else SIREN, else exact name (case-insensitive), else
  created; a missing due date comes from the customer's terms, else the company's default
  terms, else 30 days net (C. com. L441-10);
- what was already paid (the paid amount, else total minus open amount, else the whole total
  when only a paid date is given) becomes a payment (method "other") allocated to the
  invoice, received on the paid date, or on the import day `on` when the file gives no date;
- a number already in the database is skipped, so importing the same file twice adds nothing;
- a row marked disputed is written like the others; its id is returned in
  `disputed_invoice_ids` for `collection.services.invoices_import`, which opens the disputes in
  the same transaction (collection sits above invoicing and owns disputes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.core.models import Company
from encaisse.core.money import ZERO
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.customers.terms import TermsMethod, due_date
from encaisse.invoicing.importer.mapping import looks_like_header, resolve_columns
from encaisse.invoicing.importer.reading import read_table
from encaisse.invoicing.importer.rows import DateFormat, InvoiceRow, parse_rows
from encaisse.invoicing.models import Invoice
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.settlement import settlement_refresh

BATCH = 1000  # rows per INSERT and per `IN (...)` lookup
DEFAULT_TERMS_DAYS = 30  # nothing agreed: 30 days after the issue date (L441-10 I)


@dataclass(frozen=True, slots=True)
class ImportResult:
    file: str
    created: int = 0
    skipped_existing: int = 0
    customers_created: int = 0
    payments_created: int = 0
    errors: list[FileProblem] = field(default_factory=list)
    dry_run: bool = False
    # New invoices the file marks disputed: a hand-off to collection, which opens their
    # disputes (`collection.services.invoices_import`); not a count, so not compared.
    disputed_invoice_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, object]:
        return {
            "file": self.file,
            "created": self.created,
            "skipped_existing": self.skipped_existing,
            "customers_created": self.customers_created,
            "payments_created": self.payments_created,
        }


def invoice_import(
    *,
    company: Company,
    content: bytes,
    filename: str,
    actor: Actor,
    on: date,
    mapping: Mapping[str, str] | None = None,
    date_format: DateFormat | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import a CSV or XLSX file of invoices; nothing is written unless every row is right.

    `mapping` ({field: column}) overrides the recognised headers and, once the import has
    succeeded, is saved as the company's mapping, which is used when no mapping is given.
    `on` is the import day: the date of payments whose paid date the file does not give.
    """
    file = PurePath(filename).name or "upload"
    saved = company.import_mapping or {}
    try:
        table = read_table(
            content,
            file,
            is_header=lambda cells: looks_like_header(cells, mapping if mapping else saved),
        )
    except FileRejected as exc:
        return ImportResult(file, errors=exc.problems)
    columns, errors = resolve_columns(
        table.header, file=file, header_line=table.header_line, mapping=mapping, saved=saved
    )
    if errors:
        return ImportResult(file, errors=errors)
    rows, errors = parse_rows(table.rows, columns, file=file, date_format=date_format)
    if errors:
        return ImportResult(file, errors=errors)
    try:
        with transaction.atomic():
            # One import at a time per company: the second waits, then skips what the first wrote.
            Company.objects.select_for_update().filter(pk=company.pk).first()
            plan = _plan(company=company, rows=rows, actor=actor, on=on)
            if not dry_run:
                _write(plan)
                if mapping:
                    company.import_mapping = dict(mapping)
                    company.save(update_fields=["import_mapping"])
                result = plan.result(file)
                audit_record(
                    company=company,
                    subject=company,
                    kind="invoices.imported",
                    actor=actor,
                    after=result.counts(),
                )
    except IntegrityError:
        return ImportResult(
            file,
            errors=[
                FileProblem(
                    file,
                    None,
                    "",
                    _(
                        "The data changed while the file was imported; nothing was written. "
                        "Import it again."
                    ),
                )
            ],
        )
    return plan.result(file, dry_run=dry_run)


@dataclass(slots=True)
class _Plan:
    company: Company
    invoices: list[Invoice] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    disputed: list[Invoice] = field(default_factory=list)
    skipped: int = 0

    def result(self, file: str, *, dry_run: bool = False) -> ImportResult:
        return ImportResult(
            file,
            created=len(self.invoices),
            skipped_existing=self.skipped,
            customers_created=len(self.customers),
            payments_created=len(self.payments),
            dry_run=dry_run,
            disputed_invoice_ids=tuple(i.pk for i in self.disputed if i.pk is not None),
        )


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _existing_numbers(company: Company, numbers: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(numbers):
        found.update(
            Invoice.objects.filter(company=company, number__in=chunk).values_list(
                "number", flat=True
            )
        )
    return found


class _Customers:
    """The company's customers, looked up by reference, SIREN or name; new ones kept apart."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.by_ref: dict[str, Customer] = {}
        self.by_siren: dict[str, Customer] = {}
        self.by_name: dict[str, Customer] = {}
        self.new: list[Customer] = []
        for customer in (
            Customer.objects.filter(company=company)
            .only("id", "company_id", "reference", "siren", "name", "payment_terms_id")
            .order_by("id")
        ):
            self._index(customer)
        self.existing = len(self.by_ref)

    def _index(self, customer: Customer) -> None:
        if customer.reference:
            self.by_ref.setdefault(customer.reference, customer)
        if customer.siren:
            self.by_siren.setdefault(customer.siren, customer)
        self.by_name.setdefault(customer.name.casefold(), customer)

    def get_or_new(self, row: InvoiceRow) -> Customer:
        found = (
            (row.customer_ref and self.by_ref.get(row.customer_ref))
            or (row.siren and self.by_siren.get(row.siren))
            or (row.customer_name and self.by_name.get(row.customer_name.casefold()))
        )
        if found:
            return found
        customer = Customer(
            company=self.company,
            reference=row.customer_ref,
            name=row.customer_name or row.customer_ref,
            siren=row.siren,
        )
        self.new.append(customer)
        self._index(customer)
        return customer

    def give_references(self) -> None:
        """Codes C00001, C00002... to the new customers the file gave none, skipping used ones."""
        used = set(self.by_ref)
        count = self.existing
        for customer in self.new:
            if customer.reference:
                continue
            while True:
                count += 1
                reference = f"C{count:05d}"
                if reference not in used:
                    break
            customer.reference = reference
            used.add(reference)


def _plan(*, company: Company, rows: Sequence[InvoiceRow], actor: Actor, on: date) -> _Plan:
    plan = _Plan(company=company)
    existing = _existing_numbers(company, [row.number for row in rows])
    new_rows = [row for row in rows if row.number not in existing]
    plan.skipped = len(rows) - len(new_rows)
    if not new_rows:
        return plan
    customers = _Customers(company)
    terms = {t.pk: t for t in PaymentTerms.objects.filter(company=company)}
    default_terms = terms.get(company.default_terms_id) if company.default_terms_id else None
    user = actor_user(actor)
    for row in new_rows:
        customer = customers.get_or_new(row)
        row_terms = terms.get(customer.payment_terms_id) if customer.payment_terms_id else None
        row_terms = row_terms or default_terms
        total = abs(row.total)
        invoice = Invoice(
            company=company,
            customer=customer,
            kind=Invoice.Kind.CREDIT_NOTE if row.is_credit_note else Invoice.Kind.INVOICE,
            status=Invoice.Status.ISSUED,
            series="",
            number=row.number,
            issue_date=row.issue_date,
            due_date=row.due_date or _default_due_date(row, row_terms),
            payment_terms=row_terms,
            currency=row.currency,
            net_amount=total,
            vat_amount=ZERO,
            total_amount=total,
            source=Invoice.Source.IMPORT,
            created_by=user,
        )
        plan.invoices.append(invoice)
        if row.disputed:
            plan.disputed.append(invoice)
        if row.paid_amount > 0:
            payment = Payment(
                company=company,
                customer=customer,
                amount=row.paid_amount,
                currency=row.currency,
                received_on=row.paid_date or on,
                method=Payment.Method.OTHER,
                reference=f"import {row.number}"[:140],
                source="import",
                created_by=user,
            )
            plan.payments.append(payment)
            plan.allocations.append(
                Allocation(
                    company=company,
                    payment=payment,
                    invoice=invoice,
                    amount=row.paid_amount,
                    created_by=user,
                )
            )
    customers.give_references()
    plan.customers = customers.new
    return plan


def _default_due_date(row: InvoiceRow, terms: PaymentTerms | None) -> date:
    if row.is_credit_note:
        return row.issue_date
    if terms is None:
        return due_date(row.issue_date, TermsMethod.NET, DEFAULT_TERMS_DAYS)
    return due_date(row.issue_date, terms.method, terms.days)


def _write(plan: _Plan) -> None:
    Customer.objects.bulk_create(plan.customers, batch_size=BATCH)
    Invoice.objects.bulk_create(plan.invoices, batch_size=BATCH)
    Payment.objects.bulk_create(plan.payments, batch_size=BATCH)
    Allocation.objects.bulk_create(plan.allocations, batch_size=BATCH)
    if plan.invoices:
        settlement_refresh(plan.invoices[0].company, [i.pk for i in plan.invoices])
