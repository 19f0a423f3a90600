"""PDF/A-3b documents rendered with WeasyPrint from HTML templates; invoices and credit notes
carry their Factur-X XML (factur-x.xml, relationship Data) inside the PDF.

No database access: DocumentData in, PDF bytes out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from encaisse.invoicing.documents import qr
from encaisse.invoicing.documents.data import DocumentData, Party
from encaisse.invoicing.documents.facturx import LEVEL, FacturXError, build_xml
from encaisse.invoicing.documents.mentions import (
    Clauses,
    date_text,
    labels,
    money_text,
    number_text,
    percent_text,
)

PDF_VARIANT = "pdf/a-3b"


def _iban_text(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _qr(doc_name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    if not iban or amount <= 0:
        return ""
    return qr.epc_qr_svg(name=doc_name, iban=iban, bic=bic, amount=amount, text=text)


def _html_to_pdf(html: str, *, title: str, lang: str) -> bytes:
    from weasyprint import HTML  # heavy: imported where used

    result: bytes = HTML(string=html, base_url=None).write_pdf(pdf_variant=PDF_VARIANT)
    return result


def document_context(doc: DocumentData) -> dict[str, Any]:
    lang = doc.lang
    t = labels(lang)
    title = t[doc.kind]
    capital = (
        money_text(doc.seller.share_capital, lang) if doc.seller.share_capital is not None else ""
    )
    return {
        "doc": doc,
        "t": t,
        "title": title,
        "capital": capital,
        "issue_date": date_text(doc.issue_date, lang),
        "due_date": date_text(doc.due_date, lang),
        "valid_until": date_text(doc.valid_until, lang),
        "supply_date": date_text(doc.supply_date, lang),
        "credited_date": date_text(doc.credited_date, lang),
        "nature": t.get(f"nature_{doc.nature}", doc.nature),
        "has_discount": any(line.discount_rate for line in doc.lines),
        "lines": [
            {
                "description": line.description,
                "quantity": number_text(line.quantity, lang),
                "unit_price": money_text(line.unit_price, lang)
                if line.unit_price == line.unit_price.quantize(Decimal("0.01"))
                else number_text(line.unit_price, lang),
                "discount": percent_text(line.discount_rate, lang) if line.discount_rate else "",
                "vat_rate": percent_text(line.vat_rate, lang),
                "net": money_text(line.net_amount, lang),
            }
            for line in doc.lines
        ],
        "vat": [
            {
                "rate": percent_text(v.rate, lang),
                "base": money_text(v.base_amount, lang),
                "vat": money_text(v.vat_amount, lang),
            }
            for v in doc.vat
        ],
        "zero_vat": any(v.rate == 0 for v in doc.vat),
        "net": money_text(doc.net_amount, lang),
        "vat_total": money_text(doc.vat_amount, lang),
        "total": money_text(doc.total_amount, lang),
        "iban": _iban_text(doc.iban),
        "qr": _qr(doc.seller.name, doc.iban, doc.bic, doc.total_amount, doc.number)
        if doc.with_payment
        else "",
    }


def render_html(doc: DocumentData) -> str:
    return render_to_string("invoicing/documents/document.html", document_context(doc))


def render_pdf(doc: DocumentData) -> bytes:
    """The PDF/A-3b of a document; invoices and credit notes embed their Factur-X XML."""
    title = f"{labels(doc.lang)[doc.kind]} {doc.number}"
    pdf = _html_to_pdf(render_html(doc), title=title, lang=doc.lang)
    if doc.kind == "quote":
        return pdf
    xml = build_xml(doc)
    return embed_facturx(pdf, xml, title=title, doc=doc)


def embed_facturx(pdf: bytes, xml: bytes, *, title: str, doc: DocumentData) -> bytes:
    import facturx  # heavy: imported where used

    try:
        result: bytes = facturx.generate_from_binary(
            pdf,
            xml,
            flavor="factur-x",
            level=LEVEL,
            check_xsd=True,
            pdf_metadata={
                "author": doc.seller.name,
                "keywords": "Factur-X",
                "title": title,
                "subject": title,
            },
            lang=doc.lang,
        )
    except Exception as exc:  # the library raises bare Exception on a bad XML or PDF
        raise FacturXError(f"Factur-X embedding failed: {exc}") from exc
    return result


@dataclass(frozen=True, slots=True)
class StatementRow:
    number: str
    issue_date: date | None
    due_date: date | None
    amount: Decimal
    open_amount: Decimal


@dataclass(frozen=True, slots=True)
class StatementData:
    lang: str
    as_of: date
    seller: Party
    customer: Party
    rows: tuple[StatementRow, ...]
    balance: Decimal
    clauses: Clauses
    payment_methods: str = ""
    iban: str = ""
    bic: str = ""
    logo_data_uri: str = ""


def render_statement_pdf(data: StatementData) -> bytes:
    lang = data.lang
    t = labels(lang)
    context = {
        "doc": data,
        "t": t,
        "lang": lang,
        "as_of": date_text(data.as_of, lang),
        "capital": money_text(data.seller.share_capital, lang)
        if data.seller.share_capital is not None
        else "",
        "rows": [
            {
                "number": row.number,
                "date": date_text(row.issue_date, lang),
                "due": date_text(row.due_date, lang),
                "amount": money_text(row.amount, lang),
                "open": money_text(row.open_amount, lang),
            }
            for row in data.rows
        ],
        "balance": money_text(data.balance, lang),
        "iban": _iban_text(data.iban),
        "qr": _qr(
            data.seller.name,
            data.iban,
            data.bic,
            data.balance,
            f"{data.customer.name} {data.as_of.isoformat()}",
        ),
    }
    html = render_to_string("invoicing/documents/statement.html", context)
    return _html_to_pdf(html, title=f"{t['statement']} {data.customer.name}", lang=lang)
