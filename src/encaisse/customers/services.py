"""Customer use cases: create, update, contacts; each audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor
from encaisse.core.audit import audit_record, snapshot
from encaisse.core.exceptions import DomainError
from encaisse.core.identifiers import compact
from encaisse.core.models import Company
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Contact, Customer, PaymentTerms

AUDITED_FIELDS = (
    "reference",
    "name",
    "kind",
    "siren",
    "siret",
    "vat_number",
    "address_line1",
    "postal_code",
    "city",
    "country",
    "language",
    "payment_terms",
    "credit_limit",
    "owner",
    "email",
)
IDENTIFIER_FIELDS = ("siren", "siret", "vat_number")


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    for name in IDENTIFIER_FIELDS:
        if fields.get(name):
            fields[name] = compact(fields[name])
    return fields


def _validate(customer: Customer) -> None:
    try:
        customer.full_clean(exclude=["company"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            CustomersCode.CUSTOMER_INVALID, f"{field}: {messages[0]}", errors=exc.message_dict
        ) from exc


@transaction.atomic
def customer_create(*, company: Company, actor: Actor, **fields: Any) -> Customer:
    fields = _normalise(fields)
    if not fields.get("reference"):
        fields["reference"] = _next_reference(company)
    customer = Customer(company=company, **fields)
    _validate(customer)
    if Customer.objects.filter(company=company, reference=customer.reference).exists():
        raise DomainError(
            CustomersCode.CUSTOMER_DUPLICATE_REF,
            _("A customer with code %(ref)s already exists.") % {"ref": customer.reference},
        )
    try:
        customer.save()
    except IntegrityError as exc:
        raise DomainError(
            CustomersCode.CUSTOMER_INVALID, _("This customer conflicts with another one.")
        ) from exc
    audit_record(
        company=company,
        subject=customer,
        kind="customer.created",
        actor=actor,
        after=snapshot(customer, AUDITED_FIELDS),
    )
    return customer


@transaction.atomic
def customer_update(*, company: Company, customer_id: int, actor: Actor, **fields: Any) -> Customer:
    customer = Customer.objects.select_for_update().get(company=company, pk=customer_id)
    before = snapshot(customer, AUDITED_FIELDS)
    for name, value in _normalise(fields).items():
        setattr(customer, name, value)
    _validate(customer)
    if (
        Customer.objects.filter(company=company, reference=customer.reference)
        .exclude(pk=customer.pk)
        .exists()
    ):
        raise DomainError(
            CustomersCode.CUSTOMER_DUPLICATE_REF,
            _("A customer with code %(ref)s already exists.") % {"ref": customer.reference},
        )
    customer.save()
    audit_record(
        company=company,
        subject=customer,
        kind="customer.updated",
        actor=actor,
        before=before,
        after=snapshot(customer, AUDITED_FIELDS),
    )
    return customer


@transaction.atomic
def payment_terms_create(
    *, company: Company, actor: Actor, name: str, method: str, days: int
) -> tuple[PaymentTerms, list[str]]:
    """New payment terms for the company, with the LME warnings they raise (if any)."""
    terms = PaymentTerms(company=company, name=name.strip(), method=method, days=days)
    try:
        terms.full_clean(exclude=["company"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(CustomersCode.TERMS_INVALID, f"{field}: {messages[0]}") from exc
    if PaymentTerms.objects.filter(company=company, name=terms.name).exists():
        raise DomainError(
            CustomersCode.TERMS_DUPLICATE, _("Payment terms with this name already exist.")
        )
    terms.save()
    warnings = terms.lme_warnings
    audit_record(
        company=company,
        subject=terms,
        kind="payment_terms.created",
        actor=actor,
        after={**snapshot(terms, ("name", "method", "days")), "warnings": warnings},
    )
    return terms, warnings


def _next_reference(company: Company) -> str:
    count = Customer.objects.filter(company=company).count()
    while True:
        count += 1
        reference = f"C{count:05d}"
        if not Customer.objects.filter(company=company, reference=reference).exists():
            return reference


@transaction.atomic
def contact_add(*, company: Company, customer: Customer, actor: Actor, **fields: Any) -> Contact:
    if customer.company_id != company.pk:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    contact = Contact(company=company, customer=customer, **fields)
    try:
        contact.full_clean(exclude=["company", "customer"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(CustomersCode.CONTACT_INVALID, f"{field}: {messages[0]}") from exc
    contact.save()
    audit_record(
        company=company,
        subject=customer,
        kind="contact.added",
        actor=actor,
        after=snapshot(contact, ("name", "email", "phone", "role")),
    )
    return contact
