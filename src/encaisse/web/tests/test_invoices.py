"""Invoice forms and actions: draft, issue, edit, cancel, credit, dispute, undo; list filters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from encaisse.core.dates import today
from encaisse.core.models import Company
from encaisse.core.tests.factories import CustomerFactory, make_invoice, make_payment
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import invoice_draft_cancel
from encaisse.payments.models import Allocation
from encaisse.payments.services import credit_note_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(company: Company) -> Customer:
    return CustomerFactory.create(company=company, name="Garage Petit")


def _lines(*rows: tuple[str, str, str, str, str], initial: int = 0) -> dict[str, str]:
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": str(initial)}
    for i, (description, quantity, price, discount, vat) in enumerate(rows):
        data |= {
            f"lines-{i}-description": description,
            f"lines-{i}-quantity": quantity,
            f"lines-{i}-unit_price": price,
            f"lines-{i}-discount_pct": discount,
            f"lines-{i}-vat_pct": vat,
        }
    return data


TWO_LINES = _lines(
    ("Plaquettes de frein", "3", "19,99", "10", "20"),  # 53,97 HT at 20 %
    ("Livre technique", "2", "50.00", "0", "5.5"),  # 100,00 HT at 5,5 %
    ("", "1", "", "0", "20"),  # an extra blank row, ignored
)


def test_create_draft_with_two_lines(web: Client, customer: Customer, company: Company) -> None:
    response = web.post(
        reverse("web:invoice_create"),
        {
            "customer": customer.pk,
            "nature": "both",
            "po_number": "BC-77",
            "supply_date": "2025-03-10",
            "action": "draft",
            **TWO_LINES,
        },
    )

    invoice = Invoice.objects.get(company=company)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:invoice_detail", args=[invoice.pk])
    assert (invoice.status, invoice.number, invoice.po_number, invoice.supply_date) == (
        Invoice.Status.DRAFT,
        "",
        "BC-77",
        date(2025, 3, 10),
    )
    assert (invoice.net_amount, invoice.vat_amount, invoice.total_amount) == (
        Decimal("153.97"),
        Decimal("16.29"),
        Decimal("170.26"),
    )
    assert list(
        invoice.lines.values_list(
            "quantity", "unit_price", "discount_rate", "vat_rate", "net_amount"
        )
    ) == [
        (Decimal("3"), Decimal("19.99"), Decimal("0.1"), Decimal("0.2"), Decimal("53.97")),
        (Decimal("2"), Decimal("50"), Decimal("0"), Decimal("0.055"), Decimal("100.00")),
    ]
    assert list(invoice.vat_totals.values_list("rate", "base_amount", "vat_amount")) == [
        (Decimal("0.2"), Decimal("53.97"), Decimal("10.79")),
        (Decimal("0.055"), Decimal("100.00"), Decimal("5.50")),
    ]


def test_save_and_issue_numbers_and_dates_the_invoice(
    web: Client, customer: Customer, company: Company
) -> None:
    response = web.post(
        reverse("web:invoice_create"),
        {"customer": customer.pk, "nature": "services", "action": "issue", **TWO_LINES},
    )

    invoice = Invoice.objects.get(company=company)
    assert response.status_code == 302
    assert (invoice.status, invoice.number, invoice.issue_date, invoice.due_date) == (
        Invoice.Status.ISSUED,
        "F-000001",
        today(),
        today() + timedelta(days=30),
    )
    page = web.get(reverse("web:invoice_detail", args=[invoice.pk]))
    assert 'id="open-amount">170,26\xa0€<' in page.content.decode()


def test_invoice_without_lines_is_refused(
    web: Client, customer: Customer, company: Company
) -> None:
    response = web.post(
        reverse("web:invoice_create"),
        {
            "customer": customer.pk,
            "nature": "services",
            "action": "draft",
            **_lines(("", "1", "", "0", "20")),
        },
    )

    assert response.status_code == 200
    assert response.context["lines"].non_form_errors()
    assert not Invoice.objects.filter(company=company).exists()


@pytest.mark.parametrize(
    ("_case", "row", "field"),
    [
        (
            "three decimals on a price is fine, five is not",
            ("X", "1", "1,23456", "0", "20"),
            "unit_price",
        ),
        ("zero quantity", ("X", "0", "10", "0", "20"), "quantity"),
        ("negative price", ("X", "1", "-5", "0", "20"), "unit_price"),
        ("discount over 100", ("X", "1", "10", "150", "20"), "discount_pct"),
        ("unknown VAT rate", ("X", "1", "10", "0", "19.6"), "vat_pct"),
        ("not a number", ("X", "un", "10", "0", "20"), "quantity"),
    ],
)
def test_bad_lines_are_field_errors(
    web: Client, customer: Customer, company: Company, _case: str, row: tuple, field: str
) -> None:
    response = web.post(
        reverse("web:invoice_create"),
        {"customer": customer.pk, "nature": "services", "action": "draft", **_lines(row)},
    )

    assert response.status_code == 200
    assert field in response.context["lines"].forms[0].errors
    assert not Invoice.objects.filter(company=company).exists()


def test_edit_draft_replaces_its_lines(web: Client, customer: Customer, company: Company) -> None:
    draft = make_invoice(company=company, customer=customer, amount="10.00", issued_on=None)
    form = web.get(reverse("web:invoice_edit", args=[draft.pk]))
    assert form.context["lines"].forms[0].initial["vat_pct"] == "20"

    data = _lines(
        ("Prestation", "1", "10", "0", "20"), ("Déplacement", "2", "35", "0", "10"), initial=1
    )
    data["lines-0-DELETE"] = "on"
    response = web.post(reverse("web:invoice_edit", args=[draft.pk]), {**data, "action": "draft"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.net_amount, draft.vat_amount, draft.total_amount) == (
        Invoice.Status.DRAFT,
        Decimal("70.00"),
        Decimal("7.00"),
        Decimal("77.00"),
    )
    assert list(draft.lines.values_list("description", flat=True)) == ["Déplacement"]


def test_issued_invoice_cannot_be_edited(web: Client, customer: Customer, company: Company) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="10.00")

    response = web.post(
        reverse("web:invoice_edit", args=[invoice.pk]),
        {**_lines(("Autre", "1", "99", "0", "20"), initial=1), "action": "draft"},
    )

    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.total_amount == Decimal("12.00")
    assert list(invoice.lines.values_list("description", flat=True)) == ["Prestation"]


def test_issue_and_cancel_actions(web: Client, customer: Customer, company: Company) -> None:
    first = make_invoice(company=company, customer=customer, amount="10.00", issued_on=None)
    second = make_invoice(company=company, customer=customer, amount="20.00", issued_on=None)

    web.post(reverse("web:invoice_issue", args=[first.pk]))
    web.post(reverse("web:invoice_cancel", args=[second.pk]))
    again = web.post(reverse("web:invoice_issue", args=[first.pk]), follow=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.number, first.issue_date) == ("issued", "F-000001", today())
    assert (second.status, second.number) == ("cancelled", "")
    assert [str(m) for m in again.context["messages"]] == [
        "Invoice F-000001 issued.",
        "Draft cancelled.",
        "Only a draft can be issued.",
    ]


def test_cancelled_draft_cannot_be_issued(
    web: Client, customer: Customer, company: Company
) -> None:
    draft = make_invoice(company=company, customer=customer, amount="10.00", issued_on=None)
    invoice_draft_cancel(company=company, invoice_id=draft.pk, actor=None)

    web.post(reverse("web:invoice_issue", args=[draft.pk]))

    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("cancelled", "")


def test_full_credit_note(web: Client, customer: Customer, company: Company) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")  # 120 €

    response = web.post(
        reverse("web:invoice_credit", args=[invoice.pk]), {"mode": "full", "reason": "Retour"}
    )

    credit = Invoice.objects.get(company=company, kind=Invoice.Kind.CREDIT_NOTE)
    assert response["Location"] == reverse("web:invoice_detail", args=[credit.pk])
    assert (credit.number, credit.total_amount, credit.credited_invoice, credit.notes) == (
        "AV-000001",
        Decimal("120.00"),
        invoice,
        "Retour",
    )
    page = web.get(reverse("web:invoice_detail", args=[invoice.pk]))
    assert page.context["invoice"].open_amount == Decimal("0.00")


def test_partial_credit_note_is_exactly_the_amount(
    web: Client, customer: Customer, company: Company
) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")  # 120 €

    web.post(
        reverse("web:invoice_credit", args=[invoice.pk]), {"mode": "partial", "amount": "50,00"}
    )

    credit = Invoice.objects.get(company=company, kind=Invoice.Kind.CREDIT_NOTE)
    assert (credit.net_amount, credit.vat_amount, credit.total_amount) == (
        Decimal("41.67"),
        Decimal("8.33"),
        Decimal("50.00"),
    )
    page = web.get(reverse("web:invoice_detail", args=[invoice.pk]))
    assert page.context["invoice"].open_amount == Decimal("70.00")


def test_credit_beyond_what_remains_is_a_form_error(
    web: Client, customer: Customer, company: Company
) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")  # 120 €

    response = web.post(
        reverse("web:invoice_credit", args=[invoice.pk]), {"mode": "partial", "amount": "120.01"}
    )
    missing = web.post(reverse("web:invoice_credit", args=[invoice.pk]), {"mode": "partial"})

    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "The credit note (120.01) exceeds what remains to credit (120.00)."
    ]
    assert "amount" in missing.context["form"].errors
    assert Invoice.objects.filter(company=company).count() == 1


def test_dispute_flag_toggles(web: Client, customer: Customer, company: Company) -> None:
    invoice = make_invoice(company=company, customer=customer)
    url = reverse("web:invoice_dispute", args=[invoice.pk])

    web.post(url, {"disputed": "1"})
    invoice.refresh_from_db()
    assert invoice.disputed
    web.post(url, {"disputed": "0"})
    invoice.refresh_from_db()
    assert not invoice.disputed


def test_undo_allocation_reopens_the_invoice(
    web: Client, customer: Customer, company: Company
) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="120.00")
    allocation = payment.allocations.get()
    detail = reverse("web:invoice_detail", args=[invoice.pk])

    response = web.post(reverse("web:allocation_undo", args=[allocation.pk]), {"next": detail})

    assert response["Location"] == detail
    assert not Allocation.objects.filter(pk=allocation.pk).exists()
    page = web.get(detail)
    assert page.context["invoice"].open_amount == Decimal("120.00")
    assert [e.kind for e in page.context["events"]][:2] == [
        "allocation.undone",
        "allocation.created",
    ]


def test_undo_ignores_an_outside_next(web: Client, customer: Customer, company: Company) -> None:
    invoice = make_invoice(company=company, customer=customer, amount="100.00")
    payment = make_payment(company=company, customer=customer, amount="120.00")

    response = web.post(
        reverse("web:allocation_undo", args=[payment.allocations.get().pk]),
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("web:invoice_detail", args=[invoice.pk])


def test_invoice_list_filters(web: Client, company: Company) -> None:
    alpha = CustomerFactory.create(company=company, name="Alpha")
    beta = CustomerFactory.create(company=company, name="Beta")
    paid = make_invoice(company=company, customer=alpha, issued_on=date(2025, 1, 10))
    make_payment(company=company, customer=alpha, amount="120.00")
    late = make_invoice(company=company, customer=beta, issued_on=date(2025, 2, 10))
    future = make_invoice(company=company, customer=beta, issued_on=today())
    draft = make_invoice(company=company, customer=beta, issued_on=None)
    cancelled = make_invoice(company=company, customer=beta, issued_on=None)
    invoice_draft_cancel(company=company, invoice_id=cancelled.pk, actor=None)
    credit = make_invoice(company=company, customer=beta, issued_on=date(2025, 2, 11))
    note = credit_note_issue(
        company=company, invoice_id=credit.pk, actor=None, on=date(2025, 2, 12)
    )

    def pks(**params: str | int) -> set[int]:
        response = web.get(reverse("web:invoice_list"), params)
        assert response.status_code == 200
        return {i.pk for i in response.context["page"]}

    assert pks() == {paid.pk, late.pk, future.pk, draft.pk, cancelled.pk, credit.pk}
    assert pks(status="draft") == {draft.pk}
    assert pks(status="cancelled") == {cancelled.pk}
    assert pks(status="issued") == {paid.pk, late.pk, future.pk, credit.pk}
    assert pks(status="open") == {late.pk, future.pk}
    assert pks(status="paid") == {paid.pk, credit.pk}
    assert pks(overdue="on") == {late.pk}
    assert pks(customer=alpha.pk) == {paid.pk}
    assert pks(issued_from="2025-02-01", issued_to="2025-02-10") == {late.pk}
    assert pks(kind="credit_note") == {note.pk}
    assert note.pk in pks(kind="all")
    assert pks(q=late.number) == {late.pk}
    assert pks(q="alph") == {paid.pk}
