"""Write a demo plan to the database in bulk: one transaction, batched inserts, no per-row query.

The rows bypass the services on purpose: the plan already keeps their invariants (gapless
numbers, totals from `invoicing.calc`, allocations within payments and invoices), and going
through `invoice_issue` and `payment_record` one row at a time would take hours at 500 000
invoices. One audit event records the generation. Disputes go through collection
(`disputes_open_bulk`), which owns them and keeps `Invoice.disputed`: one per disputed invoice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from encaisse.cli.demo.plan import DemoPlan
from encaisse.cli.demo.records import DEFAULT_TERMS, InvoiceRecord, PaymentRecord
from encaisse.collection.services import disputes_open_bulk
from encaisse.core.audit import audit_record
from encaisse.core.bulk import BulkTable, IdBlock
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company, Membership, Role
from encaisse.core.models import Sequence as NumberSequence
from encaisse.customers.models import Contact, Customer, PaymentTerms
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice, InvoiceLine, VatTotal
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.settlement import settlement_refresh

DEMO_USERS = (("demo", "demo", Role.OWNER), ("comptable", "demo", Role.ACCOUNTANT))
INSERT_BATCH = 5000


@dataclass(frozen=True, slots=True)
class DemoResult:
    company: Company
    customers: int
    invoices: int
    credit_notes: int
    lines: int
    payments: int
    allocations: int


def demo_user(username: str, password: str) -> User:
    """The named demo user, created with its password the first time, reused afterwards."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_user(
            username=username, password=password, email=f"{username}@demo-industrie.example"
        )
    return user


@transaction.atomic
def demo_write(plan: DemoPlan, *, slug: str, batch_size: int = INSERT_BATCH) -> DemoResult:
    """Create the company of `plan` under `slug`, with its users, customers and activity."""
    if Company.objects.filter(slug=slug).exists():
        raise DomainError(
            InvoicingCode.DEMO_EXISTS,
            _("A company with slug %(slug)s already exists.") % {"slug": slug},
        )
    record = plan.company
    company = Company(
        slug=slug,
        legal_name=record.legal_name,
        legal_form=record.legal_form,
        share_capital=record.share_capital,
        rcs_city=record.rcs_city,
        siren=record.siren,
        vat_number=record.vat_number,
        iban=record.iban,
        bic=record.bic,
        email=record.email,
        phone=record.phone,
        address_line1=record.address_line1,
        postal_code=record.postal_code,
        city=record.city,
        invoice_series=plan.config.invoice_series,
        credit_note_series=plan.config.credit_note_series,
    )
    company.full_clean()
    company.save()
    terms = {
        t.key: PaymentTerms.objects.create(
            company=company, name=t.name, method=t.method, days=t.days
        )
        for t in plan.terms
    }
    company.default_terms = terms[DEFAULT_TERMS]
    company.save(update_fields=["default_terms"])
    users = {}
    for username, password, role in DEMO_USERS:
        users[username] = demo_user(username, password)
        Membership.objects.get_or_create(
            company=company, user=users[username], defaults={"role": role}
        )
    owner = users["demo"]

    customers = Customer.objects.bulk_create(
        [
            Customer(
                company=company,
                reference=c.reference,
                name=c.name,
                kind=c.kind,
                legal_form=c.legal_form,
                siren=c.siren,
                siret=c.siret,
                vat_number=c.vat_number,
                email=c.email,
                phone=c.phone,
                address_line1=c.address_line1,
                address_line2=c.address_line2,
                postal_code=c.postal_code,
                city=c.city,
                country=c.country,
                language=c.language,
                payment_terms=terms[c.terms],
                credit_limit=c.credit_limit,
                owner=owner if c.owned else None,
                notes=c.notes,
            )
            for c in plan.customers
        ],
        batch_size=batch_size,
    )
    customer_ids = [c.pk for c in customers]
    if None in customer_ids:  # a database that cannot return ids from a bulk insert
        by_reference = dict(Customer.objects.filter(company=company).values_list("reference", "pk"))
        customer_ids = [by_reference[c.reference] for c in plan.customers]
    Contact.objects.bulk_create(
        [
            Contact(
                company=company,
                customer_id=customer_ids[c.index],
                name=k.name,
                email=k.email,
                phone=k.phone,
                role=k.role,
            )
            for c in plan.customers
            for k in c.contacts
        ],
        batch_size=batch_size,
    )

    terms_ids = {key: t.pk for key, t in terms.items()}
    tables = _Tables(company)
    invoice_ids: list[int] = []
    disputed: list[int] = []
    counts = {"invoices": 0, "credit_notes": 0, "lines": 0, "payments": 0, "allocations": 0}
    for batch in plan.batches(batch_size):
        if batch.invoices:
            ids = tables.documents(batch.invoices, customer_ids, terms_ids, invoice_ids)
            invoice_ids.extend(ids)
            disputed.extend(pk for r, pk in zip(batch.invoices, ids, strict=True) if r.disputed)
            counts["invoices"] += len(batch.invoices)
            counts["lines"] += sum(len(i.lines) for i in batch.invoices)
        if batch.credit_notes:
            tables.documents(batch.credit_notes, customer_ids, terms_ids, invoice_ids)
            counts["credit_notes"] += len(batch.credit_notes)
            counts["lines"] += sum(len(i.lines) for i in batch.credit_notes)
        if batch.payments:
            tables.payments(batch.payments, customer_ids, invoice_ids)
            counts["payments"] += len(batch.payments)
            counts["allocations"] += sum(len(p.allocations) for p in batch.payments)

    settlement_refresh(company)
    for series, last in (
        (company.invoice_series, counts["invoices"]),
        (company.credit_note_series, counts["credit_notes"]),
    ):
        NumberSequence.objects.update_or_create(
            company=company, series=series, defaults={"last_number": last}
        )
    disputes_open_bulk(
        company=company, texts=dict.fromkeys(disputed, ""), actor=None, on=plan.config.today
    )
    result = DemoResult(company=company, customers=len(customer_ids), **counts)
    audit_record(
        company=company,
        subject=company,
        kind="demo.generated",
        actor=None,
        after={
            "seed": plan.config.seed,
            "today": plan.config.today.isoformat(),
            "customers": result.customers,
            "invoices": result.invoices,
            "credit_notes": result.credit_notes,
            "payments": result.payments,
        },
    )
    return result


class _Tables:
    """The tables a demo fills, with their id counters."""

    def __init__(self, company: Company) -> None:
        now = timezone.now()
        self.company_id = company.pk
        self.invoice = BulkTable(
            Invoice,
            (
                "id",
                "company",
                "customer",
                "kind",
                "status",
                "series",
                "number",
                "issue_date",
                "due_date",
                "supply_date",
                "payment_terms",
                "nature",
                "po_number",
                "net_amount",
                "vat_amount",
                "total_amount",
                "credited_invoice",
                "source",
                "notes",
            ),
            now,
        )
        self.line = BulkTable(
            InvoiceLine,
            (
                "company",
                "invoice",
                "position",
                "description",
                "quantity",
                "unit_price",
                "discount_rate",
                "vat_rate",
                "net_amount",
            ),
            now,
        )
        self.vat = BulkTable(
            VatTotal,
            (
                "company",
                "invoice",
                "rate",
                "base_amount",
                "vat_amount",
            ),
            now,
        )
        self.payment = BulkTable(
            Payment,
            (
                "id",
                "company",
                "customer",
                "amount",
                "received_on",
                "method",
                "reference",
                "source",
            ),
            now,
        )
        self.allocation = BulkTable(Allocation, ("company", "payment", "invoice", "amount"), now)
        self.invoice_ids = IdBlock(Invoice)
        self.payment_ids = IdBlock(Payment)

    def documents(
        self,
        records: tuple[InvoiceRecord, ...],
        customer_ids: list[int],
        terms_ids: dict[str, int],
        invoice_ids: list[int],
    ) -> list[int]:
        """Insert issued invoices or credit notes with their lines and VAT totals; their ids."""
        ids = self.invoice_ids.take(len(records))
        company_id, issued, demo = self.company_id, Invoice.Status.ISSUED.value, "demo"
        self.invoice.insert(
            (
                pk,
                company_id,
                customer_ids[r.customer],
                r.kind,
                issued,
                r.series,
                r.number,
                r.issue_date,
                r.due_date,
                r.supply_date,
                terms_ids[r.terms] if r.terms else None,
                r.nature,
                r.po_number,
                r.net_amount,
                r.vat_amount,
                r.total_amount,
                invoice_ids[r.credited_invoice] if r.credited_invoice is not None else None,
                demo,
                r.notes,
            )
            for r, pk in zip(records, ids, strict=True)
        )
        self.line.insert(
            (
                company_id,
                pk,
                position,
                line.description,
                line.quantity,
                line.unit_price,
                line.discount_rate,
                line.vat_rate,
                line.net_amount,
            )
            for r, pk in zip(records, ids, strict=True)
            for position, line in enumerate(r.lines, start=1)
        )
        self.vat.insert(
            (company_id, pk, v.rate, v.base_amount, v.vat_amount)
            for r, pk in zip(records, ids, strict=True)
            for v in r.vat
        )
        return ids

    def payments(
        self, records: tuple[PaymentRecord, ...], customer_ids: list[int], invoice_ids: list[int]
    ) -> None:
        ids = self.payment_ids.take(len(records))
        company_id = self.company_id
        self.payment.insert(
            (
                pk,
                company_id,
                customer_ids[p.customer],
                p.amount,
                p.received_on,
                p.method,
                p.reference,
                "demo",
            )
            for p, pk in zip(records, ids, strict=True)
        )
        self.allocation.insert(
            (company_id, pk, invoice_ids[a.invoice], a.amount)
            for p, pk in zip(records, ids, strict=True)
            for a in p.allocations
        )
