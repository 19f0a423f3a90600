"""Pure document helpers: mention wording, rates in force, the EPC QR payload."""

from __future__ import annotations

from decimal import Decimal

import pytest

from encaisse.invoicing.documents import mentions, qr


@pytest.mark.parametrize(
    ("rate", "fr", "en"),
    [
        (Decimal("0.2"), "20 %", "20%"),
        (Decimal("0.055"), "5,5 %", "5.5%"),
        (Decimal("0.1315"), "13,15 %", "13.15%"),
        (Decimal("0"), "0 %", "0%"),
    ],
)
def test_percent_text(rate: Decimal, fr: str, en: str) -> None:
    assert mentions.percent_text(rate, "fr") == fr
    assert mentions.percent_text(rate, "en") == en


def test_money_text_in_both_languages() -> None:
    assert mentions.money_text(Decimal("1234.5"), "fr") == "1\u202f234,50\u00a0€"
    assert mentions.money_text(Decimal("1234.5"), "en") == "€1,234.50"


def test_epc_payload_is_epc069_12_version_2() -> None:
    payload = qr.epc_payload(
        name="Acme Industrie SAS",
        iban="fr76 3000 6000 0112 3456 7890 189",
        bic="AGRIFRPP",
        amount=Decimal("1143.27"),
        text="F-000001",
    )
    assert payload.split("\n") == [
        "BCD",
        "002",
        "1",
        "SCT",
        "AGRIFRPP",
        "Acme Industrie SAS",
        "FR7630006000011234567890189",
        "EUR1143.27",
        "",
        "",
        "F-000001",
    ]


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("1000000000.00")])
def test_epc_amount_bounds(amount: Decimal) -> None:
    with pytest.raises(ValueError, match=r"between 0\.01"):
        qr.epc_payload(
            name="A", iban="FR7630006000011234567890189", bic="", amount=amount, text="x"
        )


def test_epc_qr_is_an_svg_data_uri() -> None:
    uri = qr.epc_qr_svg(
        name="A", iban="FR7630006000011234567890189", bic="", amount=Decimal("1"), text="F-1"
    )
    assert uri.startswith("data:image/svg+xml")
