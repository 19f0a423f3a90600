"""Reads that only the staff pages need so far: the home page's headline figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Sum

from encaisse.core.db import quantized
from encaisse.core.models import Company
from encaisse.customers.models import Customer
from encaisse.customers.selectors import customer_list
from encaisse.invoicing.selectors import invoice_list

TOP_CUSTOMERS = 10


@dataclass(frozen=True, slots=True)
class HomeFigures:
    open_amount: Decimal
    open_count: int
    overdue_amount: Decimal
    overdue_count: int
    top_customers: list[Customer]


def home_figures(company: Company, *, on: date) -> HomeFigures:
    """What is owed, what is late as of `on`, and who owes most."""
    open_totals = invoice_list(company, status="open").aggregate(
        amount=Sum("open_amount"), count=Count("pk")
    )
    overdue_totals = invoice_list(company, overdue_on=on).aggregate(
        amount=Sum("open_amount"), count=Count("pk")
    )
    top = customer_list(company, with_balance_only=True, sort="-balance")[:TOP_CUSTOMERS]
    return HomeFigures(
        open_amount=quantized(open_totals["amount"]),
        open_count=open_totals["count"],
        overdue_amount=quantized(overdue_totals["amount"]),
        overdue_count=overdue_totals["count"],
        top_customers=list(top),
    )
