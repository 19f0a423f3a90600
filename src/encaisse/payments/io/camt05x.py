"""ISO 20022 bank-to-customer messages: CAMT.053 statements, CAMT.054 notifications
(and CAMT.052 reports, same entries), versions 001.02 to 001.08, namespace detected.

Each entry (`Ntry`) is a transaction; an entry whose transaction details (`TxDtls`) carry
their own amounts adding up to the entry's (a batch of credits) gives one transaction per
detail. Remittance: structured creditor reference (`Strd/CdtrRefInf/Ref`) and free text
(`Ustrd`); the counterparty is the debtor of a credit (`Dbtr/Nm`, version 8 `Dbtr/Pty/Nm`)
and the creditor of a debit. Bank ids: `AcctSvcrRef`, else the end-to-end id.

>>> xml = (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>'
...     b'<Stmt><Id>S1</Id><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>'
...     b'<Ntry><Amt Ccy="EUR">1234.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
...     b'<BookgDt><Dt>2025-03-04</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef><NtryDtls><TxDtls>'
...     b'<RltdPties><Dbtr><Nm>DUPONT SAS</Nm></Dbtr></RltdPties>'
...     b'<RmtInf><Ustrd>FACT F-000042</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>'
...     b'</Stmt></BkToCstmrStmt></Document>')
>>> tx = parse(xml, "releve.xml").statements[0].transactions[0]
>>> tx.booking_date, tx.amount, tx.payer_name, tx.label
(datetime.date(2025, 3, 4), Decimal('1234.50'), 'DUPONT SAS', 'FACT F-000042')
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree

from encaisse.payments.io import (
    BankTransaction,
    ParsedFile,
    ParsedStatement,
    compact_iban,
    make_date,
    money,
    rejected,
)

_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d\d)$")
_CONTAINERS = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
VERSIONS = range(2, 9)


def _text(el: etree._Element | None, path: str) -> str:
    if el is None:
        return ""
    found = el.find(path)
    return (found.text or "").strip() if found is not None else ""


def _texts(el: etree._Element, path: str) -> list[str]:
    return [(f.text or "").strip() for f in el.findall(path) if (f.text or "").strip()]


def parse(content: bytes, filename: str) -> ParsedFile:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        line = f"line {exc.lineno}" if exc.lineno else ""
        raise rejected(filename, line, "", f"not well-formed XML: {exc.msg}") from exc
    namespace = etree.QName(root).namespace or ""
    match = _NAMESPACE.match(namespace)
    if not match:
        raise rejected(
            filename,
            f"/{etree.QName(root).localname}",
            "xmlns",
            f"not an ISO 20022 CAMT.052/053/054 message (namespace {namespace!r})",
        )
    kind, version = match.group(1), int(match.group(2))
    if version not in VERSIONS:
        raise rejected(
            filename,
            "/Document",
            "xmlns",
            f"CAMT.{kind} version 001.{version:02d} is not supported (001.02 to 001.08)",
        )
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
    tree = root.getroottree()
    group, child = _CONTAINERS[kind]
    statements_el = root.findall(f"{group}/{child}")
    if not statements_el:
        raise rejected(filename, f"/Document/{group}", child, "no statement in the file")
    statements = tuple(_statement(el, filename, tree) for el in statements_el)
    return ParsedFile(filename, "camt", statements)


def _statement(el: etree._Element, filename: str, tree: etree._ElementTree) -> ParsedStatement:
    account = compact_iban(_text(el, "Acct/Id/IBAN")) or _text(el, "Acct/Id/Othr/Id")
    if not account:
        raise rejected(filename, tree.getpath(el), "Acct/Id", "the account is missing")
    currency = _text(el, "Acct/Ccy")
    transactions: list[BankTransaction] = []
    for entry in el.findall("Ntry"):
        transactions.extend(_entry(entry, filename, tree))
    if not currency and transactions:
        currency = transactions[0].currency
    return ParsedStatement(account, currency or "EUR", _text(el, "Id"), tuple(transactions))


def _amount(el: etree._Element, filename: str, where: str) -> tuple[Decimal, str]:
    amt = el.find("Amt")
    if amt is None:
        raise rejected(filename, where, "Amt", "the amount is missing")
    currency = amt.get("Ccy", "")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise rejected(filename, where, "Amt/@Ccy", f"bad currency {currency!r}")
    value = money(amt.text or "", file=filename, where=where, field="Amt")
    if value < 0:
        raise rejected(filename, where, "Amt", "a negative amount (the sign is CdtDbtInd)")
    return value, currency


def _date(
    el: etree._Element, path: str, filename: str, where: str, *, required: bool
) -> date | None:
    raw = _text(el, f"{path}/Dt") or _text(el, f"{path}/DtTm")[:10]
    if not raw:
        if required:
            raise rejected(filename, where, f"{path}/Dt", "the date is missing")
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw[:10])
    if not m:
        raise rejected(filename, where, f"{path}/Dt", f"not a date: {raw!r}")
    return make_date(*m.groups(), file=filename, where=where, field=f"{path}/Dt")


def _sign(el: etree._Element, filename: str, where: str) -> int:
    indicator = _text(el, "CdtDbtInd")
    if indicator not in ("CRDT", "DBIT"):
        raise rejected(filename, where, "CdtDbtInd", f"expected CRDT or DBIT, got {indicator!r}")
    sign = 1 if indicator == "CRDT" else -1
    if _text(el, "RvslInd").lower() == "true":
        sign = -sign
    return sign


def _party(tx: etree._Element | None, credit: bool) -> tuple[str, str]:
    role = "Dbtr" if credit else "Cdtr"
    name = _text(tx, f"RltdPties/{role}/Nm") or _text(tx, f"RltdPties/{role}/Pty/Nm")
    iban = compact_iban(_text(tx, f"RltdPties/{role}Acct/Id/IBAN"))
    return name, iban


def _remittance(tx: etree._Element | None) -> tuple[str, str]:
    if tx is None:
        return "", ""
    reference = _text(tx, "RmtInf/Strd/CdtrRefInf/Ref")
    free = " ".join(_texts(tx, "RmtInf/Ustrd") + _texts(tx, "RmtInf/Strd/AddtlRmtInf"))
    return reference, free


def _entry(entry: etree._Element, filename: str, tree: etree._ElementTree) -> list[BankTransaction]:
    where = tree.getpath(entry)
    amount, currency = _amount(entry, filename, where)
    sign = _sign(entry, filename, where)
    booked = _date(entry, "BookgDt", filename, where, required=False)
    valued = _date(entry, "ValDt", filename, where, required=False)
    if booked is None and valued is None:
        raise rejected(filename, where, "BookgDt/Dt", "the booking date is missing")
    booking = booked or valued
    assert booking is not None  # for mypy: one of them is set
    entry_ref = _text(entry, "AcctSvcrRef")
    entry_info = _text(entry, "AddtlNtryInf")
    details = entry.findall("NtryDtls/TxDtls")
    parts: list[tuple[etree._Element | None, Decimal]] = []
    amounts = []
    for tx in details:
        amt = tx.find("Amt") if tx.find("Amt") is not None else tx.find("AmtDtls/TxAmt/Amt")
        try:
            amounts.append(Decimal((amt.text or "").strip()) if amt is not None else None)
        except ArithmeticError:
            amounts.append(None)
    if (
        len(details) > 1
        and all(a is not None and a > 0 for a in amounts)
        and sum(a for a in amounts if a is not None) == amount
    ):
        parts = [(tx, Decimal(a)) for tx, a in zip(details, amounts, strict=True) if a is not None]
    else:
        parts = [(details[0] if details else None, amount)]
    result = []
    for index, (tx, part) in enumerate(parts):
        name, iban = _party(tx, sign > 0)
        reference, free = _remittance(tx)
        if len(details) > 1 and len(parts) == 1:
            free = " ".join(filter(None, (_remittance(d)[1] for d in details)))
            reference = reference or next(
                (r for r in (_remittance(d)[0] for d in details) if r), ""
            )
        tx_ref = _text(tx, "Refs/AcctSvcrRef")
        end_to_end = _text(tx, "Refs/EndToEndId")
        if end_to_end.upper() == "NOTPROVIDED":
            end_to_end = ""
        bank_id = tx_ref or (
            f"{entry_ref}/{index + 1}" if entry_ref and len(parts) > 1 else entry_ref
        )
        result.append(
            BankTransaction(
                booking_date=booking,
                value_date=valued,
                amount=sign * part,
                currency=currency,
                label=" ".join(filter(None, (free, _text(tx, "AddtlTxInf"), entry_info)))[:500],
                reference=reference[:140],
                payer_name=name[:140],
                payer_iban=iban[:34],
                bank_id=bank_id[:100],
                end_to_end_id=end_to_end[:100],
                where=tree.getpath(tx) if tx is not None and len(parts) > 1 else where,
            )
        )
    return result
