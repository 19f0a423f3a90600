"""OFX statements (Quicken QFX too): version 1.x in SGML (leaf tags left open) and 2.x in XML.

The file is read as a stream of tags, whatever its version: an aggregate opens with `<TAG>`
and closes with `</TAG>`; a leaf is `<TAG>value`, closed or not. Each `STMTTRN` of a bank
(`STMTRS`) or card (`CCSTMTRS`) statement is a transaction: `DTPOSTED`, signed `TRNAMT`,
`FITID` (the bank's id), `NAME`/`PAYEE`, `MEMO`, `REFNUM`.

>>> content = (b"OFXHEADER:100\\nDATA:OFXSGML\\n\\n<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS>"
...     b"<CURDEF>EUR<BANKACCTFROM><ACCTID>12345678901</BANKACCTFROM><BANKTRANLIST>"
...     b"<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20250304<TRNAMT>1234.50<FITID>B1"
...     b"<NAME>DUPONT SAS<MEMO>F-000042</STMTTRN></BANKTRANLIST></STMTRS></STMTTRNRS>"
...     b"</BANKMSGSRSV1></OFX>")
>>> tx = parse(content, "releve.ofx").statements[0].transactions[0]
>>> tx.booking_date, tx.amount, tx.bank_id, tx.payer_name
(datetime.date(2025, 3, 4), Decimal('1234.50'), 'B1', 'DUPONT SAS')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from encaisse.payments.io import (
    BankTransaction,
    ParsedFile,
    ParsedStatement,
    compact_iban,
    decode_text,
    make_date,
    money,
    rejected,
)

_TAG = re.compile(r"<(/?)([A-Za-z0-9_.]+)[^>]*>([^<]*)")


@dataclass
class _Node:
    tag: str
    line: int
    value: str | None = None
    children: list[_Node] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        for child in self.children:
            if child.tag == tag:
                return child
        return None

    def text(self, path: str) -> str:
        node: _Node | None = self
        for part in path.split("/"):
            node = node.find(part) if node is not None else None
        return (node.value or "").strip() if node is not None else ""

    def walk(self, tag: str) -> list[_Node]:
        found = []
        for child in self.children:
            if child.tag == tag:
                found.append(child)
            found.extend(child.walk(tag))
        return found


def _tree(text: str, filename: str) -> _Node:
    start = text.upper().find("<OFX>")
    if start < 0:
        raise rejected(filename, "", "OFX", "no <OFX> element: not an OFX file")
    root = _Node("ROOT", 1)
    stack = [root]
    base_line = text.count("\n", 0, start) + 1
    body = text[start:]
    for m in _TAG.finditer(body):
        closing, tag, value = m.group(1), m.group(2).upper(), m.group(3)
        line = base_line + body.count("\n", 0, m.start())
        if closing:
            if tag in (n.tag for n in stack[1:]):
                while stack[-1].tag != tag:
                    stack.pop()
                stack.pop()
            elif stack[-1].children and stack[-1].children[-1].tag == tag:
                continue  # the closing tag of a leaf
            else:
                raise rejected(filename, f"line {line}", tag, f"</{tag}> closes nothing")
            continue
        node = _Node(tag, line)
        stack[-1].children.append(node)
        if value.strip():
            node.value = value.strip()
        else:
            stack.append(node)
    if len(stack) > 1 and stack[1].tag == "OFX":
        unclosed = stack[-1]
        raise rejected(
            filename, f"line {unclosed.line}", unclosed.tag, f"<{unclosed.tag}> is never closed"
        )
    return root


def _date(raw: str, filename: str, node: _Node, field_name: str) -> date:
    m = re.match(r"(\d{4})(\d{2})(\d{2})", raw)
    if not m:
        raise rejected(filename, f"line {node.line}", field_name, f"not a date: {raw!r}")
    return make_date(*m.groups(), file=filename, where=f"line {node.line}", field=field_name)


def parse(content: bytes, filename: str) -> ParsedFile:
    text = decode_text(content)
    root = _tree(text, filename)
    statements = []
    for stmt in root.walk("STMTRS") + root.walk("CCSTMTRS"):
        currency = stmt.text("CURDEF") or "EUR"
        account = compact_iban(stmt.text("BANKACCTFROM/ACCTID")) or stmt.text("CCACCTFROM/ACCTID")
        if not account:
            raise rejected(filename, f"line {stmt.line}", "ACCTID", "the account is missing")
        transactions = []
        for trn in stmt.walk("STMTTRN"):
            where = f"line {trn.line}"
            raw_amount = trn.text("TRNAMT")
            if not raw_amount:
                raise rejected(filename, where, "TRNAMT", "the amount is missing")
            amount = money(raw_amount, file=filename, where=where, field="TRNAMT")
            posted = trn.text("DTPOSTED")
            if not posted:
                raise rejected(filename, where, "DTPOSTED", "the date is missing")
            booking = _date(posted, filename, trn, "DTPOSTED")
            user = trn.text("DTUSER")
            name = trn.text("NAME") or trn.text("PAYEE/NAME")
            memo = trn.text("MEMO")
            transactions.append(
                BankTransaction(
                    booking_date=booking,
                    value_date=_date(user, filename, trn, "DTUSER") if user else None,
                    amount=amount,
                    currency=trn.text("CURRENCY/CURSYM") or currency,
                    label=" ".join(filter(None, (name, memo)))[:500],
                    reference=trn.text("REFNUM")[:140],
                    payer_name=name[:140],
                    payer_iban=compact_iban(trn.text("BANKACCTTO/ACCTID"))[:34],
                    bank_id=trn.text("FITID")[:100],
                    where=where,
                )
            )
        statements.append(ParsedStatement(account, currency, "", tuple(transactions)))
    if not statements:
        raise rejected(filename, "", "STMTRS", "no bank statement (STMTRS) in the file")
    return ParsedFile(filename, "ofx", tuple(statements))
