"""Wording of the mandatory mentions (mentions obligatoires) printed on our documents.

Pure module. Legal documents do not depend on a translation catalogue: the French and
English texts are data here, chosen by the customer's language (French by default).

>>> percent_text(Decimal("0.1215"), "fr")
'12,15 %'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from encaisse.core.money import format_eur

LANGUAGES = ("fr", "en")


def percent_text(rate: Decimal, lang: str) -> str:
    """A fraction as a percentage: 0.2 -> '20 %' (fr) or '20%' (en); 0.055 -> '5,5 %'."""
    value = (rate * 100).quantize(Decimal("0.01"))
    text = f"{value:f}".rstrip("0").rstrip(".")
    if lang == "fr":
        return text.replace(".", ",") + " %"
    return text + "%"


def money_text(value: Decimal, lang: str) -> str:
    """1234.5 -> '1 234,50 €' in French, '€1,234.50' in English."""
    if lang == "fr":
        return format_eur(value)
    sign = "-" if value < 0 else ""
    return f"{sign}€{abs(value):,.2f}"


def date_text(value: date | None, lang: str) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if lang == "fr" else value.isoformat()


def number_text(value: Decimal, lang: str) -> str:
    """A quantity or unit price without useless zeros: 3.000 -> '3', 19.9900 -> '19,99'."""
    text = f"{value.normalize():f}"
    if "." in text:
        whole, frac = text.split(".")
        text = whole + "." + frac.ljust(2, "0")
    return text.replace(".", ",") if lang == "fr" else text


@dataclass(frozen=True, slots=True)
class Clauses:
    """Payment clauses every invoice and quote states (C. com. L441-9, BR-FR-05 notes)."""

    penalty: str  # #PMD#
    indemnity: str  # #PMT#
    discount: str  # #AAB#


def clauses(
    *, lang: str, penalty_rate: Decimal, indemnity: Decimal, early_payment_discount: str
) -> Clauses:
    if lang == "en":
        return Clauses(
            penalty=(
                f"Late payment penalties at the yearly rate of {percent_text(penalty_rate, lang)}, "
                "payable from the day after the due date."
            ),
            indemnity=(
                "Fixed indemnity for recovery costs in case of late payment: "
                f"{money_text(indemnity, lang)} (art. L441-10 and D441-5 C. com.)."
            ),
            discount=early_payment_discount
            if not early_payment_discount.startswith("Escompte pour paiement anticipé : néant")
            else "No discount for early payment.",
        )
    return Clauses(
        penalty=(
            "Pénalités de retard au taux annuel de "
            f"{percent_text(penalty_rate, lang)}, exigibles dès le jour suivant la date "
            "d'échéance."
        ),
        indemnity=(
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : "
            f"{money_text(indemnity, lang)} (art. L441-10 et D441-5 du Code de commerce)."
        ),
        discount=early_payment_discount,
    )


LABELS: dict[str, dict[str, str]] = {
    "invoice": {"fr": "Facture", "en": "Invoice"},
    "credit_note": {"fr": "Avoir", "en": "Credit note"},
    "deposit_invoice": {"fr": "Facture d'acompte", "en": "Deposit invoice"},
    "quote": {"fr": "Devis", "en": "Quote"},
    "statement": {"fr": "Relevé de compte", "en": "Statement of account"},
    "number": {"fr": "N°", "en": "No."},
    "issue_date": {"fr": "Date d'émission", "en": "Issue date"},
    "due_date": {"fr": "Date d'échéance", "en": "Due date"},
    "valid_until": {"fr": "Valable jusqu'au", "en": "Valid until"},
    "supply_date": {"fr": "Date de livraison / d'exécution", "en": "Delivery date"},
    "po_number": {"fr": "Bon de commande", "en": "Purchase order"},
    "credited_invoice": {"fr": "Avoir sur la facture", "en": "Credit on invoice"},
    "of": {"fr": "du", "en": "of"},
    "seller": {"fr": "Émetteur", "en": "Seller"},
    "customer": {"fr": "Client", "en": "Customer"},
    "delivery_address": {"fr": "Adresse de livraison", "en": "Delivery address"},
    "siren": {"fr": "SIREN", "en": "SIREN"},
    "siret": {"fr": "SIRET", "en": "SIRET"},
    "vat_number": {"fr": "N° TVA intracommunautaire", "en": "VAT number"},
    "share_capital": {"fr": "au capital de", "en": "with a share capital of"},
    "rcs": {"fr": "RCS", "en": "RCS"},
    "nature": {"fr": "Nature de l'opération", "en": "Nature of the operation"},
    "nature_goods": {"fr": "Livraison de biens", "en": "Supply of goods"},
    "nature_services": {"fr": "Prestation de services", "en": "Supply of services"},
    "nature_both": {
        "fr": "Livraison de biens et prestation de services",
        "en": "Supply of goods and services",
    },
    "description": {"fr": "Désignation", "en": "Description"},
    "quantity": {"fr": "Qté", "en": "Qty"},
    "unit_price": {"fr": "Prix unitaire HT", "en": "Unit price excl. VAT"},
    "discount": {"fr": "Remise", "en": "Discount"},
    "vat_rate": {"fr": "TVA", "en": "VAT"},
    "line_net": {"fr": "Montant HT", "en": "Amount excl. VAT"},
    "vat_base": {"fr": "Base HT", "en": "Base excl. VAT"},
    "vat_amount": {"fr": "Montant TVA", "en": "VAT amount"},
    "vat_by_rate": {"fr": "TVA par taux", "en": "VAT by rate"},
    "total_net": {"fr": "Total HT", "en": "Total excl. VAT"},
    "total_vat": {"fr": "Total TVA", "en": "Total VAT"},
    "total": {"fr": "Total TTC", "en": "Total incl. VAT"},
    "amount_due": {"fr": "Net à payer", "en": "Amount due"},
    "payment": {"fr": "Règlement", "en": "Payment"},
    "payment_methods": {"fr": "Moyens de paiement acceptés", "en": "Payment methods accepted"},
    "payment_terms": {"fr": "Conditions de paiement", "en": "Payment terms"},
    "bank": {"fr": "Coordonnées bancaires", "en": "Bank details"},
    "reference": {"fr": "Référence à indiquer", "en": "Reference to quote"},
    "qr_caption": {
        "fr": "Scannez pour payer par virement SEPA",
        "en": "Scan to pay by SEPA transfer",
    },
    "vat_on_debits": {
        "fr": "Option pour le paiement de la taxe d'après les débits",
        "en": "Option for payment of VAT on debits",
    },
    "vat_group": {"fr": "Membre d'un assujetti unique", "en": "Member of a VAT group"},
    "quote_acceptance": {
        "fr": "Bon pour accord (date, signature et cachet) :",
        "en": "Accepted (date, signature and stamp):",
    },
    "statement_as_of": {"fr": "au", "en": "as of"},
    "deposit": {"fr": "Acompte", "en": "Deposit"},
    "balance_after_deposit": {
        "fr": "solde après la facture d'acompte",
        "en": "balance after deposit invoice",
    },
    "open_amount": {"fr": "Reste dû", "en": "Open amount"},
    "balance": {"fr": "Solde dû", "en": "Balance due"},
    "document": {"fr": "Pièce", "en": "Document"},
    "date": {"fr": "Date", "en": "Date"},
    "amount": {"fr": "Montant TTC", "en": "Amount"},
    "page": {"fr": "Page", "en": "Page"},
}


def labels(lang: str) -> dict[str, str]:
    lang = lang if lang in LANGUAGES else "fr"
    return {key: texts[lang] for key, texts in LABELS.items()}
