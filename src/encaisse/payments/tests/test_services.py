from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.exceptions import DomainError
from encaisse.core.models import Company
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    make_invoice,
    make_payment,
)
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_get, with_open_amount
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.services import (
    allocation_undo,
    payment_allocate,
    payment_record,
    payment_unallocated,
)

D = Decimal
pytestmark = pytest.mark.django_db


def test_oldest_due_first_with_partial_remainder(company: Company) -> None:
    # given three invoices of 120.00 due at different dates
    customer = CustomerFactory.create(company=company)
    late = make_invoice(company=company, customer=customer, issued_on=date(2025, 1, 10))
    older = make_invoice(company=company, customer=customer, issued_on=date(2024, 12, 1))
    newest = make_invoice(company=company, customer=customer, issued_on=date(2025, 2, 1))
    # when 200.00 arrives
    payment = make_payment(company=company, customer=customer, amount="200.00")
    # then the oldest is settled and the next one partly
    assert invoice_get(company, older.pk).open_amount == D("0.00")
    assert invoice_get(company, late.pk).open_amount == D("40.00")
    assert invoice_get(company, newest.pk).open_amount == D("120.00")
    assert payment_unallocated(payment) == D("0.00")


def test_overpayment_stays_as_customer_credit(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer)
    payment = make_payment(company=company, customer=customer, amount="150.00")
    assert invoice_get(company, invoice.pk).open_amount == D("0.00")
    assert payment_unallocated(payment) == D("30.00")


def test_allocation_to_chosen_invoices(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    a = make_invoice(company=company, customer=customer)
    b = make_invoice(company=company, customer=customer)
    payment_record(
        company=company,
        customer=customer,
        amount=D("100.00"),
        received_on=date(2025, 2, 1),
        actor=None,
        allocate_to={b.pk: D("70.00"), a.pk: D("30.00")},
    )
    assert invoice_get(company, a.pk).open_amount == D("90.00")
    assert invoice_get(company, b.pk).open_amount == D("50.00")


@pytest.mark.parametrize(
    ("_case", "amount", "code"),
    [
        ("more than the invoice", "130.00", "allocation_exceeds_invoice"),
        ("zero", "0.00", "allocation_amount"),
    ],
)
def test_bad_allocation_is_refused_and_writes_nothing(
    company: Company, _case: str, amount: str, code: str
) -> None:
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer)
    with pytest.raises(DomainError) as exc:
        payment_record(
            company=company,
            customer=customer,
            amount=D("500.00"),
            received_on=date(2025, 2, 1),
            actor=None,
            allocate_to={invoice.pk: D(amount)},
        )
    assert exc.value.code == code
    assert Payment.objects.count() == 0
    assert Allocation.objects.count() == 0


def test_allocation_beyond_payment_is_refused(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer)
    payment = make_payment(company=company, customer=customer, amount="50.00", auto_allocate=False)
    with pytest.raises(DomainError) as exc:
        payment_allocate(
            company=company, payment_id=payment.pk, amounts={invoice.pk: D("60")}, actor=None
        )
    assert exc.value.code == "allocation_exceeds_payment"
    assert not Allocation.objects.exists()


def test_allocation_to_another_customers_or_companys_invoice_is_refused(
    company: Company, other_company: Company
) -> None:
    customer = CustomerFactory.create(company=company)
    payment = make_payment(company=company, customer=customer, amount="50.00", auto_allocate=False)
    someone_else = make_invoice(company=company)
    foreign = make_invoice(company=other_company)
    for invoice, code in (
        (someone_else, "allocation_other_customer"),
        (foreign, "invoice_unknown"),
    ):
        with pytest.raises(DomainError) as exc:
            payment_allocate(
                company=company, payment_id=payment.pk, amounts={invoice.pk: D("10")}, actor=None
            )
        assert exc.value.code == code
    assert not Allocation.objects.exists()


def test_undo_reopens_the_invoice(company: Company) -> None:
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer)
    payment = make_payment(company=company, customer=customer, amount="120.00")
    allocation = Allocation.objects.get(payment=payment)
    allocation_undo(company=company, allocation_id=allocation.pk, actor=None)
    assert invoice_get(company, invoice.pk).open_amount == D("120.00")
    assert payment_unallocated(payment) == D("120.00")


def test_undo_of_another_companys_allocation_is_refused(
    company: Company, other_company: Company
) -> None:
    customer = CustomerFactory.create(company=other_company)
    make_invoice(company=other_company, customer=customer)
    make_payment(company=other_company, customer=customer, amount="120.00")
    allocation = Allocation.objects.get()
    with pytest.raises(DomainError):
        allocation_undo(company=company, allocation_id=allocation.pk, actor=None)
    assert Allocation.objects.filter(pk=allocation.pk).exists()


money = st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    invoice_amounts=st.lists(money, min_size=1, max_size=5),
    payments=st.lists(st.tuples(money, st.booleans()), min_size=1, max_size=6),
    undo=st.lists(st.integers(0, 20), max_size=3),
)
def test_allocation_invariants_hold_whatever_happens(
    django_db_blocker: object,
    invoice_amounts: list[Decimal],
    payments: list[tuple[Decimal, bool]],
    undo: list[int],
) -> None:
    company = CompanyFactory.create()
    customer = CustomerFactory.create(company=company)
    for amount in invoice_amounts:
        make_invoice(company=company, customer=customer, amount=amount, vat_rate="0")
    for amount, auto in payments:
        make_payment(company=company, customer=customer, amount=amount, auto_allocate=auto)
    allocations = list(Allocation.objects.filter(company=company).order_by("pk"))
    for index in undo:
        if (
            index < len(allocations)
            and Allocation.objects.filter(pk=allocations[index].pk).exists()
        ):
            allocation_undo(company=company, allocation_id=allocations[index].pk, actor=None)
    for payment in Payment.objects.filter(company=company):
        assert D(0) <= payment_unallocated(payment) <= payment.amount
    for invoice in with_open_amount(Invoice.objects.filter(company=company)):
        assert D(0) <= invoice.open_amount <= invoice.total_amount
    total_invoiced = sum(invoice_amounts)
    total_paid = sum(amount for amount, _ in payments)
    owed = sum(i.open_amount for i in with_open_amount(Invoice.objects.filter(company=company)))
    free = sum(payment_unallocated(p) for p in Payment.objects.filter(company=company))
    assert total_invoiced - owed == total_paid - free
