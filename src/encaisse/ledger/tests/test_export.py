"""FEC export: the entries encaisse's documents stand for, valid, and read back the same."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.models import Company
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    make_invoice,
    make_payment,
)
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.ledger import fec
from encaisse.ledger.models import LedgerSettings
from encaisse.ledger.positions import customer_balances
from encaisse.ledger.selectors import fec_export_lines, letter_code, vat_account
from encaisse.ledger.services import fec_import
from encaisse.payments.services import credit_note_issue

pytestmark = pytest.mark.django_db
ON = date(2025, 12, 31)
EVER = date(2100, 1, 1)  # balances of everything recorded


def history(company: Company) -> None:
    """A: an invoice credited in full, another partly paid. B: paid in full, then an advance."""
    a = CustomerFactory.create(company=company, reference="A01", name="Alpha SA")
    b = CustomerFactory.create(
        company=company, reference="B01", name="Beta SARL", accounting_account="411BETA"
    )
    first = make_invoice(company=company, customer=a, amount="100.00", issued_on=date(2025, 1, 15))
    make_invoice(
        company=company,
        customer=a,
        amount="200.00",
        vat_rate="0.055",
        issued_on=date(2025, 2, 1),
    )
    credit_note_issue(company=company, invoice_id=first.pk, actor=None, on=date(2025, 2, 5))
    make_payment(company=company, customer=a, amount="150.00", received_on=date(2025, 2, 10))
    make_invoice(company=company, customer=b, amount="1000.00", issued_on=date(2025, 3, 1))
    make_payment(
        company=company,
        customer=b,
        amount="1200.00",
        received_on=date(2025, 3, 20),
        reference="VIR BETA 1",
    )
    make_payment(company=company, customer=b, amount="300.00", received_on=date(2025, 4, 1))


def export(company: Company, **period: date) -> bytes:
    return "".join(fec.write_fec(fec_export_lines(company, **period))).encode("utf-8")


def test_export_writes_the_receivables_entries_with_their_lettering(company: Company) -> None:
    # given
    history(company)

    # when
    lines = list(fec_export_lines(company))

    # then, in date order: sales journal VE, bank journal BQ, each numbered from 1
    def short(line: fec.FecLine) -> tuple[object, ...]:
        return (
            line.journal_code,
            line.entry_num,
            line.entry_date.isoformat(),
            line.account,
            line.aux_num,
            line.piece_ref,
            str(line.debit),
            str(line.credit),
            line.letter,
            line.letter_date.isoformat() if line.letter_date else "",
        )

    numbers = dict(Invoice.objects.filter(company=company).values_list("total_amount", "number"))
    f1, f2, av, f3 = numbers[Decimal("120.00")], numbers[Decimal("211.00")], None, None
    av = Invoice.objects.get(company=company, kind="credit_note").number
    f3 = numbers[Decimal("1200.00")]
    assert [short(line) for line in lines] == [
        ("VE", "1", "2025-01-15", "411000", "A01", f1, "120.00", "0.00", "AA", "2025-02-05"),
        ("VE", "1", "2025-01-15", "706000", "", f1, "0.00", "100.00", "", ""),
        ("VE", "1", "2025-01-15", "4457120", "", f1, "0.00", "20.00", "", ""),
        ("VE", "2", "2025-02-01", "411000", "A01", f2, "211.00", "0.00", "ab", "2025-02-10"),
        ("VE", "2", "2025-02-01", "706000", "", f2, "0.00", "200.00", "", ""),
        ("VE", "2", "2025-02-01", "4457155", "", f2, "0.00", "11.00", "", ""),
        ("VE", "3", "2025-02-05", "411000", "A01", av, "0.00", "120.00", "AA", "2025-02-05"),
        ("VE", "3", "2025-02-05", "706000", "", av, "100.00", "0.00", "", ""),
        ("VE", "3", "2025-02-05", "4457120", "", av, "20.00", "0.00", "", ""),
        ("BQ", "1", "2025-02-10", "512000", "", lines[9].piece_ref, "150.00", "0.00", "", ""),
        ("BQ", "1", "2025-02-10", "411000", "A01", lines[9].piece_ref, "0.00", "150.00", "ab",
         "2025-02-10"),
        ("VE", "4", "2025-03-01", "411000", "411BETA", f3, "1200.00", "0.00", "AA", "2025-03-20"),
        ("VE", "4", "2025-03-01", "706000", "", f3, "0.00", "1000.00", "", ""),
        ("VE", "4", "2025-03-01", "4457120", "", f3, "0.00", "200.00", "", ""),
        ("BQ", "2", "2025-03-20", "512000", "", "VIR BETA 1", "1200.00", "0.00", "", ""),
        ("BQ", "2", "2025-03-20", "411000", "411BETA", "VIR BETA 1", "0.00", "1200.00", "AA",
         "2025-03-20"),
        ("BQ", "3", "2025-04-01", "512000", "", lines[16].piece_ref, "300.00", "0.00", "", ""),
        ("BQ", "3", "2025-04-01", "411000", "411BETA", lines[16].piece_ref, "0.00", "300.00",
         "", ""),
    ]  # fmt: skip


def test_the_exported_file_follows_the_format_rules(company: Company) -> None:
    history(company)

    text = export(company).decode("utf-8")

    rows = [line.split("\t") for line in text.split("\r\n")[:-1]]
    assert rows[0] == list(fec.COLUMNS)
    assert all(len(r) == 18 for r in rows)
    balance: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    numbers: dict[str, list[int]] = defaultdict(list)
    for r in rows[1:]:
        assert all(len(r[i]) == 8 and r[i].isdigit() for i in (3, 9, 15))
        assert "." not in r[11] + r[12]
        balance[(r[0], r[2])] += Decimal(r[11].replace(",", ".")) - Decimal(r[12].replace(",", "."))
        if not numbers[r[0]] or numbers[r[0]][-1] != int(r[2]):
            numbers[r[0]].append(int(r[2]))
    assert set(balance.values()) == {Decimal(0)}
    assert numbers == {"VE": [1, 2, 3, 4], "BQ": [1, 2, 3]}
    assert [r[3] for r in rows[1:]] == sorted(r[3] for r in rows[1:])


def test_export_of_a_period_and_configured_accounts(company: Company) -> None:
    history(company)
    LedgerSettings.objects.create(
        company=company, customer_account="41100000", sales_journal="VT", bank_journal="BNP"
    )

    lines = list(fec_export_lines(company, date_from=date(2025, 3, 1), date_to=date(2025, 3, 31)))

    assert [(line.journal_code, line.entry_num, line.account) for line in lines] == [
        ("VT", "1", "41100000"),
        ("VT", "1", "706000"),
        ("VT", "1", "4457120"),
        ("BNP", "1", "512000"),
        ("BNP", "1", "41100000"),
    ]


def _key(company: Company) -> dict[int, str]:
    """How each customer is named in an FEC: its accounting account, else its code."""
    return {
        pk: account or reference
        for pk, account, reference in company.customer_set.values_list(
            "pk", "accounting_account", "reference"
        )
    }


def open_items(company: Company) -> list[tuple[str, str, Decimal]]:
    keys = _key(company)
    return sorted(
        (keys[invoice.customer_id], invoice.number, invoice.open_amount)
        for invoice in with_open_amount(
            Invoice.objects.filter(company=company, kind="invoice", status="issued")
        )
        if invoice.open_amount > 0
    )


def positions(company: Company) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    keys = _key(company)
    return {
        keys[row.customer_id]: (row.open_amount, row.unapplied_credit, row.balance)
        for row in customer_balances(company, as_of=EVER)
    }


def round_trip(source: Company) -> tuple[Company, str]:
    content = export(source)
    empty = CompanyFactory.create()
    # Keep the file's lettering even when it has none: a history where nothing was allocated
    # would otherwise be lettered on import, as a ledger never lettered is.
    result = fec_import(
        company=empty, source=content, filename="rt.txt", actor=None, on=ON, reconstitute=False
    )
    assert result.errors == []
    return empty, str(result.counts()["open_amount"])


def test_round_trip_gives_the_same_open_items_and_balances(company: Company) -> None:
    # given a history exported as FEC, when it is imported into an empty company
    history(company)
    imported, open_amount = round_trip(company)

    # then the same invoices are open for the same amounts, and every balance is the same
    assert open_amount == "-239.00"
    assert (
        positions(imported)
        == positions(company)
        == {
            "A01": (Decimal("61.00"), Decimal("0.00"), Decimal("61.00")),
            "411BETA": (Decimal("0.00"), Decimal("300.00"), Decimal("-300.00")),
        }
    )
    assert open_items(imported) == open_items(company)
    assert len(open_items(company)) == 1


@pytest.mark.parametrize("seed", [1, 7])
def test_round_trip_of_a_generated_company(seed: int) -> None:
    # given a demo company (partial payments, credit notes, customer credit)
    call_command(
        "demo", customers=12, invoices=250, seed=seed, slug=f"demo{seed}", force=True, verbosity=0
    )
    source = Company.objects.get(slug=f"demo{seed}")

    # when its FEC is imported into an empty company
    imported, open_amount = round_trip(source)

    # then
    assert positions(imported) == positions(source)
    assert open_items(imported) == open_items(source)
    assert Decimal(open_amount) == sum(r.balance for r in customer_balances(source, as_of=EVER))


def test_letter_codes_and_vat_accounts() -> None:
    assert [letter_code(n) for n in (0, 1, 25, 26, 675, 676)] == [
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
    assert vat_account("44571", Decimal("0.2000")) == "4457120"
    assert vat_account("44571", Decimal("0.0550")) == "4457155"
    assert vat_account("44571", Decimal("0.0210")) == "4457121"


events = st.lists(
    st.tuples(
        st.sampled_from(["invoice", "invoice", "credit", "payment", "advance"]),
        st.integers(0, 2),  # customer
        st.integers(0, 200),  # day
        st.integers(1, 100_000),  # cents
    ),
    min_size=1,  # an FEC without any entry is refused
    max_size=12,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=events)
def test_round_trip_of_any_history(history: list[tuple[str, int, int, int]]) -> None:
    # given a random history: invoices, full credit notes, payments allocated oldest first
    # (which may leave them partly allocated) and payments kept as customer credit
    source = CompanyFactory.create()
    customers = [CustomerFactory.create(company=source, reference=f"R{n}") for n in range(3)]
    issued: dict[int, list[Invoice]] = {0: [], 1: [], 2: []}
    for kind, who, day, cents in history:
        on = date(2025, 1, 1) + timedelta(days=day)
        amount = Decimal(cents) / 100
        if kind == "invoice" or (kind == "credit" and not issued[who]):
            issued[who].append(
                make_invoice(company=source, customer=customers[who], amount=amount, issued_on=on)
            )
        elif kind == "credit":
            target = issued[who].pop(0)
            assert target.issue_date is not None
            credit_note_issue(
                company=source, invoice_id=target.pk, actor=None, on=max(on, target.issue_date)
            )
        else:
            make_payment(
                company=source,
                customer=customers[who],
                amount=amount,
                received_on=on,
                auto_allocate=kind == "payment",
            )

    # when it goes through an FEC into an empty company
    imported, open_amount = round_trip(source)

    # then the open items and balances are the same
    assert positions(imported) == positions(source)
    assert open_items(imported) == open_items(source)
    assert Decimal(open_amount) == sum(
        (r.balance for r in customer_balances(source, as_of=EVER)), Decimal("0.00")
    )
