"""A generated bank-matching benchmark: open invoices, bank credits with realistic noise, and
the ground truth of each credit. Pure and seeded: the same seed gives the same set.

Noise, as bank statements show it: structured references; invoice numbers in the free text
with the prefix dropped, spaces inside or OCR-like confusions; no reference at all (payer
name, exact or abbreviated, or a learned IBAN); grouped payments of several invoices;
partial payments; a bank fee kept; unknown payers (not customers: truth is None); homonym
customers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from encaisse.payments.matching import BankLine, CustomerRef, OpenInvoice

_WORDS = (
    "Boulangerie",
    "Garage",
    "Transports",
    "Menuiserie",
    "Pharmacie",
    "Cabinet",
    "Atelier",
    "Imprimerie",
    "Plomberie",
    "Hôtel",
    "Restaurant",
    "Librairie",
    "Ferme",
    "Agence",
    "Studio",
    "Bureau",
    "Maison",
    "Comptoir",
    "Société",
    "Groupe",
)
_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
)
_PLACES = (
    "Lyon",
    "Nantes",
    "Lille",
    "Rennes",
    "Brest",
    "Nice",
    "Dijon",
    "Tours",
    "Metz",
    "Caen",
    "Paris",
    "Reims",
    "Angers",
    "Nîmes",
    "Pau",
)
_OCR = {"0": "O", "1": "I", "5": "S", "8": "B"}


@dataclass(frozen=True, slots=True)
class BenchSet:
    customers: list[CustomerRef]
    invoices: list[OpenInvoice]
    lines: list[BankLine]
    truth: dict[int, tuple[int, frozenset[int]] | None]  # line id -> (customer, invoices)
    learned_ibans: dict[str, int]
    kinds: dict[int, str]


def _mangle(number: str, rng: random.Random) -> str:
    prefix, _dash, digits = number.partition("-")
    choice = rng.random()
    if choice < 0.3:
        return digits  # prefix missing
    if choice < 0.55:
        return f"{prefix} {digits[:3]} {digits[3:]}"
    if choice < 0.8:
        return prefix + "-" + "".join(_OCR.get(c, c) if rng.random() < 0.5 else c for c in digits)
    return number.lower().replace("-", "")


def generate(
    *, customers: int = 5000, invoices: int = 100_000, lines: int = 50_000, seed: int = 1
) -> BenchSet:
    rng = random.Random(seed)  # noqa: S311 - a reproducible data set, not a secret
    names: list[str] = []
    for i in range(customers):
        if i and rng.random() < 0.02:
            names.append(names[rng.randrange(len(names))])  # homonym
        else:
            names.append(f"{rng.choice(_WORDS)} {rng.choice(_NAMES)} {rng.choice(_PLACES)} {i}")
    refs = [CustomerRef(i + 1, n) for i, n in enumerate(names)]
    homonyms = {n for n in names if names.count(n) > 1} if customers <= 20000 else set()
    open_invoices: list[OpenInvoice] = []
    by_customer: dict[int, list[OpenInvoice]] = {}
    start = date(2025, 1, 1)
    for i in range(invoices):
        customer = rng.randrange(customers) + 1
        cents = rng.choice((rng.randrange(5_000, 200_000), rng.randrange(100, 5_000) * 100))
        inv = OpenInvoice(
            i + 1,
            f"F-{i + 1:06d}",
            customer,
            Decimal(cents).scaleb(-2),
            start + timedelta(days=rng.randrange(365)),
        )
        open_invoices.append(inv)
        by_customer.setdefault(customer, []).append(inv)
    ibans = {f"FR76{c:023d}": c for c in range(1, customers + 1, 3)}
    iban_of = {c: i for i, c in ibans.items()}
    used: set[int] = set()
    out: list[BankLine] = []
    truth: dict[int, tuple[int, frozenset[int]] | None] = {}
    kinds: dict[int, str] = {}
    line_id = 0
    while line_id < lines:
        kind = rng.choices(
            [
                "ref",
                "text",
                "name",
                "iban",
                "group",
                "partial",
                "fee",
                "unknown",
                "homonym",
                "typo",
            ],
            [34, 19, 10, 5, 8, 7, 5, 5, 5, 2],
        )[0]
        line_id += 1
        kinds[line_id] = kind
        if kind == "unknown":
            out.append(
                BankLine(
                    line_id,
                    Decimal(rng.randrange(100, 500_000)).scaleb(-2),
                    label=f"VIR {rng.choice(_NAMES).upper()} REMBOURSEMENT",
                    payer_name=f"{rng.choice(_NAMES)} {rng.choice(_NAMES)} PARTICULIER",
                )
            )
            truth[line_id] = None
            continue
        customer = rng.randrange(customers) + 1
        if kind == "homonym":
            if not homonyms:
                kind = "name"
            else:
                name = rng.choice(sorted(homonyms))
                customer = names.index(name) + 1
        pool = [i for i in by_customer.get(customer, []) if i.id not in used]
        if not pool:
            line_id -= 1
            continue
        inv = rng.choice(pool)
        name = names[customer - 1]
        payer = name.upper() if rng.random() < 0.7 else name.upper().replace(" ", "  ")[:-2]
        if kind == "group" and len(pool) >= 2:
            chosen = rng.sample(pool, min(len(pool), rng.choice((2, 2, 3))))
            amount = sum((i.open_amount for i in chosen), Decimal(0))
            with_numbers = rng.random() < 0.6
            label = (
                "FACTURES " + " ".join(_mangle(i.number, rng) for i in chosen)
                if with_numbers
                else "REGLEMENT FACTURES"
            )
            out.append(BankLine(line_id, amount, label=label, payer_name=payer))
            used.update(i.id for i in chosen)
            truth[line_id] = (customer, frozenset(i.id for i in chosen))
            continue
        used.add(inv.id)
        amount = inv.open_amount
        reference, label, iban = "", f"VIR SEPA {payer}", ""
        if kind == "ref":
            reference = inv.number
        elif kind == "text" or kind == "group":
            label = f"VIR {payer} FACT {_mangle(inv.number, rng)}"
        elif kind == "iban":
            iban = iban_of.get(customer, "")
            if not iban:
                reference = inv.number
            payer = "PAIEMENT"
        elif kind == "partial":
            amount = (inv.open_amount * Decimal(rng.choice(("0.3", "0.5", "0.6")))).quantize(
                Decimal("0.01")
            )
            label = f"ACOMPTE {_mangle(inv.number, rng)}"
        elif kind == "typo":  # the payer quotes a number off by one digit
            digits = inv.number.split("-")[1]
            wrong = f"{(int(digits) + rng.choice((1, -1, 10))) % 10**6:06d}"
            label = f"VIR {payer} FACT F-{wrong}"
        elif kind == "fee":
            fee = Decimal(rng.choice(("1.50", "2.00", "3.90", "7.50")))
            if fee >= amount * Decimal("0.05"):
                fee = Decimal("0.50")
            amount -= fee
            label = f"VIR INTL {inv.number}"
        out.append(
            BankLine(
                line_id, amount, label=label, reference=reference, payer_name=payer, payer_iban=iban
            )
        )
        truth[line_id] = (customer, frozenset({inv.id}))
    return BenchSet(refs, open_invoices, out, truth, ibans, kinds)
