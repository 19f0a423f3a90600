"""SEPA credit transfer QR code (EPC069-12, "GiroCode"): the customer pays in one scan.

Pure module.

>>> print(epc_payload(name="Acme SAS", iban="FR76 3000 6000 0112 3456 7890 189",
...                   bic="AGRIFRPP", amount=Decimal("1234.50"), text="F-000042"))
BCD
002
1
SCT
AGRIFRPP
Acme SAS
FR7630006000011234567890189
EUR1234.50
<BLANKLINE>
<BLANKLINE>
F-000042
"""

from __future__ import annotations

from decimal import Decimal

import segno

MAX_AMOUNT = Decimal("999999999.99")


def epc_payload(*, name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """The EPC069-12 version 002 text: service tag, UTF-8, SCT, BIC, name, IBAN, amount, text."""
    if not Decimal("0.01") <= amount <= MAX_AMOUNT:
        raise ValueError("an EPC QR code carries an amount between 0.01 and 999 999 999.99 EUR")
    lines = [
        "BCD",
        "002",
        "1",  # UTF-8
        "SCT",
        bic.strip(),
        name.strip()[:70],
        iban.replace(" ", "").upper(),
        f"EUR{amount:.2f}",
        "",  # purpose
        "",  # structured creditor reference (RF...): we use the unstructured text
        text.strip()[:140],
    ]
    return "\n".join(lines)


def epc_qr_svg(*, name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """The QR code as a data: URI of an SVG image, ready for an <img src>."""
    payload = epc_payload(name=name, iban=iban, bic=bic, amount=amount, text=text)
    code = segno.make(payload, error="m", micro=False, boost_error=False, encoding="utf-8")
    result: str = code.svg_data_uri(scale=4, border=2)
    return result
