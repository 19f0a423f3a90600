"""Panels this app adds to the staff pages (registered in InvoicingConfig.ready)."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from encaisse.core.dates import today
from encaisse.customers.models import Customer
from encaisse.invoicing.documents.lifecycle import lifecycle_events
from encaisse.invoicing.documents.services import billing_recipients
from encaisse.invoicing.models import Invoice, IssuedDocument, Quote
from encaisse.web.invoices import document_forms as forms


def invoice_panel(request: HttpRequest, invoice: Invoice) -> str:
    """Download / send the document; the e-invoicing lifecycle statuses."""
    company = invoice.company
    document = IssuedDocument.objects.filter(company=company, invoice=invoice).first()
    context = {
        "invoice": invoice,
        "document": document,
        "recipients": billing_recipients(invoice.customer),
        "events": lifecycle_events(company, invoice) if invoice.status == "issued" else [],
        "lifecycle_form": forms.LifecycleForm(initial={"occurred_on": today()}),
        "send_form": forms.SendForm(),
        "quote": Quote.objects.filter(company=company, invoice=invoice).first()
        or Quote.objects.filter(company=company, deposit_invoice=invoice).first(),
    }
    return render_to_string("invoicing/_invoice_panel.html", context, request=request)


def customer_panel(request: HttpRequest, customer: Customer) -> str:
    """Statement of account PDF and sending; the customer's quotes."""
    context = {
        "customer": customer,
        "recipients": billing_recipients(customer),
        "quotes": Quote.objects.filter(company=customer.company, customer=customer)[:10],
    }
    return render_to_string("invoicing/_customer_panel.html", context, request=request)
