"""Small FEC files written for the tests (never real ledgers)."""

from __future__ import annotations

from encaisse.ledger.fec import HEADER_LINE


def row(
    journal: str,
    num: str,
    day: str,
    account: str,
    debit: str = "0,00",
    credit: str = "0,00",
    *,
    aux: str = "",
    aux_lib: str = "",
    ref: str = "",
    label: str = "",
    letter: str = "",
    letter_day: str = "",
    account_lib: str = "",
) -> str:
    return "\t".join(
        [
            journal,
            {"VE": "Ventes", "BQ": "Banque", "AN": "A nouveaux"}.get(journal, journal),
            num,
            day,
            account,
            account_lib
            or {"411": "Clients", "512": "Banque", "706": "Ventes"}.get(account[:3], ""),
            aux,
            aux_lib,
            ref,
            day,
            label or ref,
            debit,
            credit,
            letter,
            letter_day,
            day,
            "",
            "",
        ]
    )


def fec_text(*rows: str) -> bytes:
    return ("\r\n".join([HEADER_LINE, *rows]) + "\r\n").encode("utf-8")


# Dupont (C001): an opening balance and F-001 less its credit note AV-001, all settled by one
# transfer, lettered AA. Martin (C002): F-002 partly paid (lower-case lettering 'aa') and an
# unlettered transfer. Bernard has no auxiliary account: its own 411 account. A purchase.
LEDGER = fec_text(
    row(
        "AN",
        "1",
        "20250101",
        "411000",
        "500,00",
        aux="C001",
        aux_lib="Dupont SA",
        ref="RAN",
        letter="AA",
        letter_day="20250210",
    ),
    row("AN", "1", "20250101", "890000", credit="500,00", ref="RAN"),
    row(
        "VE",
        "1",
        "20250115",
        "411000",
        "1200,00",
        aux="C001",
        aux_lib="Dupont SA",
        ref="F-001",
        letter="AA",
        letter_day="20250210",
    ),
    row("VE", "1", "20250115", "706000", credit="1000,00", ref="F-001"),
    row("VE", "1", "20250115", "4457120", credit="200,00", ref="F-001"),
    row(
        "VE",
        "2",
        "20250120",
        "411000",
        "600,00",
        aux="C002",
        aux_lib="Martin SARL",
        ref="F-002",
        letter="aa",
        letter_day="20250215",
    ),
    row("VE", "2", "20250120", "706000", credit="500,00", ref="F-002"),
    row("VE", "2", "20250120", "4457120", credit="100,00", ref="F-002"),
    row(
        "VE",
        "3",
        "20250125",
        "411000",
        credit="240,00",
        aux="C001",
        aux_lib="Dupont SA",
        ref="AV-001",
        label="Avoir sur F-001",
        letter="AA",
        letter_day="20250210",
    ),
    row("VE", "3", "20250125", "706000", "200,00", ref="AV-001"),
    row("VE", "3", "20250125", "4457120", "40,00", ref="AV-001"),
    row("VE", "4", "20250201", "411BERNARD", "360,00", ref="F-003", account_lib="Bernard et Cie"),
    row("VE", "4", "20250201", "706000", credit="300,00", ref="F-003"),
    row("VE", "4", "20250201", "4457120", credit="60,00", ref="F-003"),
    row("BQ", "1", "20250210", "512000", "1460,00", ref="VIR1"),
    row(
        "BQ",
        "1",
        "20250210",
        "411000",
        credit="1460,00",
        aux="C001",
        aux_lib="Dupont SA",
        ref="VIR1",
        label="VIR DUPONT",
        letter="AA",
        letter_day="20250210",
    ),
    row("BQ", "2", "20250215", "512000", "250,00", ref="VIR2"),
    row(
        "BQ",
        "2",
        "20250215",
        "411000",
        credit="250,00",
        aux="C002",
        aux_lib="Martin SARL",
        ref="VIR2",
        letter="aa",
        letter_day="20250215",
    ),
    row("BQ", "3", "20250220", "512000", "100,00", ref="VIR3"),
    row(
        "BQ",
        "3",
        "20250220",
        "411000",
        credit="100,00",
        aux="C002",
        aux_lib="Martin SARL",
        ref="VIR3",
    ),
    row("AC", "1", "20250203", "401000", credit="120,00", aux="F01", ref="A-1"),
    row("AC", "1", "20250203", "607000", "100,00", ref="A-1"),
    row("AC", "1", "20250203", "4456600", "20,00", ref="A-1"),
)

# Never lettered: two invoices, a transfer naming the second one, then a transfer of 50.
UNLETTERED = fec_text(
    row("VE", "1", "20250110", "411000", "100,00", aux="C001", aux_lib="Dupont SA", ref="F-10"),
    row("VE", "1", "20250110", "706000", credit="100,00", ref="F-10"),
    row("VE", "2", "20250210", "411000", "200,00", aux="C001", aux_lib="Dupont SA", ref="F-11"),
    row("VE", "2", "20250210", "706000", credit="200,00", ref="F-11"),
    row("BQ", "1", "20250301", "512000", "200,00", ref="VIR"),
    row(
        "BQ",
        "1",
        "20250301",
        "411000",
        credit="200,00",
        aux="C001",
        ref="VIR",
        label="VIR DUPONT FACT F 11",
    ),
    row("BQ", "2", "20250305", "512000", "50,00", ref="VIR"),
    row(
        "BQ",
        "2",
        "20250305",
        "411000",
        credit="50,00",
        aux="C001",
        ref="VIR",
        label="VIR DUPONT ACOMPTE",
    ),
)
