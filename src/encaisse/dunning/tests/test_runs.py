"""The run: set-based decisions written as the outbox, once, grouped per customer and step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from encaisse.collection.models import Dispute, Promise
from encaisse.collection.services import (
    customer_hold_set,
    dispute_open,
    dispute_resolve,
    promise_create,
)
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import CustomerFactory, make_payment
from encaisse.customers.models import Customer
from encaisse.dunning.models import Policy, PolicyAssignment, Reminder, ReminderInvoice, Step
from encaisse.dunning.selectors import dunning_worklist
from encaisse.dunning.services import dunning_run, policy_default_ensure
from encaisse.dunning.tests.conftest import invoice_for
from encaisse.payments.services import credit_note_issue

D = Decimal
pytestmark = pytest.mark.django_db
FRIDAY = date(2025, 5, 16)


def test_first_reminder_groups_a_customers_invoices(company: Company, garage: Customer) -> None:
    # given two invoices of the garage and one of another customer, all due 15 May 2025
    first = invoice_for(company, garage, "1000.00")  # 1 200.00
    second = invoice_for(company, garage, "250.00")  # 300.00
    other = CustomerFactory.create(company=company, name="Boulangerie Roux", language="en")
    invoice_for(company, other, "100.00")
    # when the run decides on Friday 16 May
    result = dunning_run(company=company, on=FRIDAY)
    # then two emails at J+1, the garage's listing both invoices
    assert result.as_json() == {
        "date": "2025-05-16",
        "reminders_created": 2,
        "by_step": {"J+1": 2},
        "by_channel": {"email": 2},
        "skipped": {},
    }
    reminder = Reminder.objects.get(customer=garage)
    assert reminder.state == Reminder.State.QUEUED
    assert reminder.recipient == "compta@garage.test"
    assert reminder.total_amount == D("1500.00")
    assert set(reminder.invoices.all()) == {first, second}
    assert reminder.subject == "Relance : facture(s) échue(s) – Acme Industrie SAS"
    assert "Bonjour Mme Lefèvre," in reminder.body
    assert f"- Facture {first.number} du 15/04/2025, échue le 15/05/2025 : 1\u202f200,00" in (
        reminder.body
    )
    assert "Total dû : 1\u202f500,00\xa0€" in reminder.body
    assert "IBAN FR7630006000011234567890189" in reminder.body
    english = Reminder.objects.get(customer=other)
    assert english.subject == "Reminder: overdue invoice(s) – Acme Industrie SAS"
    assert "Total due: EUR 120.00" in english.body
    # and each reminder is on its customer's timeline
    assert AuditEvent.objects.filter(kind="dunning.reminder_created").count() == 2


def test_second_run_same_day_creates_nothing(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=FRIDAY)
    again = dunning_run(company=company, on=FRIDAY)
    assert again.reminders_created == 0
    assert again.skipped == {"not_due": 1}
    assert Reminder.objects.count() == 1


def test_dry_run_writes_nothing(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "1000.00")
    result = dunning_run(company=company, on=FRIDAY, dry_run=True)
    assert result.reminders_created == 1
    assert Reminder.objects.count() == 0
    assert ReminderInvoice.objects.count() == 0
    assert AuditEvent.objects.filter(kind__startswith="dunning").count() == 0


def test_weekend_decides_nothing(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "1000.00")
    result = dunning_run(company=company, on=date(2025, 5, 17))
    assert result.reminders_created == 0
    assert result.skipped == {"non_business_day": 1}


def test_steps_follow_each_other_across_days(company: Company, garage: Customer) -> None:
    # given an invoice of 10 000.00 incl. VAT due 15 May 2025
    invoice = invoice_for(company, garage, "8333.33", vat_rate="0.2")  # 9 999.99 + ... see below
    assert invoice.total_amount == D("10000.00")
    days = [date(2025, 5, 12), FRIDAY, date(2025, 5, 23), date(2025, 5, 30), date(2025, 6, 16)]
    # when the run runs on the courtesy day, J+1, J+8, J+15 and J+30 (16 June, a Monday)
    for day in days:
        dunning_run(company=company, on=day)
    # then one reminder per step and channel, J+15 by email and letter, J+30 awaiting approval
    got = list(
        Reminder.objects.order_by("run_date", "channel").values_list(
            "step__name", "channel", "state"
        )
    )
    assert got == [
        ("J-5", "email", "queued"),
        ("J+1", "email", "queued"),
        ("J+8", "email", "queued"),
        ("J+15", "email", "queued"),
        ("J+15", "letter", "queued"),
        ("J+30", "formal_notice", "pending_approval"),
    ]
    # and the formal notice claims penalties as of 16 June: 10 000 x 13.15 % x 32/365 = 115.29
    notice = Reminder.objects.get(channel="formal_notice")
    assert (notice.penalty_amount, notice.indemnity_amount) == (D("115.29"), D("40.00"))
    assert "MISE EN DEMEURE DE PAYER" in notice.body
    assert f"Facture n° {invoice.number} du 15/04/2025, montant 10\u202f000,00" in notice.body
    assert "- principal : 10\u202f000,00\xa0€" in notice.body
    assert "arrêtées au 16/06/2025 : 115,29\xa0€" in notice.body
    assert "(art. D441-5 C. com.) : 40,00\xa0€" in notice.body
    assert "- total : 10\u202f155,29\xa0€" in notice.body
    assert "au plus tard le 24/06/2025" in notice.body
    assert "injonction de payer" in notice.body


def test_skips_paid_credited_disputed_held_and_promised(company: Company) -> None:
    customers = [CustomerFactory.create(company=company) for _ in range(6)]
    _paid, credited, disputed, _held, _promised, _partly = (
        invoice_for(company, c, "100.00") for c in customers
    )
    make_payment(
        company=company, customer=customers[0], amount="120.00", received_on=date(2025, 5, 10)
    )
    credit_note_issue(company=company, invoice_id=credited.pk, actor=None, on=date(2025, 5, 12))
    dispute_open(
        company=company,
        invoice_id=disputed.pk,
        reason=Dispute.Reason.NOT_DELIVERED,
        text="Non livré",
        actor=None,
        on=date(2025, 5, 12),
    )
    customer_hold_set(
        company=company, customer_id=customers[3].pk, reason="Négociation", until=None, actor=None
    )
    promise_create(
        company=company,
        customer=customers[4],
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 15),
    )
    make_payment(
        company=company, customer=customers[5], amount="20.00", received_on=date(2025, 5, 10)
    )
    # when the run decides on 16 May
    result = dunning_run(company=company, on=FRIDAY)
    # then only the partly paid invoice gets a reminder, for what is left
    assert result.skipped == {"disputed": 1, "on_hold": 1, "promise": 1}
    reminder = Reminder.objects.get()
    assert (reminder.customer_id, reminder.total_amount) == (customers[5].pk, D("100.00"))


def test_broken_promise_resumes(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=FRIDAY)  # J+1 sent
    promise = promise_create(
        company=company,
        customer=garage,
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 19),
        contact_name="M. Martin",
    )
    # promise of 20 May + 3 days of grace: paused on the 23rd, resumes Monday 26 May at J+8
    assert dunning_run(company=company, on=date(2025, 5, 23)).skipped == {"promise": 1}
    result = dunning_run(company=company, on=date(2025, 5, 26))
    assert result.by_step == {"J+8": 1}
    promise.refresh_from_db()
    assert (promise.state, promise.closed_on) == (Promise.State.BROKEN, date(2025, 5, 26))
    # judged by collection, with its audit row, and waiting on the worklist
    assert AuditEvent.objects.filter(kind="collection.promise_closed").count() == 1
    assert dunning_worklist(company, on=date(2025, 5, 26)).broken_promises == [promise]


def test_a_dry_run_leaves_promises_open(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "100.00")
    promise = promise_create(
        company=company,
        customer=garage,
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 19),
    )
    result = dunning_run(company=company, on=date(2025, 5, 26), dry_run=True)
    assert (result.reminders_created, result.skipped) == (1, {})
    promise.refresh_from_db()
    assert promise.state == Promise.State.OPEN


@pytest.mark.parametrize("reason", ["dispute", "promise", "hold"])
def test_each_pause_reason_stops_the_reminder_and_is_counted(
    company: Company, garage: Customer, reason: str
) -> None:
    # given an overdue invoice paused for one reason
    invoice = invoice_for(company, garage, "100.00")
    if reason == "dispute":
        dispute_open(
            company=company,
            invoice_id=invoice.pk,
            reason=Dispute.Reason.QUANTITY,
            amount=D("10.00"),  # a part: the whole invoice waits, as before
            actor=None,
            on=date(2025, 5, 15),
        )
    elif reason == "promise":
        promise_create(
            company=company,
            customer=garage,
            promised_on=date(2025, 5, 20),
            amount=D("120.00"),
            actor=None,
            on=date(2025, 5, 15),
            invoice_ids=[invoice.pk],
        )
    else:
        customer_hold_set(
            company=company,
            customer_id=garage.pk,
            reason="Négociation",
            until=date(2025, 5, 16),
            actor=None,
        )
    # when the run decides on Friday 16 May
    result = dunning_run(company=company, on=FRIDAY)
    # then no reminder, and the skipped counts say why
    skip = {"dispute": "disputed", "promise": "promise", "hold": "on_hold"}[reason]
    assert (result.reminders_created, result.skipped) == (0, {skip: 1})
    assert Reminder.objects.count() == 0


def test_resolving_the_dispute_lets_the_next_run_send(company: Company, garage: Customer) -> None:
    # given a disputed invoice that the Friday run passed over
    invoice = invoice_for(company, garage, "100.00")
    dispute = dispute_open(
        company=company,
        invoice_id=invoice.pk,
        reason=Dispute.Reason.NOT_DELIVERED,
        actor=None,
        on=date(2025, 5, 15),
    )
    assert dunning_run(company=company, on=FRIDAY).skipped == {"disputed": 1}
    # when the dispute is resolved on Monday and the run decides again
    dispute_resolve(
        company=company,
        dispute_id=dispute.pk,
        resolution="Livré le 19/05",
        actor=None,
        on=date(2025, 5, 19),
    )
    result = dunning_run(company=company, on=date(2025, 5, 19))
    # then the invoice gets its first reminder
    assert (result.by_step, result.skipped) == ({"J+1": 1}, {})
    assert Reminder.objects.get().lines.get().invoice_id == invoice.pk


def test_policy_by_assignment_risk_class_and_minimum(company: Company) -> None:
    policy_default_ensure(company=company)
    strict = Policy.objects.create(company=company, name="Strict", risk_classes="D")
    Step.objects.create(
        company=company,
        policy=strict,
        name="Appel J+1",
        offset_days=1,
        channels=["phone"],
        template_key="call",
    )
    big = Policy.objects.create(company=company, name="Gros montants")
    Step.objects.create(
        company=company,
        policy=big,
        name="SMS J+1",
        offset_days=1,
        channels=["sms"],
        template_key="reminder_1",
        min_open_amount=D("500.00"),
    )
    risky = CustomerFactory.create(company=company, risk_class="D")
    assigned = CustomerFactory.create(company=company, risk_class="D")
    PolicyAssignment.objects.create(company=company, customer=assigned, policy=big)
    small = CustomerFactory.create(company=company)
    PolicyAssignment.objects.create(company=company, customer=small, policy=big)
    for customer, amount in ((risky, "100.00"), (assigned, "500.00"), (small, "100.00")):
        invoice_for(company, customer, amount)
    result = dunning_run(company=company, on=FRIDAY)
    assert result.by_channel == {"phone": 1, "sms": 1}
    assert result.skipped == {"below_minimum": 1}
    assert Reminder.objects.get(channel="phone").customer == risky
    assert Reminder.objects.get(channel="sms").customer == assigned


def test_the_same_step_cannot_be_written_twice(company: Company, garage: Customer) -> None:
    invoice = invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=FRIDAY)
    line = ReminderInvoice.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderInvoice.objects.create(
            company=company,
            reminder=line.reminder,
            invoice=invoice,
            step=line.step,
            channel=line.channel,
            open_amount=D("1.00"),
        )


def test_other_company_is_left_alone(company: Company, other_company: Company) -> None:
    mine = CustomerFactory.create(company=company)
    theirs = CustomerFactory.create(company=other_company)
    invoice_for(company, mine, "100.00")
    invoice_for(other_company, theirs, "100.00")
    dunning_run(company=company, on=FRIDAY)
    assert list(Reminder.objects.values_list("company_id", flat=True)) == [company.pk]
    assert not Policy.objects.filter(company=other_company).exists()


def test_run_is_set_based(company: Company, django_assert_num_queries) -> None:
    # given a first customer's invoices, the query count of a run...
    policy_default_ensure(company=company)
    customer = CustomerFactory.create(company=company)
    for _ in range(2):
        invoice_for(company, customer, "100.00")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        dunning_run(company=company, on=date(2025, 6, 2))  # J+15: penalties and letters
    # ...is the same with ten times more invoices and customers
    Reminder.objects.all().delete()
    for _ in range(10):
        other = CustomerFactory.create(company=company)
        for _ in range(2):
            invoice_for(company, other, "100.00")
    with CaptureQueriesContext(connection) as large:
        result = dunning_run(company=company, on=date(2025, 6, 2))
    assert result.reminders_created == 22
    assert len(large) == len(small)


def test_expired_promise_is_kept_when_paid(company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "100.00")
    promise = promise_create(
        company=company,
        customer=garage,
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 15),
    )
    make_payment(company=company, customer=garage, amount="120.00", received_on=date(2025, 5, 21))
    dunning_run(company=company, on=date(2025, 5, 26))
    promise.refresh_from_db()
    assert promise.state == Promise.State.KEPT


def test_run_cancels_waiting_reminders_of_settled_invoices(
    company: Company, garage: Customer
) -> None:
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=date(2025, 6, 16))  # formal notice awaiting approval
    make_payment(company=company, customer=garage, amount="1200.00", received_on=date(2025, 6, 16))
    result = dunning_run(company=company, on=date(2025, 6, 17))
    assert result.reminders_created == 0
    notice = Reminder.objects.get()
    assert (notice.state, notice.cancel_reason) == ("cancelled", "settled_or_disputed")
