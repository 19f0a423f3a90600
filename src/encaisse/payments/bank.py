"""Bank reconciliation use cases: import statements, match credits to invoices, learn.

Writes, one transaction each. An import is all or nothing per file; a movement already
imported (same bank transaction id on the account, else same fingerprint) is never added
twice, so overlapping statements and the same file twice are harmless. Only credits are
matched; debits are kept as lines. Matching a line records a payment (source "bank")
allocated to the chosen invoices; what a person confirms teaches the engine the payer's
IBAN and name.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from encaisse.core.actors import Actor, actor_user
from encaisse.core.audit import audit_record
from encaisse.core.exceptions import DomainError, FileRejected
from encaisse.core.models import Company
from encaisse.customers.errors import CustomersCode
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.payments import matching
from encaisse.payments.errors import PaymentsCode
from encaisse.payments.io import BankTransaction, parse_bank_file
from encaisse.payments.models import (
    BankAccount,
    BankLine,
    BankStatement,
    CustomerBankAccount,
    CustomerPayerName,
    MatchProposal,
    Payment,
    ReconciliationSettings,
)
from encaisse.payments.services import allocation_undo, payment_record

CHUNK = 500


@dataclass
class BankImportResult:
    file: str
    format: str = ""
    lines: int = 0
    new: int = 0
    auto_matched: int = 0
    proposed: int = 0
    unmatched: int = 0
    new_line_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "format": self.format,
            "lines": self.lines,
            "new": self.new,
            "auto_matched": self.auto_matched,
            "proposed": self.proposed,
            "unmatched": self.unmatched,
        }


def reconciliation_settings_get(company: Company) -> ReconciliationSettings:
    found, _created = ReconciliationSettings.objects.get_or_create(company=company)
    return found


@transaction.atomic
def reconciliation_settings_update(
    *, company: Company, auto_threshold: Decimal, actor: Actor
) -> ReconciliationSettings:
    """Change how sure the engine must be to match a line without asking."""
    if not Decimal("0.5") <= auto_threshold <= Decimal("1"):
        raise DomainError(
            PaymentsCode.THRESHOLD_RANGE, _("The threshold must be between 0.5 and 1.")
        )
    found = reconciliation_settings_get(company)
    before = str(found.auto_threshold)
    found.auto_threshold = auto_threshold
    found.save(update_fields=["auto_threshold"])
    audit_record(
        company=company,
        subject=found,
        kind="bank.settings_changed",
        actor=actor,
        before={"auto_threshold": before},
        after={"auto_threshold": str(auto_threshold)},
    )
    return found


def fingerprint(account: str, tx: BankTransaction, occurrence: int) -> str:
    """A stable hash of what the bank said about a movement (its n-th identical one)."""
    parts = (
        account,
        tx.booking_date.isoformat(),
        str(tx.amount),
        tx.currency,
        " ".join(tx.label.split()),
        tx.reference,
        tx.payer_iban,
        str(occurrence),
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@transaction.atomic
def bank_import(
    *,
    company: Company,
    content: bytes,
    filename: str,
    actor: Actor,
    on: date,
    format: str | None = None,
    csv_mapping: Mapping[str, str] | None = None,
) -> BankImportResult:
    """Import one statement file whole, then match its new credits (auto or proposed)."""
    settings = reconciliation_settings_get(company)
    mapping = csv_mapping if csv_mapping is not None else (settings.csv_mapping or None)
    try:
        parsed = parse_bank_file(content, filename, format=format, csv_mapping=mapping)
    except FileRejected as exc:
        raise DomainError(PaymentsCode.BANK_FILE, str(exc), problems=exc.problems) from exc
    result = BankImportResult(file=filename, format=parsed.format, lines=len(parsed.transactions))
    for tx in parsed.transactions:
        if tx.currency != "EUR":
            raise DomainError(
                PaymentsCode.BANK_CURRENCY,
                _("%(file)s, %(where)s, currency: only EUR movements can be imported, not %(cur)s.")
                % {"file": filename, "where": tx.where, "cur": tx.currency},
            )
    sha = hashlib.sha256(content).hexdigest()
    statement = BankStatement.objects.filter(company=company, sha256=sha).first()
    candidates: list[BankLine] = []
    for parsed_statement in parsed.statements:
        account, _created = BankAccount.objects.get_or_create(
            company=company,
            account=parsed_statement.account[:50],
            defaults={"currency": parsed_statement.currency},
        )
        seen: Counter[str] = Counter()
        seen_ids: set[str] = set()
        for tx in parsed_statement.transactions:
            fp_base = fingerprint(account.account, tx, 0)
            seen[fp_base] += 1
            fp = fingerprint(account.account, tx, seen[fp_base] - 1)
            if tx.bank_id and tx.bank_id not in seen_ids:
                seen_ids.add(tx.bank_id)
                key = f"tx:{account.account}:{tx.bank_id}"
            else:
                key = f"fp:{fp}"
            candidates.append(
                BankLine(
                    company=company,
                    account=account,
                    booking_date=tx.booking_date,
                    value_date=tx.value_date,
                    amount=tx.amount,
                    currency=tx.currency,
                    label=tx.label,
                    reference=tx.reference,
                    payer_name=tx.payer_name,
                    payer_iban=tx.payer_iban,
                    bank_transaction_id=tx.bank_id,
                    fingerprint=fp,
                    dedup_key=key[:200],
                    state=BankLine.State.DEBIT if tx.amount < 0 else BankLine.State.UNMATCHED,
                )
            )
    keys = [line.dedup_key for line in candidates]
    existing: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        existing.update(
            BankLine.objects.filter(
                company=company, dedup_key__in=keys[start : start + CHUNK]
            ).values_list("dedup_key", flat=True)
        )
    new_lines = [line for line in candidates if line.dedup_key not in existing]
    if statement is None and (new_lines or not candidates):
        statement = BankStatement.objects.create(
            company=company,
            filename=filename[:255],
            format=parsed.format,
            sha256=sha,
            imported_by=actor_user(actor),
        )
    for line in new_lines:
        line.statement = statement  # type: ignore[assignment]
    # A concurrent import of the same movements loses the race quietly instead of failing.
    BankLine.objects.bulk_create(new_lines, batch_size=CHUNK, ignore_conflicts=True)
    created: list[BankLine] = []
    new_keys = [x.dedup_key for x in new_lines]
    for start in range(0, len(new_keys), CHUNK):
        created.extend(
            BankLine.objects.filter(
                company=company, statement=statement, dedup_key__in=new_keys[start : start + CHUNK]
            )
        )
    created.sort(key=lambda line: line.pk)
    result.new = len(created)
    result.new_line_ids = [line.pk for line in created]
    if parsed.format == "csv" and csv_mapping is not None:
        settings.csv_mapping = dict(csv_mapping)
        settings.save(update_fields=["csv_mapping"])
    if statement is not None and created:
        audit_record(
            company=company,
            subject=statement,
            kind="bank.imported",
            actor=actor,
            after={"file": filename, "new": len(created)},
        )
    credits = [line.pk for line in created if line.amount > 0]
    counts = bank_match_lines(company=company, line_ids=credits, actor=actor, on=on)
    result.auto_matched, result.proposed, result.unmatched = counts
    return result


def engine_index(company: Company) -> matching.InvoiceIndex:
    """The company's open invoices, customers and learned payers, ready for the engine."""
    open_invoices = (
        with_open_amount(
            Invoice.objects.filter(
                company=company, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
            )
        )
        .filter(Q(open_amount__gt=0))
        # the plugin does not see annotations in values_list
        .values_list("id", "number", "customer_id", "open_amount", "due_date")  # type: ignore[misc]
    )
    invoices = [
        matching.OpenInvoice(
            pk, number, customer_id, Decimal(open_amount).quantize(Decimal("0.01")), due
        )
        for pk, number, customer_id, open_amount, due in open_invoices
    ]
    customers = [
        matching.CustomerRef(pk, name)
        for pk, name in Customer.objects.filter(company=company).values_list("id", "name")
    ]
    ibans = dict(
        CustomerBankAccount.objects.filter(company=company).values_list("iban", "customer_id")
    )
    names = dict(
        CustomerPayerName.objects.filter(company=company).values_list("name_key", "customer_id")
    )
    return matching.InvoiceIndex(invoices, customers, ibans, names)


def _engine_line(line: BankLine) -> matching.BankLine:
    return matching.BankLine(
        line.pk, line.amount, line.label, line.reference, line.payer_name, line.payer_iban
    )


def bank_match_lines(
    *, company: Company, line_ids: Sequence[int], actor: Actor, on: date, auto: bool = True
) -> tuple[int, int, int]:
    """Run the engine on credit lines: apply sure matches, store proposals for the rest.

    Returns (auto matched, proposed, unmatched).
    """
    if not line_ids:
        return 0, 0, 0
    threshold = float(reconciliation_settings_get(company).auto_threshold) if auto else 2.0
    lines = {
        line.pk: line
        for line in BankLine.objects.filter(
            company=company,
            pk__in=line_ids,
            state__in=[BankLine.State.UNMATCHED, BankLine.State.PROPOSED],
        )
    }
    ordered = [lines[i] for i in line_ids if i in lines]
    results = matching.match(
        [_engine_line(line) for line in ordered],
        [],
        [],
        auto_threshold=threshold,
        index=engine_index(company),
    )
    auto_count = proposed = unmatched = 0
    MatchProposal.objects.filter(company=company, line_id__in=lines).delete()
    for line, found in zip(ordered, results, strict=True):
        best = found.best
        if found.auto and best is not None:
            _apply(
                company,
                line,
                best.customer_id,
                dict(best.allocations),
                actor,
                kind="bank.auto_matched",
                reasons=best.reasons,
            )
            auto_count += 1
            continue
        for rank, proposal in enumerate(found.proposals):
            row = MatchProposal.objects.create(
                company=company,
                line=line,
                customer_id=proposal.customer_id,
                amounts={str(i): str(a) for i, a in proposal.allocations},
                credit_amount=proposal.credit,
                confidence=Decimal(str(proposal.confidence)).quantize(Decimal("0.001")),
                reasons=list(proposal.reasons),
                rank=rank,
            )
            row.invoices.set([i for i, _a in proposal.allocations])
        line.state = BankLine.State.PROPOSED if found.proposals else BankLine.State.UNMATCHED
        line.save(update_fields=["state"])
        if found.proposals:
            proposed += 1
        else:
            unmatched += 1
    return auto_count, proposed, unmatched


def _apply(
    company: Company,
    line: BankLine,
    customer_id: int,
    allocations: Mapping[int, Decimal],
    actor: Actor,
    *,
    kind: str,
    reasons: Sequence[str] = (),
) -> Payment:
    customer = Customer.objects.filter(company=company, pk=customer_id).first()
    if customer is None:
        raise DomainError(CustomersCode.CUSTOMER_UNKNOWN, _("Unknown customer."))
    if sum(allocations.values(), Decimal(0)) > line.amount:
        raise DomainError(
            PaymentsCode.ALLOCATION_EXCEEDS_PAYMENT,
            _("The invoices chosen add up to more than the %(amount)s received.")
            % {"amount": line.amount},
        )
    payment = payment_record(
        company=company,
        customer=customer,
        amount=line.amount,
        received_on=line.booking_date,
        actor=actor,
        reference=(line.reference or line.label)[:140],
        currency=line.currency,
        allocate_to={k: v for k, v in allocations.items() if v > 0} or None,
        auto_allocate=False,
        source="bank",
    )
    line.payment = payment
    line.state = BankLine.State.MATCHED
    line.save(update_fields=["payment", "state"])
    MatchProposal.objects.filter(company=company, line=line).delete()
    audit_record(
        company=company,
        subject=payment,
        kind=kind,
        actor=actor,
        after={"line": line.pk, "reasons": list(reasons)},
    )
    return payment


def _lock_line(company: Company, line_id: int) -> BankLine:
    try:
        return BankLine.objects.select_for_update().get(company=company, pk=line_id)
    except BankLine.DoesNotExist as exc:
        raise DomainError(PaymentsCode.BANK_LINE_UNKNOWN, _("Unknown bank line.")) from exc


def _open_line(company: Company, line_id: int) -> BankLine:
    line = _lock_line(company, line_id)
    if line.state not in (BankLine.State.UNMATCHED, BankLine.State.PROPOSED):
        raise DomainError(
            PaymentsCode.BANK_LINE_NOT_OPEN, _("This bank line is already dealt with.")
        )
    return line


def _learn(company: Company, line: BankLine, customer_id: int) -> None:
    """Remember the payer's IBAN and name as this customer's (a person confirmed it)."""
    if line.payer_iban:
        CustomerBankAccount.objects.update_or_create(
            company=company, iban=line.payer_iban, defaults={"customer_id": customer_id}
        )
    key = matching.name_key(line.payer_name)
    if key:
        CustomerPayerName.objects.update_or_create(
            company=company, name_key=key[:140], defaults={"customer_id": customer_id}
        )


@transaction.atomic
def bank_line_accept(*, company: Company, line_id: int, proposal_id: int, actor: Actor) -> Payment:
    """Apply a proposal as it stands (open amounts re-checked under lock) and learn from it."""
    line = _open_line(company, line_id)
    proposal = MatchProposal.objects.filter(company=company, line=line, pk=proposal_id).first()
    if proposal is None:
        raise DomainError(PaymentsCode.PROPOSAL_UNKNOWN, _("Unknown proposal."))
    amounts = {int(k): Decimal(v) for k, v in proposal.amounts.items()}
    payment = _apply(
        company,
        line,
        proposal.customer_id,
        amounts,
        actor,
        kind="bank.proposal_accepted",
        reasons=proposal.reasons,
    )
    _learn(company, line, proposal.customer_id)
    return payment


@transaction.atomic
def bank_line_match(
    *,
    company: Company,
    line_id: int,
    customer_id: int | None,
    amounts: Mapping[int, Decimal],
    actor: Actor,
) -> Payment:
    """Match a line by hand to invoices of one customer ({invoice id: amount}); the rest of
    the money stays as the customer's credit. Without a customer, the first invoice's.
    Teaches the engine the payer."""
    line = _open_line(company, line_id)
    if any(a <= 0 for a in amounts.values()):
        raise DomainError(
            PaymentsCode.ALLOCATION_AMOUNT, _("An allocated amount must be positive.")
        )
    if customer_id is None and amounts:
        first = Invoice.objects.filter(company=company, pk=next(iter(amounts))).first()
        customer_id = first.customer_id if first is not None else None
    if customer_id is None:
        raise DomainError(
            PaymentsCode.MATCH_NOTHING, _("Choose at least one invoice, or a customer to credit.")
        )
    payment = _apply(company, line, customer_id, amounts, actor, kind="bank.matched_by_hand")
    _learn(company, line, customer_id)
    return payment


@transaction.atomic
def bank_line_ignore(*, company: Company, line_id: int, actor: Actor) -> BankLine:
    """Mark a credit as not a customer payment (a refund, a loan, a transfer between accounts)."""
    line = _open_line(company, line_id)
    line.state = BankLine.State.IGNORED
    line.save(update_fields=["state"])
    MatchProposal.objects.filter(company=company, line=line).delete()
    audit_record(company=company, subject=line, kind="bank.ignored", actor=actor)
    return line


@transaction.atomic
def bank_line_split(
    *, company: Company, line_id: int, amounts: Sequence[Decimal], actor: Actor, on: date
) -> list[BankLine]:
    """Split a credit into parts (one transfer paying for several customers), each matched
    on its own; the parts add up to the line exactly."""
    line = _open_line(company, line_id)
    if len(amounts) < 2 or any(a <= 0 for a in amounts):
        raise DomainError(PaymentsCode.SPLIT_AMOUNTS, _("Give at least two positive amounts."))
    if sum(amounts, Decimal(0)) != line.amount:
        raise DomainError(
            PaymentsCode.SPLIT_TOTAL,
            _("The parts add up to %(sum)s, not the %(amount)s of the line.")
            % {"sum": sum(amounts, Decimal(0)), "amount": line.amount},
        )
    parts = []
    for index, part in enumerate(amounts, start=1):
        parts.append(
            BankLine.objects.create(
                company=company,
                statement_id=line.statement_id,
                account_id=line.account_id,
                parent=line,
                booking_date=line.booking_date,
                value_date=line.value_date,
                amount=part,
                currency=line.currency,
                label=line.label,
                reference=line.reference,
                payer_name=line.payer_name,
                payer_iban=line.payer_iban,
                fingerprint=line.fingerprint,
                dedup_key=f"{line.dedup_key}/{index}"[:200],
            )
        )
    line.state = BankLine.State.SPLIT
    line.save(update_fields=["state"])
    MatchProposal.objects.filter(company=company, line=line).delete()
    audit_record(
        company=company,
        subject=line,
        kind="bank.split",
        actor=actor,
        after={"parts": [str(a) for a in amounts]},
    )
    bank_match_lines(
        company=company, line_ids=[p.pk for p in parts], actor=actor, on=on, auto=False
    )
    return parts


@transaction.atomic
def bank_line_undo(*, company: Company, line_id: int, actor: Actor, on: date) -> BankLine:
    """Undo a match (its payment and allocations go), an ignore or a split (parts not yet
    matched are merged back); the line is open again with fresh proposals."""
    line = _lock_line(company, line_id)
    if line.state == BankLine.State.MATCHED and line.payment_id is not None:
        payment = Payment.objects.select_for_update().get(company=company, pk=line.payment_id)
        for allocation_id in payment.allocations.values_list("id", flat=True):
            allocation_undo(company=company, allocation_id=allocation_id, actor=actor)
        line.payment = None
        line.state = BankLine.State.UNMATCHED
        line.save(update_fields=["payment", "state"])
        audit_record(
            company=company,
            subject=payment.customer,
            kind="payment.deleted",
            actor=actor,
            before={"payment": payment.pk, "amount": str(payment.amount), "line": line.pk},
        )
        payment.delete()
    elif line.state == BankLine.State.IGNORED:
        line.state = BankLine.State.UNMATCHED
        line.save(update_fields=["state"])
    elif line.state == BankLine.State.SPLIT:
        parts = list(BankLine.objects.select_for_update().filter(company=company, parent=line))
        if any(p.state == BankLine.State.MATCHED for p in parts):
            raise DomainError(
                PaymentsCode.SPLIT_MATCHED,
                _("Undo the matches of the parts before merging them back."),
            )
        MatchProposal.objects.filter(company=company, line__in=parts).delete()
        BankLine.objects.filter(company=company, parent=line).delete()
        line.state = BankLine.State.UNMATCHED
        line.save(update_fields=["state"])
    else:
        raise DomainError(
            PaymentsCode.BANK_LINE_NOTHING_TO_UNDO, _("There is nothing to undo on this line.")
        )
    audit_record(company=company, subject=line, kind="bank.undone", actor=actor)
    if line.amount > 0:
        bank_match_lines(company=company, line_ids=[line.pk], actor=actor, on=on, auto=False)
    line.refresh_from_db()
    return line
