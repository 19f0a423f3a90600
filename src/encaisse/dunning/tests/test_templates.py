"""Reminder wording: defaults in both languages, company overrides, preview, bad syntax."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.dunning.models import Reminder, ReminderTemplate
from encaisse.dunning.services import dunning_run
from encaisse.dunning.tests.conftest import invoice_for
from encaisse.dunning.wording import DEFAULT_TEMPLATES, TEMPLATE_KEYS

pytestmark = pytest.mark.django_db


def test_every_template_exists_in_both_languages() -> None:
    assert set(DEFAULT_TEMPLATES) == {(k, lang) for k in TEMPLATE_KEYS for lang in ("fr", "en")}


def test_preview_shows_the_sample(owner_client: Client) -> None:
    page = owner_client.get("/dunning/templates/formal_notice/fr/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "MISE EN DEMEURE DE PAYER" in html
    assert "Garage Martin SARL" in html
    assert "F-000123" in html


def test_bad_syntax_is_refused_and_nothing_saved(owner_client: Client) -> None:
    response = owner_client.post(
        "/dunning/templates/reminder_1/fr/",
        {"action": "save", "subject": "Relance", "body": "{% for i in invoices %}"},
    )
    assert response.status_code == 200
    assert "body:" in response.content.decode() or "Unclosed tag" in response.content.decode()
    assert ReminderTemplate.objects.count() == 0


def test_company_wording_is_used_by_the_run(
    owner_client: Client, company: Company, garage: Customer
) -> None:
    owner_client.post(
        "/dunning/templates/reminder_1/fr/",
        {
            "action": "save",
            "subject": "Petit rappel de {{ company }}",
            "body": "{{ contact }}, merci de régler {{ total_due }}.",
        },
    )
    invoice_for(company, garage, "100.00")
    dunning_run(company=company, on=date(2025, 5, 16))
    reminder = Reminder.objects.get()
    assert reminder.subject == "Petit rappel de Acme Industrie SAS"
    assert reminder.body == "Mme Lefèvre, merci de régler 120,00\xa0€.\n"
    # and restoring the default removes the company's wording
    owner_client.post("/dunning/templates/reminder_1/fr/", {"action": "reset"})
    assert ReminderTemplate.objects.count() == 0


def test_unknown_template_is_a_404(owner_client: Client) -> None:
    assert owner_client.get("/dunning/templates/nope/fr/").status_code == 404
