"""Reads on customers. What they owe (balances, statements) is `ledger.positions`."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from encaisse.core.models import Company
from encaisse.customers.models import Customer


def customer_search(
    company: Company, *, search: str = "", owner_id: int | None = None
) -> QuerySet[Customer]:
    """The company's customers matching `search` (name, reference, SIREN, city) and `owner_id`."""
    qs = Customer.objects.filter(company=company)
    if search:
        qs = qs.filter(
            Q(name__icontains=search)
            | Q(reference__icontains=search)
            | Q(siren__startswith=search.replace(" ", ""))
            | Q(city__icontains=search)
        )
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs
