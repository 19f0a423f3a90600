"""Panels on the customer and invoice pages: reminders, promises, hold, penalties."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.dunning.selectors import (
    promises_for_customer,
    reminders_for_customer,
    reminders_for_invoice,
)
from encaisse.dunning.services import invoice_claim
from encaisse.dunning.services.policy_edit import policy_applied
from encaisse.invoicing.models import Invoice
from encaisse.web.dunning.forms import PenaltyDecisionForm
from encaisse.web.dunning.policy_forms import PolicyAssignForm


def customer_panel(request: HttpRequest, customer: Customer) -> str:
    company = customer.company
    return render_to_string(
        "dunning/_customer_panel.html",
        {
            "customer": customer,
            "on_hold": customer.is_on_hold(today()),
            "reminders": list(reminders_for_customer(company, customer.pk)[:30]),
            "promises": list(promises_for_customer(company, customer.pk)[:20]),
            "policy": (applied := policy_applied(company, customer)),
            "policy_form": PolicyAssignForm(
                company=company, initial={"policy": applied.assigned_id}
            ),
        },
        request=request,
    )


def invoice_panel(request: HttpRequest, invoice: Invoice) -> str:
    company = invoice.company
    claim = None
    if (
        invoice.kind == Invoice.Kind.INVOICE
        and invoice.status == Invoice.Status.ISSUED
        and invoice.due_date is not None
    ):
        claim = invoice_claim(company=company, invoice_id=invoice.pk, on=today())
    return render_to_string(
        "dunning/_invoice_panel.html",
        {
            "invoice": invoice,
            "claim": claim,
            "reminders": list(reminders_for_invoice(company, invoice.pk)[:30]),
            "decision_form": PenaltyDecisionForm(),
        },
        request=request,
    )
