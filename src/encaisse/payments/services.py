"""Payment use cases: record, allocate (lettrage), undo. Invariants re-checked under lock.

Sum of a payment's allocations <= its amount; sum of an invoice's allocations and credit
notes <= its total. Both are re-read after SELECT FOR UPDATE on the payment and the invoices,
never decided from values read earlier.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record, snapshot
from encaisse.core.db import quantized
from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer
from encaisse.invoicing.errors import InvoicingCode
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.invoicing.services import LineData, invoice_credit
from encaisse.payments.errors import PaymentsCode
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.settlement import settlement_refresh

PAYMENT_FIELDS = ("customer", "amount", "currency", "received_on", "method", "reference")


def payment_unallocated(payment: Payment) -> Decimal:
    return payment.amount - quantized(payment.allocations.aggregate(s=Sum("amount"))["s"])


@transaction.atomic
def payment_record(
    *,
    company: Company,
    customer: Customer,
    amount: Decimal,
    received_on: date,
    actor: Actor,
    method: str = Payment.Method.TRANSFER,
    reference: str = "",
    currency: str = "EUR",
    allocate_to: Mapping[int, Decimal] | None = None,
    auto_allocate: bool = True,
    source: str = "manual",
) -> Payment:
    """Record money received; allocate it to the chosen invoices, or oldest due first."""
    if customer.company_id != company.pk:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    if amount <= 0:
        raise DomainError(PaymentsCode.PAYMENT_AMOUNT, _("A payment amount must be positive."))
    payment = Payment.objects.create(
        company=company,
        customer=customer,
        amount=amount,
        currency=currency,
        received_on=received_on,
        method=method,
        reference=reference,
        source=source,
        created_by=actor_user(actor),
    )
    audit_record(
        company=company,
        subject=payment,
        kind="payment.recorded",
        actor=actor,
        after=snapshot(payment, PAYMENT_FIELDS),
    )
    if allocate_to:
        payment_allocate(company=company, payment_id=payment.pk, amounts=allocate_to, actor=actor)
    elif auto_allocate:
        payment_allocate_oldest_first(company=company, payment_id=payment.pk, actor=actor)
    return payment


def _lock_payment(company: Company, payment_id: int) -> Payment:
    try:
        return Payment.objects.select_for_update().get(company=company, pk=payment_id)
    except Payment.DoesNotExist as exc:
        raise DomainError(PaymentsCode.PAYMENT_UNKNOWN, _("Unknown payment.")) from exc


@transaction.atomic
def payment_allocate(
    *, company: Company, payment_id: int, amounts: Mapping[int, Decimal], actor: Actor
) -> list[Allocation]:
    """Allocate parts of a payment to the given invoices ({invoice id: amount})."""
    payment = _lock_payment(company, payment_id)
    invoices = {
        inv.pk: inv
        for inv in Invoice.objects.select_for_update().filter(company=company, pk__in=amounts)
    }
    left = payment_unallocated(payment)
    open_amounts = {
        invoice.pk: invoice.open_amount
        for invoice in with_open_amount(Invoice.objects.filter(pk__in=invoices))
    }
    created = []
    for invoice_id, amount in amounts.items():
        invoice = invoices.get(invoice_id)
        if invoice is None:
            raise DomainError(
                InvoicingCode.INVOICE_UNKNOWN, _("Unknown invoice."), invoice_id=invoice_id
            )
        if invoice.customer_id != payment.customer_id:
            raise DomainError(
                PaymentsCode.ALLOCATION_OTHER_CUSTOMER,
                _("Invoice %(n)s belongs to another customer.") % {"n": invoice},
            )
        if invoice.status != Invoice.Status.ISSUED or invoice.is_credit_note:
            raise DomainError(
                PaymentsCode.ALLOCATION_NOT_ISSUED,
                _("Invoice %(n)s is not an issued invoice.") % {"n": invoice},
            )
        if amount <= 0:
            raise DomainError(
                PaymentsCode.ALLOCATION_AMOUNT, _("An allocated amount must be positive.")
            )
        if amount > open_amounts[invoice_id]:
            raise DomainError(
                PaymentsCode.ALLOCATION_EXCEEDS_INVOICE,
                _("%(a)s exceeds the %(o)s left to pay on invoice %(n)s.")
                % {"a": amount, "o": open_amounts[invoice_id], "n": invoice},
            )
        if amount > left:
            raise DomainError(
                PaymentsCode.ALLOCATION_EXCEEDS_PAYMENT,
                _("Only %(left)s of this payment is left to allocate.") % {"left": left},
            )
        left -= amount
        open_amounts[invoice_id] -= amount
        allocation = Allocation.objects.create(
            company=company,
            payment=payment,
            invoice=invoice,
            amount=amount,
            created_by=actor_user(actor),
        )
        audit_record(
            company=company,
            subject=invoice,
            kind="allocation.created",
            actor=actor,
            after={"payment": payment.pk, "amount": str(amount)},
        )
        created.append(allocation)
    settlement_refresh(company, open_amounts)
    from encaisse.invoicing.documents.lifecycle import lifecycle_paid_record

    for invoice_id, open_amount in open_amounts.items():
        if open_amount == 0:  # fully paid now: e-invoicing status 212 "Encaissée"
            lifecycle_paid_record(company=company, invoice_id=invoice_id, on=payment.received_on)
    return created


@transaction.atomic
def payment_allocate_oldest_first(
    *, company: Company, payment_id: int, actor: Actor
) -> list[Allocation]:
    """Spread what is left of a payment over the customer's open invoices, oldest due first."""
    payment = _lock_payment(company, payment_id)
    left = payment_unallocated(payment)
    open_invoices = (
        with_open_amount(
            Invoice.objects.filter(
                company=company,
                customer_id=payment.customer_id,
                kind=Invoice.Kind.INVOICE,
                status=Invoice.Status.ISSUED,
            )
        )
        .filter(Q(open_amount__gt=0))
        .order_by("due_date", "issue_date", "id")
    )
    plan: dict[int, Decimal] = {}
    for invoice in open_invoices:
        if left <= 0:
            break
        take = min(left, invoice.open_amount)
        plan[invoice.pk] = take
        left -= take
    if not plan:
        return []
    return payment_allocate(company=company, payment_id=payment.pk, amounts=plan, actor=actor)


@transaction.atomic
def allocation_undo(*, company: Company, allocation_id: int, actor: Actor) -> None:
    """Remove an allocation: the invoice is open again, the payment's money unallocated."""
    try:
        allocation = (
            Allocation.objects.select_for_update()
            .select_related("invoice")
            .get(company=company, pk=allocation_id)
        )
    except Allocation.DoesNotExist as exc:
        raise DomainError(PaymentsCode.ALLOCATION_UNKNOWN, _("Unknown allocation.")) from exc
    audit_record(
        company=company,
        subject=allocation.invoice,
        kind="allocation.undone",
        actor=actor,
        before={"payment": allocation.payment_id, "amount": str(allocation.amount)},
    )
    allocation.delete()
    settlement_refresh(company, [allocation.invoice_id])


@transaction.atomic
def credit_note_issue(
    *,
    company: Company,
    invoice_id: int,
    actor: Actor,
    on: date,
    lines: Sequence[LineData] | None = None,
    reason: str = "",
) -> Invoice:
    """Credit an issued invoice (invoicing's `invoice_credit`) and release the payments that
    the credit note makes excess, in one transaction: what the web and the API call."""
    credit = invoice_credit(
        company=company, invoice_id=invoice_id, actor=actor, on=on, lines=lines, reason=reason
    )
    allocations_release_excess(company=company, invoice_id=invoice_id, actor=actor)
    return credit


@transaction.atomic
def allocations_release_excess(*, company: Company, invoice_id: int, actor: Actor) -> None:
    """Give back, as customer credit, what an invoice's payments cover beyond what is owed on it
    once credit notes reduced it: the allocations of an invoice never exceed its total net of
    credits (DESIGN invariant). Newest allocations are released first."""
    settlement_refresh(company, [invoice_id])
    invoice = with_open_amount(Invoice.objects.filter(company=company, pk=invoice_id)).get()
    excess = -invoice.open_amount
    for allocation in (
        Allocation.objects.select_for_update()
        .filter(company=company, invoice_id=invoice_id)
        .order_by("-id")
    ):
        if excess <= 0:
            break
        take = min(excess, allocation.amount)
        before = {"amount": str(allocation.amount)}
        if take == allocation.amount:
            audit_record(
                company=company,
                subject=allocation.payment,
                kind="allocation.released",
                actor=actor,
                before={"invoice": invoice.number, **before},
            )
            allocation.delete()
        else:
            allocation.amount -= take
            allocation.save(update_fields=["amount"])
            audit_record(
                company=company,
                subject=allocation.payment,
                kind="allocation.reduced",
                actor=actor,
                before=before,
                after={"amount": str(allocation.amount)},
            )
        excess -= take
    settlement_refresh(company, [invoice_id])
