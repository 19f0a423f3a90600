"""`make bench`: import of an FEC of 1 000 000 lines (target < 60 s), SQLite and PostgreSQL.

The file is generated here (never stored): a year of a company's ledger, as an accounting
package writes it: sales entries (customer 411 / sales 706 / VAT collected at one or two
rates), purchases (supplier 401 / 607 / deductible VAT), bank receipts (bank 512 / customer
411, sometimes settling two invoices at once, sometimes partly), the customer lines lettered
the way a bookkeeper does (full lettering in upper case, partial in lower case), a fifth of
the invoices left open. Then, on each database, from empty:

1. `encaisse migrate`, `encaisse company-create`;
2. `encaisse import-fec FILE --company bench --format json` (wall time, end to end);
3. the same import again: it must add nothing (idempotence), and its time is shown.

The wall time is the figure to hold against the target; the command's own CPU time (user +
system, from getrusage) is printed beside it, since a busy machine stretches the wall time.

Sizes: BENCH_FEC_LINES (default 1000000), BENCH_FEC_CUSTOMERS (default 2000). PostgreSQL:
BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/), BENCH_PG=0 to skip it; the
database is `encaisse_bench_fec`. Figures to read, never assertions.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINES = int(os.environ.get("BENCH_FEC_LINES", "1000000"))
CUSTOMERS = int(os.environ.get("BENCH_FEC_CUSTOMERS", "2000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
PG_DATABASE = "encaisse_bench_fec"
SLUG = "bench"
SIREN = "732829320"
CPU_SECONDS = [0.0]  # CPU time of the last command (the wall time suffers on a busy machine)
HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum"
    "\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet"
    "\tValidDate\tMontantdevise\tIdevise"
)


def _amount(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def _letter(number: int) -> str:
    letters = ""
    number += 26 * 26  # at least three letters: AAA, AAB...
    while number:
        number, digit = divmod(number, 26)
        letters = chr(65 + digit) + letters
    return letters


def generate(path: Path, lines: int, customers: int, seed: int = 1) -> dict[str, int]:
    """Write a balanced FEC of about `lines` lines; what it holds, for the record."""
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    names = [f"Client {n:05d} SAS" for n in range(customers)]
    day_text = [(start + timedelta(days=d)).strftime("%Y%m%d") for d in range(400)]
    journal_counters = {"VE": 0, "AC": 0, "BQ": 0}
    letters = [0] * customers
    # Invoices waiting for their payment, per payment day.
    pending: dict[int, list[tuple[int, int, int, str, str, bool]]] = {}
    written = 0
    counts = {"invoices": 0, "payments": 0, "purchases": 0}
    out = path.open("w", encoding="utf-8", newline="")
    out.write(HEADER + "\r\n")

    def entry(journal: str, label: str, day: int, rows: Sequence[tuple[str, ...]]) -> None:
        nonlocal written
        journal_counters[journal] += 1
        num = str(journal_counters[journal])
        text = day_text[day]
        for account, account_lib, aux, aux_lib, ref, lib, debit, credit, let, let_day in rows:
            out.write(
                f"{journal}\t{label}\t{num}\t{text}\t{account}\t{account_lib}\t{aux}\t{aux_lib}"
                f"\t{ref}\t{text}\t{lib}\t{debit}\t{credit}\t{let}\t{let_day}\t{text}\t\t\r\n"
            )
        written += len(rows)

    invoice_number = 0
    day = 0
    while written < lines:
        day = min(364, written * 365 // lines)
        # a sale
        customer = rng.randrange(customers)
        invoice_number += 1
        number = f"F{invoice_number:07d}"
        net = rng.randrange(5_000, 2_000_000)
        if rng.random() < 0.2:
            net_reduced = rng.randrange(1_000, net)
            vat_rows = [
                ("4457120", "TVA 20", round((net - net_reduced) * 0.2)),
                ("4457155", "TVA 5,5", round(net_reduced * 0.055)),
            ]
        else:
            vat_rows = [("4457120", "TVA 20", round(net * 0.2))]
        total = net + sum(v for _a, _l, v in vat_rows)
        aux, name = f"C{customer:05d}", names[customer]
        settle = rng.random()
        letter, let_day = "", ""
        pay_day = min(399, day + rng.randrange(10, 75))
        if settle < 0.8 and pay_day < 365:
            letter = _letter(letters[customer])
            letters[customer] += 1
            partial = settle > 0.75
            if partial:
                letter = letter.lower()
            let_day = day_text[pay_day]
            pending.setdefault(pay_day, []).append((customer, day, total, number, letter, partial))
        entry(
            "VE",
            "Ventes",
            day,
            [
                (
                    "411000",
                    "Clients",
                    aux,
                    name,
                    number,
                    f"Facture {number}",
                    _amount(total),
                    "0,00",
                    letter,
                    let_day,
                ),
                (
                    "706000",
                    "Prestations",
                    "",
                    "",
                    number,
                    f"Facture {number}",
                    "0,00",
                    _amount(net),
                    "",
                    "",
                ),
                *[
                    (account, lib, "", "", number, f"Facture {number}", "0,00", _amount(v), "", "")
                    for account, lib, v in vat_rows
                ],
            ],
        )
        counts["invoices"] += 1
        # a purchase
        cost = rng.randrange(1_000, 500_000)
        entry(
            "AC",
            "Achats",
            day,
            [
                (
                    "401000",
                    "Fournisseurs",
                    f"F{rng.randrange(300):04d}",
                    "Fournisseur",
                    f"A{invoice_number}",
                    "Achat",
                    "0,00",
                    _amount(cost + cost // 5),
                    "",
                    "",
                ),
                (
                    "607000",
                    "Achats",
                    "",
                    "",
                    f"A{invoice_number}",
                    "Achat",
                    _amount(cost),
                    "0,00",
                    "",
                    "",
                ),
                (
                    "4456600",
                    "TVA deductible",
                    "",
                    "",
                    f"A{invoice_number}",
                    "Achat",
                    _amount(cost // 5),
                    "0,00",
                    "",
                    "",
                ),
            ],
        )
        counts["purchases"] += 1
        # receipts due today
        for paid_on in [d for d in pending if d <= day]:
            for customer, _issued, cents, number, letter, partial in pending.pop(paid_on):
                paid = cents // 2 if partial else cents
                aux, name = f"C{customer:05d}", names[customer]
                rows = [
                    (
                        "512000",
                        "Banque",
                        "",
                        "",
                        f"VIR{number}",
                        f"VIR {name}",
                        _amount(paid),
                        "0,00",
                        "",
                        "",
                    ),
                    (
                        "411000",
                        "Clients",
                        aux,
                        name,
                        f"VIR{number}",
                        f"VIR {name} {number}",
                        "0,00",
                        _amount(paid),
                        letter,
                        day_text[paid_on],
                    ),
                ]
                entry("BQ", "Banque", day, rows)
                counts["payments"] += 1
    out.close()
    counts["lines"] = written
    return counts


def encaisse_command() -> list[str]:
    script = Path(sys.executable).with_name("encaisse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "encaisse.manage"]


def run(args: list[str], database_url: str) -> tuple[float, str]:
    """Wall time and stdout of a command; its CPU time is left in CPU_SECONDS[0]."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 -- our own commands, fixed arguments
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS[0] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"{' '.join(args[-4:])} failed: {last}")
    return seconds, done.stdout


def bench(database: str, database_url: str, path: Path) -> list[str]:
    cli = encaisse_command()
    run([*cli, "migrate", "--noinput", "-v0"], database_url)
    run(
        [*cli, "company-create", "--name", "Bench FEC", "--siren", SIREN, "--slug", SLUG],
        database_url,
    )
    print(f"[{database}] importing {path.name}", flush=True)
    first, out = run(
        [*cli, "import-fec", str(path), "--company", SLUG, "--format", "json"], database_url
    )
    first_cpu = CPU_SECONDS[0]
    print(f"[{database}] {out.strip()}", flush=True)
    again, out_again = run(
        [*cli, "import-fec", str(path), "--company", SLUG, "--format", "json"], database_url
    )
    repeat = json.loads(out_again)
    added = repeat["customers"] + repeat["invoices"] + repeat["payments"]
    return [
        database,
        f"{first:.1f} s",
        f"{first_cpu:.1f} s",
        f"{LINES / first:,.0f}",
        f"{again:.1f} s ({added} added)",
        "yes" if first < 60 else "NO",
    ]


def sqlite_url() -> str:
    path = ROOT / "var" / "bench" / "bench_fec.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_url() -> str | None:
    if os.environ.get("BENCH_PG") == "0":
        print("PostgreSQL skipped (BENCH_PG=0)")
        return None
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")
    except Exception as exc:  # any failure means: no PostgreSQL to measure here
        print(f"PostgreSQL skipped: {PG_URL} unreachable ({str(exc).strip().splitlines()[0]})")
        return None
    return f"{PG_URL}/{PG_DATABASE}"


def main() -> int:
    path = ROOT / "var" / "bench" / f"{SIREN}FEC20251231.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = generate(path, LINES, CUSTOMERS)
    print(
        f"generated {path.name}: {counts['lines']:,} lines, {counts['invoices']:,} invoices, "
        f"{counts['payments']:,} receipts, {counts['purchases']:,} purchases, "
        f"{path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s\n",
        flush=True,
    )
    rows = [bench("SQLite", sqlite_url(), path)]
    url = postgres_url()
    if url is not None:
        rows.append(bench("PostgreSQL", url, path))
    headers = ["database", "import (wall)", "import (CPU)", "lines/s", "second import", "< 60 s"]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
