"""Factur-X / CII XML at the EN 16931 profile, built with the `factur-x` library.

Pure module: DocumentData in, XML bytes out, checked against the profile's XSD (the
schematron needs a Saxon server; the French CTC rules we follow by construction: notes
#PMT# #PMD# #AAB#, BT-23, SIREN scheme 0002).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from encaisse.invoicing.documents.data import DocumentData, Party

LEVEL = "en16931"
SIREN_SCHEME = "0002"


class FacturXError(ValueError):
    """The XML could not be built or does not pass the profile's schema."""


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _percent(rate: Decimal) -> str:
    return f"{rate * 100:.2f}"


def _party(party: Party, *, seller: bool) -> dict[str, Any]:
    result: dict[str, Any] = {
        "name": party.name,
        "addr_l1": party.address_line1,
        "postcode": party.postal_code,
        "city": party.city,
        "country_code": party.country or "FR",
    }
    if party.address_line2:
        result["addr_l2"] = party.address_line2
    if party.siren:
        result["legal_identifier"] = party.siren
        result["legal_identifier_schemeid"] = SIREN_SCHEME
    if party.vat_number:
        result["vat_identifier"] = party.vat_number
    if seller:
        info = [party.legal_form]
        if party.share_capital is not None:
            info.append(f"au capital de {party.share_capital:.2f} EUR")
        if party.rcs_city:
            info.append(f"RCS {party.rcs_city} {party.siren}")
        legal_info = " ".join(p for p in info if p)
        if legal_info:
            result["legal_info"] = legal_info
    if party.email:
        result["einvoicing_addr"] = party.email
        result["einvoicing_addr_schemeid"] = "EM"
    return result


def _plain(text: str) -> str:
    """Notes travel between systems: no-break spaces become plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def _category(rate: Decimal) -> str:
    return "S" if rate > 0 else "E"


def data_dict(doc: DocumentData) -> dict[str, Any]:
    """The EN 16931 business terms (BT-n / BG-n keys) of a document."""
    notes = [
        {"BT-21": "PMD", "BT-22": _plain(doc.clauses.penalty)},
        {"BT-21": "PMT", "BT-22": _plain(doc.clauses.indemnity)},
        {"BT-21": "AAB", "BT-22": _plain(doc.clauses.discount)},
    ]
    if doc.vat_group_member:
        notes.append({"BT-21": "TXD", "BT-22": "Membre d'un assujetti unique"})
    if doc.vat_on_debits:
        notes.append(
            {"BT-21": "AAI", "BT-22": "Option pour le paiement de la taxe d'après les débits"}
        )
    if doc.notes:
        notes.append({"BT-22": doc.notes[:1000]})
    result: dict[str, Any] = {
        "BT-1": doc.number,
        "BT-2": doc.issue_date,
        "BT-3": doc.type_code,
        "BT-5": doc.currency,
        "BT-23": doc.nature_code,
        "BG-1": notes,
        "BG-4": _party(doc.seller, seller=True),
        "BG-7": _party(doc.customer, seller=False),
        "BT-106": _amount(doc.net_amount),
        "BT-109": _amount(doc.net_amount),
        "BT-110": _amount(doc.vat_amount),
        "BT-112": _amount(doc.total_amount),
        "BT-115": _amount(doc.total_amount),
    }
    if doc.due_date and not doc.is_credit_note:
        result["BT-9"] = doc.due_date
    if doc.payment_terms:
        result["BT-20"] = doc.payment_terms
    if doc.po_number:
        result["BT-13"] = doc.po_number
    # Without a delivery date the empty delivery block fails the XSD: the supply date
    # defaults to the issue date, which is what an invoice without that mention means.
    result["BT-72"] = doc.supply_date or doc.issue_date
    if doc.credited_number:
        ref: dict[str, Any] = {"BT-25": doc.credited_number}
        if doc.credited_date:
            ref["BT-26"] = doc.credited_date
        result["BG-3"] = [ref]
    if doc.delivery is not None:
        delivery = _party(doc.delivery, seller=False)
        delivery.pop("legal_identifier", None)
        delivery.pop("legal_identifier_schemeid", None)
        delivery.pop("vat_identifier", None)
        delivery.pop("einvoicing_addr", None)
        delivery.pop("einvoicing_addr_schemeid", None)
        result["BG-13"] = delivery
    if doc.iban and not doc.is_credit_note:
        result["BT-81"] = "58"  # SEPA credit transfer
        result["BT-83"] = doc.number
        result["BT-84"] = doc.iban.replace(" ", "")
        if doc.bic:
            result["BT-86"] = doc.bic
    vat_lines = []
    for vat in doc.vat:
        line: dict[str, Any] = {
            "BT-116": _amount(vat.base_amount),
            "BT-117": _amount(vat.vat_amount),
            "BT-118": _category(vat.rate),
            "BT-119": _percent(vat.rate),
        }
        if vat.rate == 0:
            line["BT-120"] = doc.vat_exemption_text or "Exonération de TVA"
        vat_lines.append(line)
    result["BG-23"] = vat_lines
    lines = []
    for position, item in enumerate(doc.lines, start=1):
        gross = (item.quantity * item.unit_price).quantize(Decimal("0.01"))
        entry: dict[str, Any] = {
            "BT-126": str(position),
            "BT-129": f"{item.quantity:.4f}",
            "BT-130": "C62",
            "BT-131": _amount(item.net_amount),
            "BT-146": f"{item.unit_price:.4f}",
            "BT-151": _category(item.vat_rate),
            "BT-152": _percent(item.vat_rate),
            "BT-153": item.description[:500] or "-",
        }
        allowance = gross - item.net_amount
        if allowance > 0:
            entry["BG-27"] = [
                {
                    "amount": _amount(allowance),
                    "base_amount": _amount(gross),
                    "rate": _percent(item.discount_rate),
                    "reason": "Remise",
                    "reason_code": "95",
                }
            ]
        lines.append(entry)
    result["BG-25"] = lines
    return result


def build_xml(doc: DocumentData) -> bytes:
    """The CII XML of a document, checked against the EN 16931 XSD."""
    import facturx  # heavy: imported where used

    try:
        xml: bytes = facturx.generate_cii_xml(
            data_dict(doc), level=LEVEL, check_xsd=True, check_schematron=False
        )
    except Exception as exc:  # the library raises ValueError, AssertionError, lxml errors
        raise FacturXError(f"Factur-X XML not valid: {exc}") from exc
    return xml
