"""The demo generator: a deterministic plan, and a bulk write that keeps the ledger's invariants."""

from __future__ import annotations

import doctest
import statistics
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.test import Client
from schwifty import IBAN
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from encaisse.cli.demo import customers as customers_module
from encaisse.cli.demo.customers import behaviour_quotas
from encaisse.cli.demo.plan import DemoPlan
from encaisse.cli.demo.records import (
    Batch,
    Behaviour,
    DemoConfig,
    InvoiceRecord,
    PaymentRecord,
)
from encaisse.core.dates import is_business_day
from encaisse.core.models import AuditEvent, Company, Membership, Role, Sequence
from encaisse.core.sequences import format_number
from encaisse.customers.models import Contact, Customer, PaymentTerms
from encaisse.invoicing.calc import LineInput, invoice_totals
from encaisse.invoicing.models import Invoice, InvoiceLine, VatTotal
from encaisse.invoicing.services import (
    LineData,
    invoice_draft_create,
    invoice_issue,
)
from encaisse.payments.models import Allocation, Payment
from encaisse.payments.services import credit_note_issue

TODAY = date(2026, 3, 15)


def plan_records(
    customers: int, invoices: int, seed: int = 1
) -> tuple[DemoPlan, list[InvoiceRecord], list[PaymentRecord], list[InvoiceRecord]]:
    plan = DemoPlan(DemoConfig(today=TODAY, customers=customers, invoices=invoices, seed=seed))
    batches: list[Batch] = list(plan.batches(size=500))
    return (
        plan,
        [i for b in batches for i in b.invoices],
        [p for b in batches for p in b.payments],
        [c for b in batches for c in b.credit_notes],
    )


def run(*args: str) -> str:
    out = StringIO()
    # pytest-django turns DEBUG off in every test: the demo users need --force there
    call_command("demo", *args, "--force", stdout=out)
    return out.getvalue()


# --- the plan, without a database --------------------------------------------------------


def test_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    # given
    first = plan_records(20, 300, seed=7)
    again = plan_records(20, 300, seed=7)
    other = plan_records(20, 300, seed=8)
    # then
    assert first[0].company == again[0].company
    assert first[0].customers == again[0].customers
    assert first[1:] == again[1:]
    assert [c.name for c in first[0].customers] != [c.name for c in other[0].customers]
    assert [i.total_amount for i in first[1]] != [i.total_amount for i in other[1]]


def test_behaviours_keep_their_shares_and_all_appear_from_six_customers() -> None:
    assert Counter(behaviour_quotas(100)) == {
        Behaviour.PUNCTUAL: 42,
        Behaviour.SLIGHTLY_LATE: 25,
        Behaviour.CHRONICALLY_LATE: 12,
        Behaviour.DISPUTING: 8,
        Behaviour.INSTALMENTS: 8,
        Behaviour.DEFAULTED: 5,
    }
    assert Counter(behaviour_quotas(6)) == dict.fromkeys(Behaviour, 1)
    assert len(behaviour_quotas(3)) == 3


def test_plan_examples_hold() -> None:
    assert doctest.testmod(customers_module).failed == 0


def test_identifiers_are_valid_and_unique() -> None:
    # given
    plan = DemoPlan(DemoConfig(today=TODAY, customers=400, invoices=0))
    customers = plan.customers
    sirens = [c.siren for c in customers if c.siren]
    sirets = [c.siret for c in customers if c.siret]
    # then
    assert fr_siren.is_valid(plan.company.siren)
    assert eu_vat.is_valid(plan.company.vat_number)
    assert plan.company.vat_number == f"FR{plan.company.vat_number[2:4]}{plan.company.siren}"
    assert IBAN(plan.company.iban).country_code == "FR"
    assert all(fr_siren.is_valid(s) for s in sirens)
    assert all(fr_siret.is_valid(s) for s in sirets)
    assert all(c.siret.startswith(c.siren) for c in customers if c.siret)
    assert len(set(sirens)) == len(sirens) > 350
    assert plan.company.siren not in sirens
    assert len(set(sirets)) == len(sirets)
    assert all(eu_vat.is_valid(c.vat_number) for c in customers if c.vat_number)
    assert sum(1 for c in customers if c.vat_number) > 150
    assert len({c.reference for c in customers}) == 400
    english = [c for c in customers if c.language == "en"]
    assert english
    assert all(c.country == "GB" and not c.siren for c in english)
    assert all(
        c.postal_code.isdigit() and len(c.postal_code) == 5 for c in customers if c.country == "FR"
    )
    assert all(any(k.role == "billing" for k in c.contacts) for c in customers)


def test_invoices_are_numbered_without_gap_in_date_order_and_add_up() -> None:
    # given
    _plan, invoices, _payments, credit_notes = plan_records(30, 1500)
    # then
    assert [i.number for i in invoices] == [f"F-{n:06d}" for n in range(1, 1501)]
    assert [i.issue_date for i in invoices] == sorted(i.issue_date for i in invoices)
    assert [c.number for c in credit_notes] == [
        f"AV-{n:06d}" for n in range(1, len(credit_notes) + 1)
    ]
    assert [c.issue_date for c in credit_notes] == sorted(c.issue_date for c in credit_notes)
    for doc in (*invoices, *credit_notes):
        totals = invoice_totals(
            [
                LineInput(li.quantity, li.unit_price, li.discount_rate, li.vat_rate)
                for li in doc.lines
            ]
        )
        assert (doc.net_amount, doc.vat_amount, doc.total_amount) == (
            totals.net_amount,
            totals.vat_amount,
            totals.total_amount,
        )
        assert sum(li.net_amount for li in doc.lines) == doc.net_amount
        assert 1 <= len(doc.lines) <= 4 or doc.kind == "credit_note"
        assert doc.due_date >= doc.issue_date
        assert date(2024, 3, 16) <= doc.issue_date <= TODAY


def test_invoices_follow_the_seasons_on_business_days() -> None:
    # given
    _plan, invoices, _payments, _credits = plan_records(50, 6000)
    per_month = Counter(i.issue_date.month for i in invoices)
    rates = Counter(v.rate for i in invoices for v in i.vat)
    nets = sorted(i.net_amount for i in invoices)
    # then
    assert all(is_business_day(i.issue_date) for i in invoices)
    assert per_month[8] < per_month[10] * 0.5
    assert per_month[12] < per_month[11]
    assert rates[Decimal("0.2")] > 0.85 * len(invoices)
    assert rates[Decimal("0.1")] > 0
    assert rates[Decimal("0.055")] > 0
    assert Decimal(50) <= nets[0]
    assert nets[-1] <= Decimal(60000)
    assert Decimal(800) < statistics.median(nets) < Decimal(3000)


def test_each_behaviour_settles_as_its_customers_do() -> None:
    # given
    plan, invoices, payments, credit_notes = plan_records(60, 4000, seed=3)
    behaviour = {c.index: c.behaviour for c in plan.customers}
    by_index = {i.index: i for i in invoices}
    late: dict[Behaviour, list[int]] = defaultdict(list)
    parts: Counter[int] = Counter()
    for p in payments:
        for a in p.allocations:
            invoice = by_index[a.invoice]
            parts[a.invoice] += 1
            if parts[a.invoice] == 1:
                late[behaviour[invoice.customer]].append((p.received_on - invoice.due_date).days)
    # then: every behaviour is there, with its lateness
    assert set(behaviour.values()) == set(Behaviour)
    assert statistics.median(late[Behaviour.PUNCTUAL]) <= 0
    assert 5 <= statistics.median(late[Behaviour.SLIGHTLY_LATE]) <= 15
    assert statistics.median(late[Behaviour.CHRONICALLY_LATE]) > 20
    # only customers paying in parts pay an invoice in two or three payments
    split_invoices = [i for i, n in parts.items() if n > 1]
    assert split_invoices
    assert {behaviour[by_index[i].customer] for i in split_invoices} == {Behaviour.INSTALMENTS}
    assert max(parts.values()) == 3
    # disputes: still disputed and unpaid, or credited then paid the rest
    disputed = [i for i in invoices if i.disputed]
    assert disputed
    assert {behaviour[i.customer] for i in disputed} == {Behaviour.DISPUTING}
    assert not any(parts[i.index] for i in disputed)
    assert credit_notes
    assert {behaviour[c.customer] for c in credit_notes} == {Behaviour.DISPUTING}
    credited = {c.credited_invoice: c for c in credit_notes}
    paid_after_credit = [i for i in credited if parts[i or 0]]
    assert paid_after_credit
    # defaulted customers paid nothing since they stopped, and owe what came due since
    for customer in plan.customers:
        if customer.behaviour is Behaviour.DEFAULTED:
            stopped = customer.stopped_paying_on
            assert stopped is not None
            assert all(p.received_on < stopped for p in payments if p.customer == customer.index)
    defaulted_unpaid = [
        i for i in invoices if behaviour[i.customer] is Behaviour.DEFAULTED and not parts[i.index]
    ]
    assert defaulted_unpaid
    # payments never exceed what is left to pay; nothing is received after today
    paid: dict[int, Decimal] = defaultdict(Decimal)
    for p in payments:
        assert p.received_on <= TODAY
        assert p.amount == sum(a.amount for a in p.allocations) > 0
        for a in p.allocations:
            paid[a.invoice] += a.amount
    for index, amount in paid.items():
        credit = credited.get(index)
        assert amount <= by_index[index].total_amount - (credit.total_amount if credit else 0)
    # invoices due after today are mostly open
    future = [i for i in invoices if i.due_date > TODAY]
    assert sum(1 for i in future if not parts[i.index]) > 0.6 * len(future)


# --- the command and the database ----------------------------------------------------------


@pytest.fixture
def demo(db: None) -> tuple[Company, str]:
    out = run("--customers", "20", "--invoices", "300", "--seed", "7", "--today", "2026-03-15")
    return Company.objects.get(slug="demo"), out


def test_demo_prints_one_summary_line(demo: tuple[Company, str]) -> None:
    company, out = demo
    credit_notes = Invoice.objects.filter(company=company, kind="credit_note").count()
    payments = Payment.objects.filter(company=company).count()
    assert out.count("\n") == 1
    assert out.startswith(
        f"demo company 'Démo Industrie SAS' (demo): 20 customers, 300 invoices, "
        f"{credit_notes} credit notes, {payments} payments in "
    )
    assert out.rstrip().endswith("invoices/s)")


def test_demo_company_is_complete_and_valid(demo: tuple[Company, str]) -> None:
    company, _out = demo
    company.full_clean()
    assert (company.legal_name, company.legal_form, company.rcs_city) == (
        "Démo Industrie SAS",
        "SAS",
        "Lyon",
    )
    assert company.share_capital == Decimal("250000.00")
    assert company.default_terms is not None
    assert company.default_terms.name == "30 jours net"
    assert sorted(
        PaymentTerms.objects.filter(company=company).values_list("name", "method", "days")
    ) == [
        ("30 jours net", "net", 30),
        ("45 jours fin de mois", "eom_then_days", 45),
        ("60 jours net", "net", 60),
    ]
    for customer in Customer.objects.filter(company=company):
        customer.full_clean()
    for contact in Contact.objects.filter(company=company):
        contact.full_clean()
    assert Customer.objects.filter(company=company).count() == 20
    assert not Customer.objects.filter(company=company, payment_terms__isnull=True).exists()


def test_demo_rows_keep_the_ledger_invariants(demo: tuple[Company, str]) -> None:
    company, _out = demo
    # allocations of a payment never exceed it
    for payment in Payment.objects.filter(company=company).annotate(s=Sum("allocations__amount")):
        assert payment.s is not None
        assert payment.s <= payment.amount
    # what is paid on an invoice never exceeds its total less its credit notes
    paid = dict(
        Allocation.objects.filter(company=company)
        .values_list("invoice")
        .annotate(s=Sum("amount"))
        .values_list("invoice", "s")
    )
    credited = dict(
        Invoice.objects.filter(company=company, kind="credit_note")
        .values_list("credited_invoice")
        .annotate(s=Sum("total_amount"))
        .values_list("credited_invoice", "s")
    )
    open_amounts = [
        total - paid.get(pk, 0) - credited.get(pk, 0)
        for pk, total in Invoice.objects.filter(company=company, kind="invoice").values_list(
            "pk", "total_amount"
        )
    ]
    assert min(open_amounts) == 0
    assert max(open_amounts) > 0
    assert paid
    assert credited
    # totals are the lines' and VAT totals' sums
    lines = dict(
        InvoiceLine.objects.filter(company=company)
        .values_list("invoice")
        .annotate(s=Sum("net_amount"))
        .values_list("invoice", "s")
    )
    vat = {
        row["invoice"]: row
        for row in VatTotal.objects.filter(company=company)
        .values("invoice")
        .annotate(base=Sum("base_amount"), vat=Sum("vat_amount"))
    }
    for invoice in Invoice.objects.filter(company=company):
        assert lines[invoice.pk] == invoice.net_amount == vat[invoice.pk]["base"]
        assert vat[invoice.pk]["vat"] == invoice.vat_amount
        assert invoice.total_amount == invoice.net_amount + invoice.vat_amount
        assert invoice.status == Invoice.Status.ISSUED
        assert invoice.source == Invoice.Source.DEMO
    assert not Allocation.objects.exclude(company=company).exists()


def test_demo_numbers_are_gapless_and_the_app_continues_them(demo: tuple[Company, str]) -> None:
    company, _out = demo
    invoices = Invoice.objects.filter(company=company, kind="invoice").order_by("number")
    credit_notes = Invoice.objects.filter(company=company, kind="credit_note").order_by("number")
    count_credit = credit_notes.count()
    assert list(invoices.values_list("number", flat=True)) == [
        format_number("F", n) for n in range(1, 301)
    ]
    dates = [d for d in invoices.values_list("issue_date", flat=True) if d is not None]
    assert len(dates) == 300
    assert dates == sorted(dates)
    assert list(credit_notes.values_list("number", flat=True)) == [
        format_number("AV", n) for n in range(1, count_credit + 1)
    ]
    assert count_credit > 0
    assert all(c.credited_invoice_id for c in credit_notes)
    sequences = dict(Sequence.objects.filter(company=company).values_list("series", "last_number"))
    assert sequences == {"F": 300, "AV": count_credit}
    # when
    customer = Customer.objects.filter(company=company).first()
    assert customer is not None
    draft = invoice_draft_create(
        company=company,
        customer=customer,
        lines=[LineData("Prestation", Decimal(1), Decimal("100.00"), Decimal("0.20"))],
        actor=None,
    )
    issued = invoice_issue(company=company, invoice_id=draft.pk, actor=None, on=TODAY)
    credit = credit_note_issue(company=company, invoice_id=issued.pk, actor=None, on=TODAY)
    # then
    assert issued.number == "F-000301"
    assert credit.number == format_number("AV", count_credit + 1)


def test_demo_writes_one_audit_event_and_sets_up_its_users(demo: tuple[Company, str]) -> None:
    company, _out = demo
    events = AuditEvent.objects.filter(company=company)
    disputed = Invoice.objects.filter(company=company, disputed=True).count()
    # one for the generation, one per dispute that collection opened on a disputed invoice
    assert disputed > 0
    assert Counter(events.values_list("kind", flat=True)) == {
        "demo.generated": 1,
        "collection.dispute_opened": disputed,
    }
    assert events.get(kind="demo.generated").after["invoices"] == 300
    roles = dict(Membership.objects.filter(company=company).values_list("user__username", "role"))
    assert roles == {"demo": Role.OWNER, "comptable": Role.ACCOUNTANT}
    for username in ("demo", "comptable"):  # through the login page, as people do
        response = Client().post("/login/", {"username": username, "password": "demo"})
        assert (response.status_code, response["Location"]) == (302, "/")


def test_if_absent_creates_nothing_the_second_time(demo: tuple[Company, str]) -> None:
    counts = Invoice.objects.aggregate(n=Count("id")), Payment.objects.count()
    # when
    out = run("--customers", "20", "--invoices", "300", "--if-absent")
    # then
    assert out == "demo company 'demo' already exists; nothing created\n"
    assert (Invoice.objects.aggregate(n=Count("id")), Payment.objects.count()) == counts
    assert Company.objects.count() == 1
    with pytest.raises(CommandError, match="existe déjà"):
        run("--customers", "20", "--invoices", "300")
    assert Company.objects.count() == 1


def test_a_second_demo_company_reuses_the_demo_users(demo: tuple[Company, str]) -> None:
    # when
    run(
        "--customers",
        "8",
        "--invoices",
        "40",
        "--slug",
        "autre",
        "--seed",
        "2",
        "--today",
        "2026-03-15",
    )
    # then
    other = Company.objects.get(slug="autre")
    assert Invoice.objects.filter(company=other, kind="invoice").count() == 40
    assert Membership.objects.filter(user__username="demo").count() == 2
    first_ids = set(Invoice.objects.filter(company=demo[0]).values_list("pk", flat=True))
    assert first_ids.isdisjoint(Invoice.objects.filter(company=other).values_list("pk", flat=True))
    assert Sequence.objects.get(company=other, series="F").last_number == 40


def test_bad_arguments_fail_in_one_line(db: None) -> None:
    with pytest.raises(CommandError, match="--customers doit valoir au moins 1"):
        run("--customers", "0")
    with pytest.raises(CommandError, match="Date invalide"):
        run("--today", "hier")
    assert not Company.objects.exists()


# --- demo users only where a development server runs (issue 13) -----------------------------


def test_demo_refuses_to_create_its_users_when_debug_is_off(db: None, settings: Any) -> None:
    # given a production configuration
    settings.DEBUG = False

    # when
    with pytest.raises(CommandError) as refused:
        call_command("demo", "--customers", "3", "--invoices", "20", stdout=StringIO())

    # then one line, and nothing written
    assert str(refused.value) == (
        "refusing to create the demo users (demo/demo, comptable/demo) with DEBUG off: "
        "use DEBUG=1 for development, or --force"
    )
    assert (Company.objects.count(), User.objects.count(), Invoice.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("_case", "debug", "args"), [("_debug", True, []), ("_force", False, ["--force"])]
)
def test_demo_runs_in_development_or_when_forced(
    db: None, settings: Any, _case: str, debug: bool, args: list[str]
) -> None:
    # given
    settings.DEBUG = debug

    # when
    call_command("demo", "--customers", "3", "--invoices", "20", *args, stdout=StringIO())

    # then
    assert Company.objects.filter(slug="demo").exists()
    assert sorted(User.objects.values_list("username", flat=True)) == ["comptable", "demo"]
