"""Worklist pages and panels: what a person sees and does; isolation and roles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from encaisse.collection.models import Promise
from encaisse.collection.services import promise_create
from encaisse.core.models import Company, Role
from encaisse.core.tests.factories import (
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_invoice,
)
from encaisse.customers.models import Customer
from encaisse.dunning.models import PenaltyDecision, Reminder
from encaisse.dunning.services import dunning_run
from encaisse.dunning.tests.conftest import invoice_for

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def work(company: Company, garage: Customer) -> dict[str, Reminder]:
    """A formal notice awaiting approval (garage) and a call to make (another customer)."""
    invoice_for(company, garage, "1000.00")
    dunning_run(company=company, on=date(2025, 6, 16))
    late = CustomerFactory.create(company=company, name="Menuiserie Blanc", phone="0102030405")
    make_invoice(company=company, customer=late, amount="500.00", issued_on=date(2025, 3, 1))
    dunning_run(company=company, on=date(2025, 6, 17))  # due 31 Mar: J+45 call (+78 days)
    return {
        "notice": Reminder.objects.get(channel="formal_notice"),
        "call": Reminder.objects.get(channel="phone"),
    }


def test_worklist_lists_approvals_and_calls(owner_client: Client, work: dict) -> None:
    page = owner_client.get("/dunning/worklist/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="approval-{work["notice"].pk}"' in html
    assert f'id="call-{work["call"].pk}"' in html
    assert "Menuiserie Blanc" in html


def test_worklist_lists_broken_promises(
    owner_client: Client, company: Company, garage: Customer
) -> None:
    # given a promise of 20 May that the run of 26 May judged broken
    invoice_for(company, garage, "100.00")
    promise = promise_create(
        company=company,
        customer=garage,
        promised_on=date(2025, 5, 20),
        amount=D("120.00"),
        actor=None,
        on=date(2025, 5, 19),
        contact_name="M. Martin",
    )
    dunning_run(company=company, on=date(2025, 5, 26))
    # when
    html = owner_client.get("/dunning/worklist/").content.decode()
    # then the table is in the page, once, and the page title stays a title
    assert html.count(f'id="broken-promise-{promise.pk}"') == 1
    assert "M. Martin" in html
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<table" not in title


def test_approve_from_the_worklist(owner_client: Client, work: dict) -> None:
    notice = work["notice"]
    response = owner_client.post(f"/dunning/reminders/{notice.pk}/approve/")
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == "queued"


def test_edit_then_approve(owner_client: Client, work: dict) -> None:
    notice = work["notice"]
    page = owner_client.get(f"/dunning/reminders/{notice.pk}/")
    assert "MISE EN DEMEURE DE PAYER" in page.content.decode()
    owner_client.post(
        f"/dunning/reminders/{notice.pk}/", {"subject": "Mise en demeure", "body": "Nouveau texte"}
    )
    notice.refresh_from_db()
    assert (notice.state, notice.subject, notice.body) == (
        "queued",
        "Mise en demeure",
        "Nouveau texte\n",
    )


def test_call_outcome_form_records_a_promise(owner_client: Client, work: dict) -> None:
    call = work["call"]
    response = owner_client.post(
        f"/dunning/reminders/{call.pk}/call/",
        {
            "outcome": "promise",
            "promised_on": "2099-07-10",
            "promised_amount": "600,00",
            "contact_name": "M. Blanc",
            "note": "",
        },
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.state, call.outcome) == ("sent", "promise")
    assert Promise.objects.get().amount == D("600.00")


def test_call_outcome_promise_without_date_is_refused(owner_client: Client, work: dict) -> None:
    call = work["call"]
    response = owner_client.post(
        f"/dunning/reminders/{call.pk}/call/", {"outcome": "promise", "promised_amount": "10"}
    )
    assert response.status_code == 200
    assert "Une promesse demande une date." in response.content.decode()
    call.refresh_from_db()
    assert call.state == "queued"
    assert Promise.objects.count() == 0


def test_customer_page_shows_reminders_promises_and_hold(
    owner_client: Client, company: Company, garage: Customer, work: dict
) -> None:
    owner_client.post(
        f"/dunning/customers/{garage.pk}/hold/", {"reason": "Litige global", "until": ""}
    )
    owner_client.post(
        f"/collection/customers/{garage.pk}/promise/",
        {"promised_on": "2099-01-31", "amount": "1200", "contact_name": "Mme Lefèvre"},
    )
    html = owner_client.get(f"/customers/{garage.pk}/").content.decode()
    assert 'id="dunning-panel"' in html
    assert "Litige global" in html
    assert "Mme Lefèvre" in html
    assert "J+30" in html


def test_invoice_page_shows_penalties_and_records_a_decision(
    owner_client: Client, company: Company, garage: Customer
) -> None:
    invoice = invoice_for(company, garage, "100.00")
    html = owner_client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert 'id="invoice-penalties"' in html
    assert 'id="indemnity-total">40,00' in html
    response = owner_client.post(f"/dunning/invoices/{invoice.pk}/penalties/", {"kind": "waived"})
    assert response.status_code == 302
    assert PenaltyDecision.objects.get().kind == "waived"


def test_accountant_cannot_approve(company: Company, work: dict) -> None:
    user = UserFactory.create(username="compta")
    MembershipFactory.create(company=company, user=user, role=Role.ACCOUNTANT)
    client = Client()
    client.force_login(user)
    assert client.get("/dunning/worklist/").status_code == 200
    assert client.post(f"/dunning/reminders/{work['notice'].pk}/approve/").status_code == 403
    work["notice"].refresh_from_db()
    assert work["notice"].state == "pending_approval"


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get("/dunning/worklist/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_letter_pdf_download(owner_client: Client, company: Company, garage: Customer) -> None:
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 30))  # J+15: email and letter
    letter = Reminder.objects.get(channel="letter")
    response = owner_client.get(f"/dunning/reminders/{letter.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_retry_from_the_failures_list(owner_client: Client, company: Company) -> None:
    from django.utils import timezone

    from encaisse.dunning.services import deliver_pending

    customer = CustomerFactory.create(company=company, email="")
    invoice_for(company, customer, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    deliver_pending(company=company, now=timezone.now())
    reminder = Reminder.objects.get()
    html = owner_client.get("/dunning/worklist/").content.decode()
    assert f'id="failure-{reminder.pk}"' in html
    assert "no email address" in html
    owner_client.post(f"/dunning/reminders/{reminder.pk}/retry/")
    reminder.refresh_from_db()
    assert reminder.state == "queued"


def _uncertain(company: Company) -> Reminder:
    customer = CustomerFactory.create(company=company, name="Boulangerie Roux")
    invoice_for(company, customer, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    reminder = Reminder.objects.get(company=company)
    Reminder.objects.filter(pk=reminder.pk).update(
        state="uncertain", message_id="<r@acme.test>", last_error="Interrupted"
    )
    return reminder


def test_worklist_shows_uncertain_sending_with_two_actions(
    owner_client: Client, company: Company
) -> None:
    # given a reminder whose sending was interrupted
    reminder = _uncertain(company)
    # when the worklist is shown
    html = owner_client.get("/dunning/worklist/").content.decode()
    # then it is listed as uncertain with "mark as sent" and "resend"
    assert "Envois incertains" in html
    assert f'id="uncertain-{reminder.pk}"' in html
    assert "Envoi incertain" in html
    assert "&lt;r@acme.test&gt;" in html
    assert f'action="/dunning/reminders/{reminder.pk}/mark-sent/"' in html
    assert f'action="/dunning/reminders/{reminder.pk}/resend/"' in html
    assert "Marquer comme envoyé" in html
    assert "Renvoyer" in html


@pytest.mark.parametrize(
    ("_case", "path", "state"), [("mark", "mark-sent", "sent"), ("resend", "resend", "queued")]
)
def test_person_decides_an_uncertain_sending(
    _case: str, path: str, state: str, owner_client: Client, company: Company
) -> None:
    reminder = _uncertain(company)
    response = owner_client.post(f"/dunning/reminders/{reminder.pk}/{path}/")
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.state == state


@pytest.mark.parametrize("path", ["mark-sent", "resend"])
def test_uncertain_actions_of_another_company_are_404(
    path: str, owner_client: Client, other_company: Company
) -> None:
    reminder = _uncertain(other_company)
    response = owner_client.post(f"/dunning/reminders/{reminder.pk}/{path}/")
    assert response.status_code == 404
    reminder.refresh_from_db()
    assert reminder.state == "uncertain"


def test_accountant_cannot_decide_an_uncertain_sending(company: Company) -> None:
    reminder = _uncertain(company)
    accountant = MembershipFactory.create(
        company=company, user=UserFactory.create(username="acc"), role=Role.ACCOUNTANT
    ).user
    client = Client()
    client.force_login(accountant)
    response = client.post(f"/dunning/reminders/{reminder.pk}/resend/")
    assert response.status_code == 403
    reminder.refresh_from_db()
    assert reminder.state == "uncertain"
