"""From database rows to DocumentData: what the PDF and the Factur-X XML of a row say."""

from __future__ import annotations

import base64
import mimetypes
from datetime import date
from decimal import Decimal

from encaisse.core.models import Company
from encaisse.core.penalties import default_rate
from encaisse.core.rates import rate_history
from encaisse.customers.models import Customer, PaymentTerms
from encaisse.invoicing import calc
from encaisse.invoicing.documents.data import DocumentData, Line, Party, VatLine
from encaisse.invoicing.documents.mentions import LANGUAGES, Clauses, clauses
from encaisse.invoicing.models import Invoice, Quote


def document_language(customer: Customer) -> str:
    """French by default; English when the customer reads English."""
    return customer.language if customer.language in LANGUAGES else "fr"


def seller_party(company: Company) -> Party:
    return Party(
        name=company.legal_name,
        siren=company.siren,
        vat_number=company.vat_number,
        address_line1=company.address_line1,
        address_line2=company.address_line2,
        postal_code=company.postal_code,
        city=company.city,
        country=company.country or "FR",
        legal_form=company.legal_form,
        share_capital=company.share_capital,
        rcs_city=company.rcs_city,
        email=company.email,
        phone=company.phone,
    )


def customer_party(customer: Customer) -> Party:
    return Party(
        name=customer.name,
        siren=customer.siren,
        siret=customer.siret,
        vat_number=customer.vat_number,
        address_line1=customer.address_line1,
        address_line2=customer.address_line2,
        postal_code=customer.postal_code,
        city=customer.city,
        country=customer.country or "FR",
        legal_form=customer.legal_form,
        email=customer.email,
    )


def delivery_party(customer: Customer) -> Party | None:
    """The delivery address, only when it differs from the customer's address."""
    lines = customer.delivery_lines()
    if not lines or lines == customer.address_lines()[: len(lines)]:
        return None
    return Party(
        name=customer.name,
        address_line1=customer.delivery_address_line1,
        address_line2=customer.delivery_address_line2,
        postal_code=customer.delivery_postal_code,
        city=customer.delivery_city,
        country=customer.delivery_country or customer.country or "FR",
    )


def logo_data_uri(company: Company) -> str:
    if not company.logo:
        return ""
    try:
        with company.logo.open("rb") as f:
            content = f.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(company.logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def terms_text(terms: PaymentTerms | None, lang: str) -> str:
    if terms is not None:
        return terms.name
    return "30 jours net" if lang == "fr" else "30 days net"


def penalty_rate_printed(company: Company, on: date) -> Decimal:
    """The contractual rate, else the legal default of `on`'s half-year (ECB rate + 10 points).

    The rates come from the one table that dunning computes penalties with, so what the
    invoice announces is what a reminder will claim.
    """
    if company.penalty_rate is not None:
        return company.penalty_rate
    return default_rate(rate_history(), on)


def company_clauses(company: Company, *, on: date, lang: str) -> Clauses:
    return clauses(
        lang=lang,
        penalty_rate=penalty_rate_printed(company, on),
        indemnity=company.recovery_indemnity,
        early_payment_discount=company.early_payment_discount,
    )


def invoice_document_data(invoice: Invoice) -> DocumentData:
    """What the issued PDF and Factur-X of an invoice or credit note say."""
    company, customer = invoice.company, invoice.customer
    assert invoice.issue_date is not None, "only issued invoices have a document"
    lang = document_language(customer)
    deposit = invoice.deposit_for_quotes.exists()
    if invoice.is_credit_note:
        kind, type_code = "credit_note", "381"
    elif deposit:
        kind, type_code = "deposit_invoice", "386"
    else:
        kind, type_code = "invoice", "380"
    credited = invoice.credited_invoice
    return DocumentData(
        kind=kind,
        type_code=type_code,
        lang=lang,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        supply_date=invoice.supply_date,
        po_number=invoice.po_number,
        nature=invoice.nature,
        currency=invoice.currency,
        seller=seller_party(company),
        customer=customer_party(customer),
        delivery=delivery_party(customer) if invoice.nature != "services" else None,
        lines=tuple(
            Line(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_rate=line.discount_rate,
                vat_rate=line.vat_rate,
                net_amount=line.net_amount,
            )
            for line in invoice.lines.all()
        ),
        vat=tuple(
            VatLine(rate=v.rate, base_amount=v.base_amount, vat_amount=v.vat_amount)
            for v in invoice.vat_totals.all()
        ),
        net_amount=invoice.net_amount,
        vat_amount=invoice.vat_amount,
        total_amount=invoice.total_amount,
        clauses=company_clauses(company, on=invoice.issue_date, lang=lang),
        payment_terms=terms_text(invoice.payment_terms, lang),
        payment_methods=company.payment_methods,
        iban=company.iban,
        bic=company.bic,
        vat_on_debits=company.vat_on_debits and invoice.nature != "goods",
        vat_group_member=company.vat_group_member,
        vat_exemption_text=company.vat_exemption_text,
        credited_number=credited.number if credited else "",
        credited_date=credited.issue_date if credited else None,
        notes=invoice.notes,
        logo_data_uri=logo_data_uri(company),
    )


def quote_document_data(quote: Quote) -> DocumentData:
    company, customer = quote.company, quote.customer
    assert quote.issue_date is not None, "only issued quotes have a document"
    lang = document_language(customer)
    lines = list(quote.lines.all())
    totals = calc.invoice_totals(
        [calc.LineInput(x.quantity, x.unit_price, x.discount_rate, x.vat_rate) for x in lines]
    )
    return DocumentData(
        kind="quote",
        type_code="310",
        lang=lang,
        number=quote.number,
        issue_date=quote.issue_date,
        valid_until=quote.valid_until,
        po_number=quote.po_number,
        nature=quote.nature,
        currency=quote.currency,
        seller=seller_party(company),
        customer=customer_party(customer),
        delivery=delivery_party(customer) if quote.nature != "services" else None,
        lines=tuple(
            Line(x.description, x.quantity, x.unit_price, x.discount_rate, x.vat_rate, x.net_amount)
            for x in lines
        ),
        vat=tuple(VatLine(v.rate, v.base_amount, v.vat_amount) for v in totals.vat),
        net_amount=quote.net_amount,
        vat_amount=quote.vat_amount,
        total_amount=quote.total_amount,
        clauses=company_clauses(company, on=quote.issue_date, lang=lang),
        payment_terms=terms_text(quote.payment_terms, lang),
        payment_methods=company.payment_methods,
        iban=company.iban,
        bic=company.bic,
        vat_on_debits=company.vat_on_debits and quote.nature != "goods",
        vat_group_member=company.vat_group_member,
        vat_exemption_text=company.vat_exemption_text,
        notes=quote.notes,
        logo_data_uri=logo_data_uri(company),
    )
