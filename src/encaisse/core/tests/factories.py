"""Factories that build a whole graph inside one company (pass company= to share it)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from stdnum.fr import siren as fr_siren

from encaisse.core.models import Company, Membership, Role
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.services import LineData, invoice_draft_create, invoice_issue
from encaisse.payments.models import Payment
from encaisse.payments.services import payment_record

_sirens = itertools.count(100000000)


def valid_siren() -> str:
    """Next SIREN with a correct Luhn key."""
    while True:
        candidate = str(next(_sirens))
        if fr_siren.is_valid(candidate):
            return candidate


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.django.Password("password")


class CompanyFactory(factory.django.DjangoModelFactory[Company]):
    class Meta:
        model = Company

    slug = factory.Sequence(lambda n: f"company-{n}")
    legal_name = factory.Sequence(lambda n: f"Société {n} SAS")
    legal_form = "SAS"
    siren = factory.LazyFunction(valid_siren)
    iban = "FR7630006000011234567890189"
    bic = "AGRIFRPP"
    address_line1 = "12 rue de la Paix"
    postal_code = "75002"
    city = "Paris"


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class PaymentTermsFactory(factory.django.DjangoModelFactory[PaymentTerms]):
    class Meta:
        model = PaymentTerms

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"30 jours net {n}")
    method = "net"
    days = 30


class CustomerFactory(factory.django.DjangoModelFactory[Customer]):
    class Meta:
        model = Customer

    company = factory.SubFactory(CompanyFactory)
    reference = factory.Sequence(lambda n: f"CUST{n:04d}")
    name = factory.Sequence(lambda n: f"Client {n} SARL")
    siren = factory.LazyFunction(valid_siren)
    address_line1 = "1 place Bellecour"
    postal_code = "69002"
    city = "Lyon"
    email = factory.LazyAttribute(lambda o: f"compta@{o.reference.lower()}.example.test")


def make_invoice(
    *,
    company: Company,
    customer: Customer | None = None,
    amount: Decimal | str = "100.00",
    vat_rate: Decimal | str = "0.20",
    issued_on: date | None = date(2025, 1, 15),
    terms: PaymentTerms | None = None,
    **kwargs: Any,
) -> Invoice:
    """An invoice of one line of `amount` excl. VAT; issued on `issued_on` unless None."""
    customer = customer or CustomerFactory.create(company=company)
    invoice = invoice_draft_create(
        company=company,
        customer=customer,
        lines=[LineData("Prestation", Decimal(1), Decimal(amount), Decimal(vat_rate))],
        actor=None,
        payment_terms=terms,
        **kwargs,
    )
    if issued_on is not None:
        invoice = invoice_issue(company=company, invoice_id=invoice.pk, actor=None, on=issued_on)
    return invoice


def make_payment(
    *,
    company: Company,
    customer: Customer,
    amount: Decimal | str,
    received_on: date = date(2025, 2, 1),
    **kwargs: Any,
) -> Payment:
    return payment_record(
        company=company,
        customer=customer,
        amount=Decimal(amount),
        received_on=received_on,
        actor=None,
        **kwargs,
    )
