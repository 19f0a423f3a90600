"""Matching engine (rapprochement / lettrage automatique): which open invoices a bank credit pays.

Pure module: plain values in, proposals out; no database. A bookkeeper's clues, strongest
first: the invoice number in the structured reference or in the free text (found even when
mangled: prefix missing, spaces or dashes inside, OCR-like confusions O/0, I/1, S/5...),
the payer's IBAN or name already confirmed for a customer (learned), the payer's name close
to a customer's (rapidfuzz), and the amount: one open invoice's, the sum of a few of the
customer's open invoices (bounded subset sum), or an invoice's minus a small bank fee. Each
`Proposal` carries a confidence in [0, 1] and its reasons; a caller applies the best one
automatically when it reaches its threshold and proposes it otherwise.

Public entry point: `match(lines, invoices, customers, ...)`, one `LineMatch` per line, in
order. Open amounts taken by automatic matches of earlier lines are not offered again.

>>> from datetime import date
>>> from decimal import Decimal as D
>>> result = match(
...     [BankLine(1, D("120.00"), label="VIR SEPA DUPONT FACT F-O00042")],
...     [OpenInvoice(7, "F-000042", 3, D("120.00"), date(2025, 1, 31))],
...     [CustomerRef(3, "Dupont SARL")],
... )
>>> best = result[0].proposals[0]
>>> best.allocations, best.confidence >= 0.9, "number_in_text" in best.reasons
(((7, Decimal('120.00')),), True, True)
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from rapidfuzz import fuzz, process

ZERO = Decimal("0.00")
DEFAULT_AUTO_THRESHOLD = 0.9
FEE_MAX = Decimal("15.00")  # a bank fee is at most this, and at most FEE_RATE of the invoice
FEE_RATE = Decimal("0.05")
NAME_CUTOFF = 88.0
SUBSET_MAX_INVOICES = 24  # the customer's oldest open invoices tried in a subset sum
SUBSET_MAX_SIZE = 6
SUBSET_BUDGET = 3000  # search nodes per line
MIN_DIGITS = 4  # a number found without its prefix must keep at least this many digits


@dataclass(frozen=True, slots=True)
class BankLine:
    id: int
    amount: Decimal  # a credit: > 0
    label: str = ""
    reference: str = ""
    payer_name: str = ""
    payer_iban: str = ""


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    id: int
    number: str
    customer_id: int
    open_amount: Decimal
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class CustomerRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Proposal:
    customer_id: int
    allocations: tuple[tuple[int, Decimal], ...]  # (invoice id, amount), oldest first
    confidence: float
    reasons: tuple[str, ...]
    credit: Decimal = ZERO  # what is left of the line as customer credit (overpayment)
    fee: Decimal = ZERO  # what the bank kept: invoice open amount minus the money received


@dataclass(frozen=True, slots=True)
class LineMatch:
    line_id: int
    proposals: tuple[Proposal, ...]  # best first; empty when nothing fits
    auto: bool  # the best proposal reached the threshold

    @property
    def best(self) -> Proposal | None:
        return self.proposals[0] if self.proposals else None


_OCR = str.maketrans({"O": "0", "Q": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})
_TAIL = re.compile(r"[OQILSBZ0-9]+$")
_DIGIT = re.compile(r"\d")
_NOT_DIGIT = re.compile(r"\D")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_LEGAL = {
    "SA",
    "SAS",
    "SASU",
    "SARL",
    "EURL",
    "SNC",
    "SCI",
    "SCOP",
    "STE",
    "SOCIETE",
    "ETS",
    "ETABLISSEMENTS",
    "M",
    "MR",
    "MME",
    "MLLE",
    "MONSIEUR",
    "MADAME",
    "LTD",
    "GMBH",
    "INC",
    "CIE",
    "ET",
    "LES",
    "LE",
    "LA",
    "DE",
    "DU",
    "DES",
}


def number_key(text: str) -> str:
    """An invoice number as compared: letters and digits only, OCR-like confusions folded.

    >>> number_key("F-000042") == number_key("f 0OO 042") == number_key("F.OOOO42")
    True
    """
    return "".join(fold(token) for token in _TOKEN.findall(text.upper()))


def fold(token: str) -> str:
    """Fold OCR-like confusions in the numeric tail of a token only ('FO0O42' -> 'FO0042').

    Words stay as they are ('SOLDE', 'INV'), so they neither become numbers nor differ
    from the prefix of an invoice number.
    """
    tail = _TAIL.search(token)
    if tail is None or not _DIGIT.search(tail.group()):
        return token
    return token[: tail.start()] + tail.group().translate(_OCR)


def _digits(key: str) -> str:
    """The digits of a number key, leading zeros kept: '004344' is not '4344'."""
    return _NOT_DIGIT.sub("", key)


def name_key(text: str) -> str:
    """A payer or customer name as compared: capitals, no accents, no legal form.

    >>> name_key("Société Dupont & Fils S.A.R.L.")
    'DUPONT FILS'
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    plain = re.sub(r"(?<=\b[A-Z])\.(?=[A-Z]\b)", "", plain).replace(".", "")
    words = [w for w in re.findall(r"[A-Z0-9]+", plain) if w not in _LEGAL]
    return " ".join(words)


def compact_iban(text: str) -> str:
    return re.sub(r"\s", "", text).upper()


@dataclass
class InvoiceIndex:
    """Open invoices indexed by number key, by digits, by customer and by amount."""

    invoices: Sequence[OpenInvoice]
    customers: Sequence[CustomerRef]
    learned_ibans: Mapping[str, int] = field(default_factory=dict)
    learned_names: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.open: dict[int, Decimal] = {}
        self.by_id: dict[int, OpenInvoice] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_digits: dict[str, list[int]] = defaultdict(list)
        self.by_customer: dict[int, list[int]] = defaultdict(list)
        self.by_amount: dict[Decimal, list[int]] = defaultdict(list)
        ordered = sorted(self.invoices, key=lambda i: (i.due_date or date.max, i.id))
        for inv in ordered:
            if inv.open_amount <= 0:
                continue
            self.by_id[inv.id] = inv
            self.open[inv.id] = inv.open_amount
            key = number_key(inv.number)
            if key:
                self.by_key[key].append(inv.id)
                digits = _digits(key)
                if digits:
                    self.by_digits[digits].append(inv.id)
            self.by_customer[inv.customer_id].append(inv.id)
            self.by_amount[inv.open_amount].append(inv.id)
        self.names: dict[int, str] = {c.id: name_key(c.name) for c in self.customers}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for cid, key in self.names.items():
            if key:
                self.by_name[key].append(cid)
        self._by_word: dict[str, list[str]] = defaultdict(list)
        for key in self.by_name:
            for word in set(key.split()):
                if len(word) >= 3:
                    self._by_word[word].append(key)
        self._fuzzy_cache: dict[str, tuple[int, ...]] = {}
        self.learned_ibans = {compact_iban(k): v for k, v in self.learned_ibans.items()}
        self.learned_names = {name_key(k): v for k, v in self.learned_names.items()}

    # -- clues ---------------------------------------------------------------------------

    def customers_by_name(self, payer: str) -> tuple[tuple[int, ...], str]:
        """Customers whose name is the payer's: learned, exact, or close; and how found."""
        key = name_key(payer)
        if not key:
            return (), ""
        if key in self.learned_names:
            return (self.learned_names[key],), "learned_name"
        if key in self.by_name:
            return tuple(self.by_name[key]), "name"
        if key not in self._fuzzy_cache:
            choices: set[str] = set()
            for word in key.split():
                if len(word) >= 3 and len(self._by_word.get(word, ())) < 2000:
                    choices.update(self._by_word.get(word, ()))
            found = process.extract(
                key,
                list(choices),
                scorer=fuzz.token_sort_ratio,
                score_cutoff=NAME_CUTOFF,
                limit=5,
            )
            best = max((score for _c, score, _i in found), default=0)
            ids = [
                cid
                for choice, score, _i in found
                if score >= best - 2
                for cid in self.by_name[choice]
            ]
            self._fuzzy_cache[key] = tuple(dict.fromkeys(ids))
        return self._fuzzy_cache[key], "name_fuzzy"

    def number_hits(self, text: str) -> dict[int, str]:
        """Open invoices whose number appears in the text -> 'reference' kind of hit."""
        tokens = _TOKEN.findall(text.upper())
        hits: dict[int, str] = {}
        for start in range(len(tokens)):
            joined = ""
            for end in range(start, min(start + 4, len(tokens))):
                joined += fold(tokens[end])
                for inv_id in self.by_key.get(joined, ()):
                    if self.open.get(inv_id, ZERO) > 0:
                        hits[inv_id] = "number_in_text"
                digits = _digits(joined)
                if len(digits) >= MIN_DIGITS and digits in self.by_digits:
                    for inv_id in self.by_digits[digits]:
                        if self.open.get(inv_id, ZERO) > 0:
                            hits.setdefault(inv_id, "number_mangled")
        return hits

    def short_number_hits(self, text: str, customer_id: int) -> list[int]:
        """The customer's open invoices whose number's digits appear, even short."""
        wanted = {_digits(fold(t)) for t in _TOKEN.findall(text.upper())}
        wanted.discard("")
        return [
            inv_id
            for inv_id in self.by_customer.get(customer_id, ())
            if self.open.get(inv_id, ZERO) > 0
            and _digits(number_key(self.by_id[inv_id].number)) in wanted
        ]

    def customer_open(self, customer_id: int) -> list[int]:
        return [i for i in self.by_customer.get(customer_id, ()) if self.open.get(i, ZERO) > 0]


def _is_fee(invoice_amount: Decimal, received: Decimal) -> bool:
    fee = invoice_amount - received
    return ZERO < fee <= FEE_MAX and fee <= invoice_amount * FEE_RATE


def subset_sum(amounts: Sequence[tuple[int, Decimal]], target: Decimal) -> tuple[int, ...] | None:
    """Ids of a few amounts adding up to `target` exactly (bounded search), or None.

    >>> subset_sum([(1, Decimal("10")), (2, Decimal("25")), (3, Decimal("40"))], Decimal("50"))
    (1, 3)
    """
    items = [(i, int(a * 100)) for i, a in amounts[:SUBSET_MAX_INVOICES] if a > 0]
    goal = int(target * 100)
    suffix = [0] * (len(items) + 1)
    for k in range(len(items) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + items[k][1]
    budget = [SUBSET_BUDGET]
    chosen: list[int] = []

    def search(k: int, left: int) -> bool:
        if left == 0:
            return True
        budget[0] -= 1
        if k >= len(items) or left < 0 or suffix[k] < left or budget[0] <= 0:
            return False
        if len(chosen) >= SUBSET_MAX_SIZE:
            return False
        inv_id, cents = items[k]
        if cents <= left:
            chosen.append(inv_id)
            if search(k + 1, left - cents):
                return True
            chosen.pop()
        return search(k + 1, left)

    if goal <= 0 or not search(0, goal):
        return None
    return tuple(chosen) if len(chosen) > 1 else None


def _allocate(
    index: InvoiceIndex, invoice_ids: Iterable[int], amount: Decimal
) -> tuple[tuple[tuple[int, Decimal], ...], Decimal]:
    """Spread `amount` over the invoices in order; (allocations, rest as credit)."""
    allocations = []
    left = amount
    for inv_id in invoice_ids:
        if left <= 0:
            break
        take = min(left, index.open[inv_id])
        allocations.append((inv_id, take))
        left -= take
    return tuple(allocations), left


def _by_due(index: InvoiceIndex, ids: Iterable[int]) -> list[int]:
    return sorted(set(ids), key=lambda i: (index.by_id[i].due_date or date.max, i))


def _from_hits(
    index: InvoiceIndex, line: BankLine, customer_id: int, hits: Mapping[int, str]
) -> Proposal:
    ids = _by_due(index, hits)
    total = sum((index.open[i] for i in ids), ZERO)
    kinds = set(hits.values())
    strong = "reference" in kinds or "number_in_text" in kinds
    reasons = sorted(kinds)
    amount = line.amount
    if amount == total:
        allocations, _rest = _allocate(index, ids, amount)
        return Proposal(
            customer_id, allocations, 0.97 if strong else 0.93, (*reasons, "amount_exact")
        )
    subset = subset_sum([(i, index.open[i]) for i in ids], amount) if len(ids) > 2 else None
    if subset:
        allocations, _rest = _allocate(index, subset, amount)
        return Proposal(customer_id, allocations, 0.92, (*reasons, "amount_subset"))
    if len(ids) == 1 and _is_fee(total, amount):
        allocations, _rest = _allocate(index, ids, amount)
        return Proposal(
            customer_id,
            allocations,
            0.92 if strong else 0.88,
            (*reasons, "bank_fee"),
            fee=total - amount,
        )
    if amount < total:
        allocations, _rest = _allocate(index, ids, amount)
        return Proposal(customer_id, allocations, 0.9 if strong else 0.8, (*reasons, "partial"))
    allocations, rest = _allocate(index, ids, amount)
    return Proposal(
        customer_id, allocations, 0.9 if strong else 0.8, (*reasons, "overpayment"), credit=rest
    )


def _from_customer(index: InvoiceIndex, line: BankLine, customer_id: int, how: str) -> Proposal:
    """Without a number: the customer's open invoices that the amount fits."""
    base = {"iban": 0.95, "learned_name": 0.94, "name": 0.92, "name_fuzzy": 0.9}[how]
    ids = index.customer_open(customer_id)
    amount = line.amount
    short = index.short_number_hits(f"{line.reference} {line.label}", customer_id)
    if short:
        proposal = _from_hits(index, line, customer_id, dict.fromkeys(short, "number_short"))
        return Proposal(
            proposal.customer_id,
            proposal.allocations,
            min(0.97, proposal.confidence + 0.02),
            (how, *proposal.reasons),
            proposal.credit,
            proposal.fee,
        )
    exact = [i for i in ids if index.open[i] == amount]
    if len(exact) == 1:
        return Proposal(customer_id, ((exact[0], amount),), base, (how, "amount_exact"))
    if exact:
        return Proposal(
            customer_id,
            ((exact[0], amount),),
            base - 0.2,
            (how, "amount_exact", "several_same_amount"),
        )
    total = sum((index.open[i] for i in ids), ZERO)
    if ids and total == amount:
        allocations, _rest = _allocate(index, ids, amount)
        return Proposal(customer_id, allocations, base - 0.02, (how, "amount_all_open"))
    subset = subset_sum([(i, index.open[i]) for i in ids], amount)
    if subset:
        allocations, _rest = _allocate(index, _by_due(index, subset), amount)
        return Proposal(customer_id, allocations, base - 0.04, (how, "amount_subset"))
    fee = [i for i in ids if _is_fee(index.open[i], amount)]
    if len(fee) == 1:
        return Proposal(
            customer_id,
            ((fee[0], amount),),
            base - 0.07,
            (how, "bank_fee"),
            fee=index.open[fee[0]] - amount,
        )
    allocations, rest = _allocate(index, ids, amount)
    return Proposal(customer_id, allocations, 0.5, (how, "oldest_first"), credit=rest)


def propose(index: InvoiceIndex, line: BankLine) -> list[Proposal]:
    """Every plausible proposal for one credit line, best first (at most five)."""
    if line.amount <= 0:
        return []
    proposals: list[Proposal] = []
    iban_customer = (
        index.learned_ibans.get(compact_iban(line.payer_iban)) if line.payer_iban else None
    )
    named, how = index.customers_by_name(line.payer_name)
    if not named and not line.payer_name:
        named, how = _name_in_label(index, line.label)
    identified: dict[int, str] = {}
    if iban_customer is not None:
        identified[iban_customer] = "iban"
    elif named:
        identified.update(dict.fromkeys(named, how))
    hits: dict[int, str] = {}
    if line.reference:
        hits.update(dict.fromkeys(index.number_hits(line.reference), "reference"))
    for inv_id, kind in index.number_hits(line.label).items():
        hits.setdefault(inv_id, kind)
    strong_customers = {
        index.by_id[i].customer_id for i, k in hits.items() if k != "number_mangled"
    } | set(identified)
    if strong_customers:
        hits = {
            i: k
            for i, k in hits.items()
            if k != "number_mangled" or index.by_id[i].customer_id in strong_customers
        }
    by_customer: dict[int, dict[int, str]] = defaultdict(dict)
    for inv_id, kind in hits.items():
        by_customer[index.by_id[inv_id].customer_id][inv_id] = kind
    for customer_id, customer_hits in by_customer.items():
        proposal = _from_hits(index, line, customer_id, customer_hits)
        confidence = proposal.confidence
        reasons = proposal.reasons
        if customer_id in identified:
            confidence = min(0.99, confidence + 0.02)
            reasons = (identified[customer_id], *reasons)
        elif iban_customer is not None:
            confidence -= 0.3
            reasons = (*reasons, "payer_iban_other_customer")
        elif identified:
            # the payer's name points elsewhere: a typo in the number is as likely
            confidence -= 0.15 if how in ("learned_name", "name") else 0.1
            reasons = (*reasons, "payer_name_other_customer")
        if len(by_customer) > 1:
            confidence -= 0.15
            reasons = (*reasons, "numbers_of_several_customers")
        proposals.append(
            Proposal(
                customer_id,
                proposal.allocations,
                round(confidence, 3),
                reasons,
                proposal.credit,
                proposal.fee,
            )
        )
    for customer_id, found_how in identified.items():
        if customer_id in by_customer:
            continue  # already proposed from the numbers found
        proposal = _from_customer(index, line, customer_id, found_how)
        if len(identified) > 1:  # homonyms: the amount must decide, and not alone
            proposal = Proposal(
                proposal.customer_id,
                proposal.allocations,
                min(proposal.confidence, 0.75) - 0.1,
                (*proposal.reasons, "homonyms"),
                proposal.credit,
                proposal.fee,
            )
        if proposal.allocations or proposal.credit:
            proposals.append(proposal)
    if not proposals:
        same = [i for i in index.by_amount.get(line.amount, ()) if index.open.get(i) == line.amount]
        for inv_id in same[:3]:
            inv = index.by_id[inv_id]
            confidence = 0.6 if len(same) == 1 else 0.3
            proposals.append(
                Proposal(inv.customer_id, ((inv_id, line.amount),), confidence, ("amount_only",))
            )
    proposals.sort(key=lambda p: -p.confidence)
    return proposals[:5]


def _name_in_label(index: InvoiceIndex, label: str) -> tuple[tuple[int, ...], str]:
    """When the bank gives no payer name: a customer's whole name inside the label."""
    words = name_key(label).split()
    for size in (4, 3, 2, 1):
        for start in range(len(words) - size + 1):
            candidate = " ".join(words[start : start + size])
            if len(candidate) >= 4 and candidate in index.by_name:
                return tuple(index.by_name[candidate]), "name"
            if candidate in index.learned_names:
                return (index.learned_names[candidate],), "learned_name"
    return (), ""


def match(
    lines: Sequence[BankLine],
    invoices: Sequence[OpenInvoice],
    customers: Sequence[CustomerRef],
    *,
    learned_ibans: Mapping[str, int] | None = None,
    learned_names: Mapping[str, int] | None = None,
    auto_threshold: float = DEFAULT_AUTO_THRESHOLD,
    index: InvoiceIndex | None = None,
) -> list[LineMatch]:
    """Proposals for each credit line, in order; `auto` when the best reaches the threshold.

    What an automatic match allocates is taken off the open amounts before the next line,
    so two lines never settle the same euro; proposals below the threshold take nothing.
    """
    index = index or InvoiceIndex(invoices, customers, learned_ibans or {}, learned_names or {})
    results = []
    for line in lines:
        proposals = propose(index, line)
        auto = bool(proposals) and proposals[0].confidence >= auto_threshold
        if (
            auto
            and len(proposals) > 1
            and proposals[1].confidence >= proposals[0].confidence - 0.02
        ):
            auto = False  # two answers as good as each other: a person chooses
        if auto:
            for inv_id, amount in proposals[0].allocations:
                index.open[inv_id] -= amount
        results.append(LineMatch(line.id, tuple(proposals), auto))
    return results
