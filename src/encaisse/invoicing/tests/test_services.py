from datetime import date
from decimal import Decimal

import pytest

from encaisse.core.exceptions import DomainError
from encaisse.core.models import AuditEvent, Company, Sequence
from encaisse.core.tests.factories import (
    CustomerFactory,
    PaymentTermsFactory,
    make_invoice,
    make_payment,
)
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import invoice_get
from encaisse.invoicing.services import (
    LineData,
    invoice_draft_cancel,
    invoice_draft_update,
    invoice_issue,
)
from encaisse.payments.models import Allocation
from encaisse.payments.services import credit_note_issue

D = Decimal
pytestmark = pytest.mark.django_db


def test_issue_numbers_gaplessly_and_computes_due_date(company: Company) -> None:
    # given 45 days end of month (method A) terms
    terms = PaymentTermsFactory.create(company=company, method="eom_then_days", days=45)
    # when three invoices are issued
    invoices = [
        make_invoice(company=company, terms=terms, issued_on=date(2025, 1, 2)) for _ in range(3)
    ]
    # then
    assert [i.number for i in invoices] == ["F-000001", "F-000002", "F-000003"]
    assert invoices[0].due_date == date(2025, 3, 17)
    assert Sequence.objects.get(company=company, series="F").last_number == 3


def test_numbering_is_per_company(company: Company, other_company: Company) -> None:
    make_invoice(company=company)
    assert make_invoice(company=other_company).number == "F-000001"
    assert make_invoice(company=company).number == "F-000002"


def test_no_terms_means_legal_thirty_days(company: Company) -> None:
    invoice = make_invoice(company=company, issued_on=date(2024, 1, 30))
    assert invoice.due_date == date(2024, 2, 29)


def test_a_draft_has_no_number_and_a_failed_issue_uses_none(company: Company) -> None:
    draft = make_invoice(company=company, issued_on=None)
    assert draft.number == ""
    issued = invoice_issue(company=company, invoice_id=draft.pk, actor=None, on=date(2025, 3, 1))
    with pytest.raises(DomainError) as exc:
        invoice_issue(company=company, invoice_id=draft.pk, actor=None, on=date(2025, 3, 2))
    assert exc.value.code == "invoice_not_draft"
    issued.refresh_from_db()
    assert (issued.number, issued.issue_date) == ("F-000001", date(2025, 3, 1))
    assert make_invoice(company=company).number == "F-000002"


def test_issued_invoice_is_frozen(company: Company) -> None:
    invoice = make_invoice(company=company)
    with pytest.raises(DomainError) as exc:
        invoice_draft_update(
            company=company,
            invoice_id=invoice.pk,
            lines=[LineData("Autre", D(1), D("999"), D("0.2"))],
            actor=None,
        )
    assert exc.value.code == "invoice_frozen"
    invoice.refresh_from_db()
    assert invoice.total_amount == D("120.00")
    assert list(invoice.lines.values_list("unit_price", flat=True)) == [D("100.0000")]


def test_only_drafts_can_be_cancelled(company: Company) -> None:
    invoice = make_invoice(company=company)
    with pytest.raises(DomainError):
        invoice_draft_cancel(company=company, invoice_id=invoice.pk, actor=None)
    draft = make_invoice(company=company, issued_on=None)
    assert invoice_draft_cancel(company=company, invoice_id=draft.pk, actor=None).status == (
        "cancelled"
    )


def test_another_companys_invoice_cannot_be_issued(
    company: Company, other_company: Company
) -> None:
    draft = make_invoice(company=other_company, issued_on=None)
    with pytest.raises(Invoice.DoesNotExist):
        invoice_issue(company=company, invoice_id=draft.pk, actor=None, on=date(2025, 1, 1))


def test_full_credit_note_copies_lines_and_cancels_what_is_owed(company: Company) -> None:
    invoice = make_invoice(company=company, amount="250.00")
    credit = credit_note_issue(
        company=company, invoice_id=invoice.pk, actor=None, on=date(2025, 2, 1)
    )
    assert (credit.kind, credit.number, credit.total_amount) == (
        "credit_note",
        "AV-000001",
        D("300.00"),
    )
    assert credit.credited_invoice_id == invoice.pk
    assert list(credit.lines.values_list("description", "net_amount")) == [
        ("Prestation", D("250.00"))
    ]
    refreshed = invoice_get(company, invoice.pk)
    assert (refreshed.credited_amount, refreshed.open_amount) == (D("300.00"), D("0.00"))
    with pytest.raises(DomainError) as exc:
        credit_note_issue(company=company, invoice_id=invoice.pk, actor=None, on=date(2025, 2, 2))
    assert exc.value.code == "invoice_fully_credited"


def test_partial_credit_then_credit_of_the_rest(company: Company) -> None:
    invoice = make_invoice(company=company, amount="1000.00")  # 1 200.00 TTC
    credit_note_issue(
        company=company,
        invoice_id=invoice.pk,
        actor=None,
        on=date(2025, 2, 1),
        lines=[LineData("Remise commerciale", D(1), D("100.00"), D("0.2"))],
    )
    assert invoice_get(company, invoice.pk).open_amount == D("1080.00")
    rest = credit_note_issue(
        company=company, invoice_id=invoice.pk, actor=None, on=date(2025, 2, 2)
    )
    assert rest.total_amount == D("1080.00")
    assert rest.vat_amount == D("180.00")
    assert invoice_get(company, invoice.pk).open_amount == D("0.00")


def test_credit_larger_than_remaining_is_refused_and_writes_nothing(company: Company) -> None:
    invoice = make_invoice(company=company, amount="100.00")
    with pytest.raises(DomainError) as exc:
        credit_note_issue(
            company=company,
            invoice_id=invoice.pk,
            actor=None,
            on=date(2025, 2, 1),
            lines=[LineData("Trop", D(1), D("500.00"), D("0.2"))],
        )
    assert exc.value.code == "credit_exceeds_invoice"
    assert Invoice.objects.filter(kind="credit_note").count() == 0
    assert not Sequence.objects.filter(company=company, series="AV").exclude(last_number=0).exists()


def test_credit_on_a_paid_invoice_turns_the_payment_into_customer_credit(company: Company) -> None:
    # given an invoice of 120.00 paid in full
    customer = CustomerFactory.create(company=company)
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="120.00")
    assert Allocation.objects.get(payment=payment).amount == D("120.00")
    # when half of it is credited
    credit_note_issue(
        company=company,
        invoice_id=invoice.pk,
        actor=None,
        on=date(2025, 3, 1),
        lines=[LineData("Retour", D(1), D("50.00"), D("0.2"))],
    )
    # then the allocation shrinks to what is still owed and 60.00 is free on the payment
    assert Allocation.objects.get(payment=payment).amount == D("60.00")
    refreshed = invoice_get(company, invoice.pk)
    assert (refreshed.paid_amount, refreshed.credited_amount, refreshed.open_amount) == (
        D("60.00"),
        D("60.00"),
        D("0.00"),
    )


def test_issue_and_credit_are_audited(company: Company) -> None:
    invoice = make_invoice(company=company)
    event = AuditEvent.objects.get(company=company, kind="invoice.issued", subject_id=invoice.pk)
    assert event.before["status"] == "draft"
    assert event.after["status"] == "issued"
    assert event.after["number"] == "F-000001"
    assert "number" in event.before
    assert event.before["number"] == ""
