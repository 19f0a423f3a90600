"""Reading e-invoices issued by another tool: Factur-X / ZUGFeRD PDF, CII or UBL XML.

No database access: bytes in, an EInvoice of plain values out, or a FileRejected naming
the file and the reason (not an e-invoice, no XML in the PDF, invalid XML, a profile
without lines, totals that do not add up).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from encaisse.core.exceptions import FileProblem, FileRejected
from encaisse.core.money import ZERO, quantize

TOLERANCE = Decimal("0.01")  # per VAT rate, as EN 16931 rounding allows
CREDIT_NOTE_CODES = frozenset({"381", "261", "262", "396", "532"})
INVOICE_CODES = frozenset({"380", "384", "386", "389", "393", "326", "875", "876", "877"})


def refused(filename: str, code: str, reason: str) -> FileRejected:
    """An e-invoice file refused as a whole: one problem, with a short `code` (invalid_xml,
    totals_mismatch...) beside the reason people read."""
    return FileRejected([FileProblem(filename, None, "", reason, code=code)])


@dataclass(frozen=True, slots=True)
class EParty:
    name: str
    siren: str
    vat_number: str
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str
    email: str


@dataclass(frozen=True, slots=True)
class ELine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    net_amount: Decimal


@dataclass(frozen=True, slots=True)
class EVat:
    rate: Decimal
    base_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True, slots=True)
class EInvoice:
    filename: str
    syntax: str  # "factur-x" (CII) or "ubl"
    profile: str  # BT-24
    type_code: str
    number: str
    issue_date: date
    due_date: date | None
    currency: str
    seller: EParty
    buyer: EParty
    lines: tuple[ELine, ...]
    vat: tuple[EVat, ...]
    net_amount: Decimal
    vat_amount: Decimal
    total_amount: Decimal
    due_amount: Decimal
    po_number: str
    nature: str  # goods, services, both
    preceding_number: str
    payment_terms: str

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_CODES


def _dec(filename: str, value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise refused(filename, "invalid_xml", f"{field}: {value!r} is not a number") from exc


def _siren(party: Mapping[str, Any]) -> str:
    ident = str(party.get("legal_identifier") or "").replace(" ", "")
    scheme = party.get("legal_identifier_schemeid")
    if scheme == "0002" and len(ident) == 9 and ident.isdigit():
        return ident
    if scheme == "0009" and len(ident) == 14 and ident.isdigit():
        return ident[:9]
    for key, value in (party.get("identifiers") or {}).items():
        value = str(value).replace(" ", "")
        if key == "0002" and len(value) == 9 and value.isdigit():
            return value
        if key == "0009" and len(value) == 14 and value.isdigit():
            return value[:9]
    return ""


def _party(data: Any) -> EParty:
    party = data if isinstance(data, dict) else {}
    contacts = party.get("contacts") or []
    email = ""
    if party.get("einvoicing_addr_schemeid") == "EM":
        email = str(party.get("einvoicing_addr") or "")
    elif contacts and isinstance(contacts[0], dict):
        email = str(contacts[0].get("email") or "")
    return EParty(
        name=str(party.get("name") or party.get("biz_name") or "").strip(),
        siren=_siren(party),
        vat_number=str(party.get("vat_identifier") or "").replace(" ", "").upper(),
        address_line1=str(party.get("addr_l1") or ""),
        address_line2=str(party.get("addr_l2") or ""),
        postal_code=str(party.get("postcode") or ""),
        city=str(party.get("city") or ""),
        country=str(party.get("country_code") or "FR")[:2],
        email=email,
    )


def extract_xml(filename: str, content: bytes) -> tuple[str, bytes]:
    """The XML of an e-invoice file and its syntax, or a FileRejected."""
    import facturx  # heavy: imported where used

    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content.startswith(b"%PDF"):
        try:
            _name, xml = facturx.get_xml_from_pdf(content, check_xsd=False)
        except Exception as exc:
            raise refused(filename, "invalid_pdf", f"unreadable PDF ({exc})") from exc
        if not xml:
            raise refused(filename, "pdf_without_xml", "this PDF carries no Factur-X/ZUGFeRD XML")
        return "pdf", xml
    if head.startswith(b"<"):
        return "xml", content
    raise refused(filename, "not_einvoice", "not a PDF or XML e-invoice")


def _syntax(xml: bytes) -> str:
    return "ubl" if b"urn:oasis:names:specification:ubl" in xml[:4096] else "factur-x"


def parse_einvoice(filename: str, content: bytes) -> EInvoice:
    """Read and check an e-invoice: XSD, a profile with lines, totals that add up."""
    import facturx  # heavy: imported where used

    _container, xml = extract_xml(filename, content)
    try:
        data = facturx.parse_ubl_cii_xml(xml, check_xsd=True)
    except Exception as exc:  # the library raises bare Exception with a readable message
        message = str(exc).split("\n")[0][:300]
        raise refused(filename, "invalid_xml", f"invalid e-invoice XML: {message}") from exc
    return _read(filename, _syntax(xml), data)


def _read(filename: str, syntax: str, data: Mapping[str, Any]) -> EInvoice:
    profile = str(data.get("BT-24") or "")
    lines_data = data.get("BG-25") or []
    if "minimum" in profile or "basicwl" in profile or not lines_data:
        raise refused(
            filename,
            "profile_without_lines",
            f"profile {profile or '?'} has no invoice lines: not a complete invoice",
        )
    type_code = str(data.get("BT-3") or "")
    if type_code not in CREDIT_NOTE_CODES | INVOICE_CODES:
        raise refused(filename, "type_code", f"unsupported document type code {type_code}")
    number = str(data.get("BT-1") or "").strip()
    issue_date = data.get("BT-2")
    if not number or not isinstance(issue_date, date):
        raise refused(filename, "invalid_xml", "invoice number or issue date missing")
    lines = []
    for raw in lines_data:
        net = _dec(filename, raw.get("BT-131", "0"), "BT-131 line net amount")
        quantity = _dec(filename, raw.get("BT-129", "1"), "BT-129 quantity")
        base_qty = _dec(filename, raw.get("BT-149") or "1", "BT-149 base quantity") or Decimal(1)
        price = _dec(filename, raw.get("BT-146", "0"), "BT-146 net price") / base_qty
        lines.append(
            ELine(
                description=str(raw.get("BT-153") or raw.get("BT-154") or "-")[:500],
                quantity=quantity,
                unit_price=price,
                vat_rate=_dec(filename, raw.get("BT-152") or "0", "BT-152 VAT rate") / 100,
                net_amount=net,
            )
        )
    vat = tuple(
        EVat(
            rate=_dec(filename, v.get("BT-119") or "0", "BT-119 VAT rate") / 100,
            base_amount=_dec(filename, v.get("BT-116", "0"), "BT-116 VAT base"),
            vat_amount=_dec(filename, v.get("BT-117", "0"), "BT-117 VAT amount"),
        )
        for v in data.get("BG-23") or []
    )
    net = _dec(filename, data.get("BT-109", "0"), "BT-109 total without VAT")
    vat_total = _dec(filename, data.get("BT-110") or "0", "BT-110 total VAT")
    total = _dec(filename, data.get("BT-112", "0"), "BT-112 total with VAT")
    paid = _dec(filename, data.get("BT-113") or "0", "BT-113 paid amount")
    rounding = _dec(filename, data.get("BT-114") or "0", "BT-114 rounding amount")
    due_amount = _dec(filename, data.get("BT-115", total), "BT-115 amount due")
    allowances = _dec(filename, data.get("BT-107") or "0", "BT-107 allowances")
    charges = _dec(filename, data.get("BT-108") or "0", "BT-108 charges")
    line_sum = sum((line.net_amount for line in lines), ZERO)
    errors = check_totals(
        line_sum=line_sum,
        allowances=allowances,
        charges=charges,
        net=net,
        vat=vat,
        vat_total=vat_total,
        total=total,
        paid=paid,
        rounding=rounding,
        due_amount=due_amount,
    )
    if errors:
        raise refused(filename, "totals_mismatch", "totals do not add up: " + "; ".join(errors))
    # Document-level allowances and charges become lines, so the lines add up to the total.
    for key, sign, label in (("BG-20", -1, "Remise"), ("BG-21", 1, "Frais")):
        for raw in data.get(key) or []:
            amount = _dec(filename, raw.get("amount", "0"), f"{key} amount") * sign
            lines.append(
                ELine(
                    description=str(raw.get("reason") or label)[:500],
                    quantity=Decimal(1),
                    unit_price=amount,
                    vat_rate=_dec(filename, raw.get("vat_rate") or "0", f"{key} VAT rate") / 100,
                    net_amount=amount,
                )
            )
    if total <= 0:
        raise refused(filename, "non_positive_total", "the total must be positive")
    nature = {"B": "goods", "S": "services", "M": "both"}.get(str(data.get("BT-23") or "S")[:1])
    preceding = data.get("BG-3") or []
    return EInvoice(
        filename=filename,
        syntax=syntax,
        profile=profile,
        type_code=type_code,
        number=number,
        issue_date=issue_date,
        due_date=data.get("BT-9") if isinstance(data.get("BT-9"), date) else None,
        currency=str(data.get("BT-5") or "EUR"),
        seller=_party(data.get("BG-4")),
        buyer=_party(data.get("BG-7")),
        lines=tuple(lines),
        vat=vat,
        net_amount=net,
        vat_amount=vat_total,
        total_amount=total,
        due_amount=due_amount,
        po_number=str(data.get("BT-13") or "")[:50],
        nature=nature or "services",
        preceding_number=str(preceding[0].get("BT-25") or "") if preceding else "",
        payment_terms=str(data.get("BT-20") or ""),
    )


def check_totals(
    *,
    line_sum: Decimal,
    allowances: Decimal,
    charges: Decimal,
    net: Decimal,
    vat: Sequence[EVat],
    vat_total: Decimal,
    total: Decimal,
    paid: Decimal,
    rounding: Decimal,
    due_amount: Decimal,
) -> list[str]:
    """EN 16931 calculation rules (BR-CO-10 to BR-CO-17), each failure as a sentence.

    >>> check_totals(line_sum=Decimal("100"), allowances=ZERO, charges=ZERO,
    ...     net=Decimal("100"), vat=[EVat(Decimal("0.2"), Decimal("100"), Decimal("20"))],
    ...     vat_total=Decimal("20"), total=Decimal("121"), paid=ZERO, rounding=ZERO,
    ...     due_amount=Decimal("121"))
    ['total with VAT 121 is not total without VAT 100 + VAT 20']
    """
    errors = []
    if line_sum - allowances + charges != net:
        errors.append(
            f"lines ({line_sum}) - allowances ({allowances}) + charges ({charges}) "
            f"is not the total without VAT {net}"
        )
    vat_bases = sum((v.base_amount for v in vat), ZERO)
    if vat and vat_bases != net:
        errors.append(f"VAT bases add up to {vat_bases}, not the total without VAT {net}")
    for v in vat:
        expected = quantize(v.base_amount * v.rate)
        if abs(expected - v.vat_amount) > TOLERANCE:
            errors.append(
                f"VAT at {v.rate * 100:g} % on {v.base_amount} is {expected}, not {v.vat_amount}"
            )
    vat_sum = sum((v.vat_amount for v in vat), ZERO)
    if vat and vat_sum != vat_total:
        errors.append(f"VAT per rate adds up to {vat_sum}, not the total VAT {vat_total}")
    if net + vat_total != total:
        errors.append(f"total with VAT {total} is not total without VAT {net} + VAT {vat_total}")
    if total - paid + rounding != due_amount:
        errors.append(f"amount due {due_amount} is not total {total} - paid {paid}")
    return errors
