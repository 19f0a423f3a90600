"""/api/v1/customers: list with balances, read, create, update."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from encaisse.api.auth import principal, writer
from encaisse.api.errors import documented
from encaisse.api.fields import (
    CreditLimitIn,
    Id,
    LongText,
    Money,
    Name,
    Page,
    PageQuery,
    Str2,
    Str20,
    Str30,
    Str50,
    Str100,
    Str200,
    Str254,
)
from encaisse.core.errors import CoreCode
from encaisse.core.exceptions import DomainError, ErrorKind
from encaisse.core.models import Company, Membership
from encaisse.core.scoping import get_for_company_or_404
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.customers.services import customer_create, customer_update
from encaisse.ledger.positions import customer_list

router = Router(tags=["customers"])

Kind = Literal["business", "public", "consumer"]
Language = Literal["fr", "en"]


class CustomerFilters(PageQuery):
    q: Str100 = ""
    with_balance: bool = False


class CustomerOut(Schema):
    id: int
    reference: str
    name: str
    kind: str
    legal_form: str
    siren: str
    siret: str
    vat_number: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    delivery_address_line1: str
    delivery_address_line2: str
    delivery_postal_code: str
    delivery_city: str
    delivery_country: str
    language: str
    payment_terms_id: int | None
    credit_limit: Money | None
    owner_id: int | None
    external_ref: str
    notes: str
    balance: Money
    created_at: datetime
    updated_at: datetime


class CustomerIn(Schema):
    reference: Str50 = ""
    name: Name
    kind: Kind = "business"
    legal_form: Str50 = ""
    siren: Str20 = ""
    siret: Str30 = ""
    vat_number: Str30 = ""
    email: Str254 = ""
    phone: Str30 = ""
    address_line1: Str200 = ""
    address_line2: Str200 = ""
    postal_code: Str20 = ""
    city: Str100 = ""
    country: Str2 = "FR"
    delivery_address_line1: Str200 = ""
    delivery_address_line2: Str200 = ""
    delivery_postal_code: Str20 = ""
    delivery_city: Str100 = ""
    delivery_country: Str2 = ""
    language: Language = "fr"
    payment_terms_id: Id | None = None
    credit_limit: CreditLimitIn | None = None
    owner_id: Id | None = None
    external_ref: Str100 = ""
    notes: LongText = ""


class CustomerPatch(Schema):
    """Only the fields sent change; `null` clears terms, credit limit and owner."""

    reference: Str50 | None = None
    name: Name | None = None
    kind: Kind | None = None
    legal_form: Str50 | None = None
    siren: Str20 | None = None
    siret: Str30 | None = None
    vat_number: Str30 | None = None
    email: Str254 | None = None
    phone: Str30 | None = None
    address_line1: Str200 | None = None
    address_line2: Str200 | None = None
    postal_code: Str20 | None = None
    city: Str100 | None = None
    country: Str2 | None = None
    delivery_address_line1: Str200 | None = None
    delivery_address_line2: Str200 | None = None
    delivery_postal_code: Str20 | None = None
    delivery_city: Str100 | None = None
    delivery_country: Str2 | None = None
    language: Language | None = None
    payment_terms_id: Id | None = None
    credit_limit: CreditLimitIn | None = None
    owner_id: Id | None = None
    external_ref: Str100 | None = None
    notes: LongText | None = None


NULLABLE = frozenset({"payment_terms_id", "credit_limit", "owner_id"})


def _service_fields(company: Company, fields: dict[str, Any]) -> dict[str, Any]:
    """Schema fields as the service takes them: ids of related rows become rows of `company`."""
    for name in [n for n, v in fields.items() if v is None and n not in NULLABLE]:
        # `null` on a text or choice field means "leave it as it is".
        del fields[name]
    if "payment_terms_id" in fields:
        terms_id = fields.pop("payment_terms_id")
        terms = None
        if terms_id is not None:
            terms = PaymentTerms.objects.filter(company=company, pk=terms_id).first()
            if terms is None:
                raise DomainError(CustomersCode.PAYMENT_TERMS_UNKNOWN, _("Unknown payment terms."))
        fields["payment_terms"] = terms
    if "owner_id" in fields:
        owner_id = fields.pop("owner_id")
        owner = None
        if owner_id is not None:
            membership = (
                Membership.objects.filter(company=company, user_id=owner_id)
                .select_related("user")
                .first()
            )
            if membership is None:
                raise DomainError(
                    CoreCode.USER_UNKNOWN, _("The owner must be a member of the company.")
                )
            owner = membership.user
        fields["owner"] = owner
    return fields


@router.get("/customers", response={200: Page[CustomerOut], **documented()})
def customers_list(request: HttpRequest, filters: Query[CustomerFilters]) -> dict[str, Any]:
    """Customers with their balance (issued invoices − credit notes − payments)."""
    company = principal(request).company
    qs = customer_list(company, search=filters.q.strip(), with_balance_only=filters.with_balance)
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/customers/{customer_id}", response={200: CustomerOut, **documented(ErrorKind.NOT_FOUND)}
)
def customers_get(request: HttpRequest, customer_id: Id) -> Customer:
    company = principal(request).company
    return get_for_company_or_404(customer_list(company), company=company, pk=customer_id)


@router.post(
    "/customers",
    response={
        201: CustomerOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def customers_create(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    """Create a customer; SIREN, SIRET and VAT number are checked (python-stdnum)."""
    caller = writer(request)
    fields = _service_fields(caller.company, payload.model_dump(exclude_unset=True))
    customer = customer_create(company=caller.company, actor=caller.user, **fields)
    return Status(201, customer_list(caller.company).get(pk=customer.pk))


@router.patch(
    "/customers/{customer_id}",
    response={
        200: CustomerOut,
        **documented(
            ErrorKind.FORBIDDEN,
            ErrorKind.NOT_FOUND,
            ErrorKind.CONFLICT,
            ErrorKind.INVALID,
            write=True,
        ),
    },
)
def customers_update(request: HttpRequest, customer_id: Id, payload: CustomerPatch) -> Customer:
    caller = writer(request)
    customer = get_for_company_or_404(Customer, company=caller.company, pk=customer_id)
    fields = _service_fields(caller.company, payload.model_dump(exclude_unset=True))
    customer_update(company=caller.company, customer_id=customer.pk, actor=caller.user, **fields)
    return customer_list(caller.company).get(pk=customer.pk)
