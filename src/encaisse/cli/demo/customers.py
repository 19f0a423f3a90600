"""Demo customers: the company and its customers, with identities that pass every check.

Pure module. SIRENs and SIRETs carry valid Luhn keys and are unique, VAT numbers derive from
the SIREN, addresses use real postal codes, e-mail domains end in `.example` so that no
reminder can ever reach a real inbox. Each customer gets a payment behaviour in the shares
of `BEHAVIOUR_SHARES`.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from faker import Faker
from schwifty import IBAN
from stdnum import luhn
from stdnum.fr import siren as fr_siren

from encaisse.cli.demo import catalogue
from encaisse.cli.demo.records import (
    BEHAVIOUR_SHARES,
    Behaviour,
    CompanyRecord,
    ContactRecord,
    CustomerRecord,
    DemoConfig,
)
from encaisse.core.identifiers import french_vat_from_siren

_NOTES = {
    Behaviour.CHRONICALLY_LATE: "Retards fréquents : relancer par téléphone dès l'échéance.",
    Behaviour.DISPUTING: "Conteste régulièrement les factures (quantités, qualité).",
    Behaviour.INSTALMENTS: "Règle souvent en plusieurs fois.",
}


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")[:40] or "client"


def _of(city: str) -> str:
    """French "of" before a city name: de Lyon, d'Arras, du Havre.

    >>> [_of(c) for c in ("Lyon", "Arras", "Le Mans", "Évry")]
    ['de Lyon', "d'Arras", 'du Mans', "d'Évry"]
    """
    if city.startswith("Le "):
        return f"du {city[3:]}"
    if ascii_fold(city[:1]).upper() in "AEIOUY":
        return f"d'{city}"
    return f"de {city}"


def behaviour_quotas(count: int) -> list[Behaviour]:
    """Behaviours in their shares for `count` customers (largest remainder), each present once
    there are at least as many customers as behaviours.

    >>> from collections import Counter
    >>> sorted(Counter(behaviour_quotas(100)).values())
    [5, 8, 8, 12, 25, 42]
    """
    floors = [count * share // 1000 for _b, share in BEHAVIOUR_SHARES]
    remainders = [count * share % 1000 for _b, share in BEHAVIOUR_SHARES]
    missing = count - sum(floors)
    for i in sorted(range(len(floors)), key=lambda i: (-remainders[i], i))[:missing]:
        floors[i] += 1
    if count >= len(BEHAVIOUR_SHARES):
        for i, n in enumerate(floors):
            if n == 0:
                floors[floors.index(max(floors))] -= 1
                floors[i] = 1
    return [b for (b, _share), n in zip(BEHAVIOUR_SHARES, floors, strict=True) for _ in range(n)]


def random_siren(rng: random.Random, *, prefix: str = "") -> str:
    """Nine digits with a valid Luhn key; companies' start with 3 to 9, public bodies' with 2."""
    head = prefix or str(rng.randint(3, 9))
    body = head + "".join(str(rng.randint(0, 9)) for _ in range(8 - len(head)))
    return body + luhn.calc_check_digit(body)


def siret_for(siren: str, establishment: int) -> str:
    """The SIRET of an establishment: SIREN, four-digit NIC, Luhn key over the fourteen digits."""
    body = f"{siren}{establishment:04d}"
    return body + luhn.calc_check_digit(body)


class CustomerDraw:
    """Draws the company and its customers; SIRENs stay unique across both."""

    def __init__(self, config: DemoConfig, start: date) -> None:
        self.config = config
        self.start = start
        self._used_sirens: set[str] = set()

    def _unique_siren(self, rng: random.Random, prefix: str = "") -> str:
        while True:
            siren = random_siren(rng, prefix=prefix)
            if siren not in self._used_sirens and fr_siren.is_valid(siren):
                self._used_sirens.add(siren)
                return siren

    def company(self, rng: random.Random) -> CompanyRecord:
        siren = self._unique_siren(rng, prefix="8")
        account = f"{rng.randint(0, 10**11 - 1):011d}"
        iban = IBAN.generate("FR", bank_code="30004", branch_code="00821", account_code=account)
        return CompanyRecord(
            legal_name="Démo Industrie SAS",
            legal_form="SAS",
            siren=siren,
            vat_number=french_vat_from_siren(siren),
            iban=str(iban.compact),
            bic=str(iban.bic.compact) if iban.bic else "BNPAFRPP",
            address_line1="14 rue de l'Industrie",
            postal_code="69007",
            city="Lyon",
            share_capital=Decimal("250000.00"),
            rcs_city="Lyon",
            email="contact@demo-industrie.example",
            phone="04 72 00 12 34",
        )

    def customers(
        self, rng: random.Random, fake_fr: Faker, fake_en: Faker
    ) -> tuple[CustomerRecord, ...]:
        n = self.config.customers
        behaviours = behaviour_quotas(n)
        rng.shuffle(behaviours)
        english = set(rng.sample(range(n), max(1, round(n * 0.04)) if n >= 10 else 0))
        calm = [
            i
            for i in range(n)
            if i not in english and behaviours[i] in (Behaviour.PUNCTUAL, Behaviour.SLIGHTLY_LATE)
        ]
        public = set(rng.sample(calm, min(len(calm), round(n * 0.03))))
        weights = [rng.lognormvariate(0, 1.1) for _ in range(n)]
        total_weight = sum(weights)
        monthly_invoices = self.config.invoices / self.config.months
        customers = []
        for i in range(n):
            # Expected monthly invoicing, to size a credit limit of about two months of it.
            monthly = monthly_invoices * weights[i] / total_weight * 2500
            customer = self._customer(
                rng,
                fake_en if i in english else fake_fr,
                i,
                behaviours[i],
                "en" if i in english else ("public" if i in public else "fr"),
                monthly,
            )
            customers.append(replace(customer, weight=weights[i]))
        return tuple(customers)

    def _customer(
        self,
        rng: random.Random,
        fake: Faker,
        index: int,
        behaviour: Behaviour,
        profile: str,
        monthly: float,
    ) -> CustomerRecord:
        today = self.config.today
        siren = siret = vat = ""
        kind, language, country = "business", "fr", "FR"
        line2 = rng.choice(catalogue.ADDRESS_COMPLEMENTS) if rng.random() < 0.15 else ""
        if profile == "en":
            base = re.sub(r"\s+(Inc|Ltd|PLC|LLC|Group|and Sons)$", "", str(fake.company()))
            name = f"{base} Ltd"
            legal_form, language, country, line2 = "Ltd", "en", "GB", ""
            line1 = f"{fake.building_number()} {fake.street_name()}"
            postal_code, city = rng.choice(catalogue.UK_CITIES)
            terms = rng.choice(("net30", "net60"))
        elif profile == "public":
            postal_code, city = rng.choice(catalogue.CITIES)
            label, legal_form, prefix = rng.choice(catalogue.PUBLIC_BODIES)
            name, kind = f"{label} {_of(city)}", "public"
            siren = self._unique_siren(rng, prefix=prefix)
            siret = siret_for(siren, 1)
            line1 = f"{rng.randint(1, 40)} place de l'Hôtel de Ville"
            terms = "net30"
        else:
            postal_code, city = rng.choice(catalogue.CITIES)
            legal_form = rng.choices(
                [f for f, _w in catalogue.LEGAL_FORMS],
                weights=[w for _f, w in catalogue.LEGAL_FORMS],
            )[0]
            style = rng.random()
            if style < 0.5:
                base = f"{rng.choice(catalogue.TRADES)} {fake.last_name()}"
            elif style < 0.8:
                base = re.sub(
                    r"\s+(SA|SARL|S\.A\.R\.L\.|S\.A\.S\.|SAS|S\.A\.)$", "", str(fake.company())
                )
            else:
                base = f"{fake.last_name()} & {fake.last_name()}"
            name = f"{base} {legal_form}"
            siren = self._unique_siren(rng)
            siret = siret_for(siren, rng.choice((1, 1, 1, 2, 3, 12, 21, 33)))
            vat = french_vat_from_siren(siren) if rng.random() < 0.7 else ""
            line1 = f"{rng.randint(1, 180)} {fake.street_name()}"
            terms = rng.choices(("net30", "eom45", "net60"), weights=(50, 30, 20))[0]
        domain = f"{_slug(name.removesuffix(' ' + legal_form))}.example"
        contacts = [self._contact(rng, fake, domain, "billing")]
        if rng.random() < 0.6:
            contacts.append(
                ContactRecord(
                    "Service comptabilité fournisseurs" if language == "fr" else "Accounts payable",
                    f"compta.fournisseurs@{domain}" if language == "fr" else f"payables@{domain}",
                    str(fake.phone_number()),
                    "accounts_payable",
                )
            )
        if rng.random() < 0.3:
            contacts.append(self._contact(rng, fake, domain, "purchasing"))
        credit_limit = (
            None
            if rng.random() < 0.15
            else Decimal(max(5000, math.ceil(2 * monthly / 5000) * 5000)).quantize(Decimal("0.01"))
        )
        stopped = until = None
        if behaviour is Behaviour.DEFAULTED:
            stopped = today - timedelta(days=rng.randint(60, 270))
            until = min(today, stopped + timedelta(days=rng.randint(20, 60)))
            active_from = self.start - timedelta(days=rng.randint(30, 400))
        elif rng.random() < 0.65:
            active_from = self.start - timedelta(days=rng.randint(30, 2000))
        else:
            span = max(1, (today - self.start).days - 90)
            active_from = self.start + timedelta(days=rng.randint(0, span))
        method = rng.choices(
            [m for m, _w in catalogue.PAYMENT_METHODS],
            weights=[w for _m, w in catalogue.PAYMENT_METHODS],
        )[0]
        if method == "direct_debit" and behaviour is not Behaviour.PUNCTUAL:
            method = "transfer"
        notes = _NOTES.get(behaviour, "")
        if stopped is not None:
            notes = f"Plus aucun règlement depuis le {stopped.strftime('%d/%m/%Y')}."
        return CustomerRecord(
            index=index,
            reference=f"C{index + 1:05d}",
            name=name,
            kind=kind,
            legal_form=legal_form,
            siren=siren,
            siret=siret,
            vat_number=vat,
            email=f"{'compta' if language == 'fr' else 'accounts'}@{domain}",
            phone=str(fake.phone_number()),
            address_line1=line1,
            address_line2=line2,
            postal_code=postal_code,
            city=city,
            country=country,
            language=language,
            terms=terms,
            credit_limit=credit_limit,
            behaviour=behaviour,
            payment_method=method,
            notes=notes,
            owned=rng.random() < 0.6,
            weight=1.0,
            active_from=active_from,
            invoicing_until=until,
            stopped_paying_on=stopped,
            contacts=tuple(contacts),
        )

    @staticmethod
    def _contact(rng: random.Random, fake: Faker, domain: str, role: str) -> ContactRecord:
        first, last = str(fake.first_name()), str(fake.last_name())
        local = _slug(f"{first}.{last}").replace("-", ".")
        return ContactRecord(f"{first} {last}", f"{local}@{domain}", str(fake.phone_number()), role)
