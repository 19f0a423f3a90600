"""Importing invoice files: rows written exactly, idempotent, all or nothing per file."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from encaisse.core.exceptions import FileProblem
from encaisse.core.models import AuditEvent, Company
from encaisse.core.tests.factories import CompanyFactory, CustomerFactory, PaymentTermsFactory
from encaisse.customers.models import Customer
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.ledger.invoice_import import ImportResult, invoice_import
from encaisse.payments.models import Allocation, Payment

FIXTURES = Path(__file__).parents[2] / "invoicing" / "tests" / "fixtures"
ON = date(2025, 6, 30)
D = Decimal


def naive(year: int, month: int, day: int) -> datetime:
    """A datetime without time zone, as spreadsheet cells hold them."""
    return datetime(year, month, day)  # noqa: DTZ001  # what openpyxl returns


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def run(company: Company, content: bytes, filename: str = "f.csv", **kwargs) -> ImportResult:
    return invoice_import(
        company=company, content=content, filename=filename, actor=None, on=ON, **kwargs
    )


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Invoice.objects.count(),
        Customer.objects.count(),
        Payment.objects.count(),
        Allocation.objects.count(),
        AuditEvent.objects.count(),
    )


def invoices(company: Company, disputed: tuple[int, ...] = ()) -> list[tuple]:
    """The company's invoices; the last item says whether the file marked them disputed (the
    disputes themselves are opened by collection, tested there)."""
    qs = with_open_amount(Invoice.objects.filter(company=company)).order_by("number")
    return [
        (
            i.number,
            i.kind,
            i.customer.reference,
            i.issue_date,
            i.due_date,
            i.total_amount,
            i.open_amount,
            i.pk in disputed,
        )
        for i in qs.select_related("customer")
    ]


def test_french_csv_creates_invoices_customers_payments_and_allocations(company: Company) -> None:
    # when
    result = run(company, fixture("import_fr.csv"), "import_fr.csv")

    # then
    assert result == ImportResult(
        "import_fr.csv", created=5, skipped_existing=0, customers_created=3, payments_created=2
    )
    assert invoices(company, result.disputed_invoice_ids) == [
        ("AV2025-001", "credit_note", "DUP", date(2025, 2, 25), date(2025, 2, 25), D("120.00"),
         D("120.00"), False),
        ("F2025-001", "invoice", "DUP", date(2025, 1, 15), date(2025, 2, 14), D("1200.00"),
         D("0.00"), False),
        # no due date in the file, no terms anywhere: 30 days net
        ("F2025-002", "invoice", "DUP", date(2025, 1, 20), date(2025, 2, 19), D("480.00"),
         D("480.00"), True),
        ("F2025-003", "invoice", "MART", date(2025, 2, 3), date(2025, 3, 5), D("2500.50"),
         D("500.50"), False),
        ("F2025-004", "invoice", "C00001", date(2025, 2, 13), date(2025, 3, 15), D("99.90"),
         D("99.90"), False),
    ]  # fmt: skip
    invoice = Invoice.objects.get(company=company, number="F2025-001")
    assert (invoice.status, invoice.series, invoice.source, invoice.currency) == (
        "issued", "", "import", "EUR"
    )  # fmt: skip
    assert (invoice.net_amount, invoice.vat_amount) == (D("1200.00"), D("0.00"))
    assert sorted(
        Customer.objects.filter(company=company).values_list("reference", "name", "siren")
    ) == [
        ("C00001", "Bernard SA", ""),
        ("DUP", "Dupont SARL", "552100554"),
        ("MART", "Martin & Fils", ""),
    ]
    assert sorted(
        Payment.objects.filter(company=company).values_list(
            "customer__reference", "amount", "received_on", "method", "reference", "source"
        )
    ) == [
        ("DUP", D("1200.00"), date(2025, 2, 10), "other", "import F2025-001", "import"),
        ("MART", D("2000.00"), date(2025, 2, 28), "other", "import F2025-003", "import"),
    ]
    assert sorted(
        Allocation.objects.filter(company=company).values_list(
            "invoice__number", "payment__reference", "amount"
        )
    ) == [
        ("F2025-001", "import F2025-001", D("1200.00")),
        ("F2025-003", "import F2025-003", D("2000.00")),
    ]
    event = AuditEvent.objects.get(company=company, kind="invoices.imported")
    assert (event.subject_id, event.after) == (
        company.pk,
        {"file": "import_fr.csv", "created": 5, "skipped_existing": 0, "customers_created": 3,
         "payments_created": 2},
    )  # fmt: skip


def test_importing_the_same_file_twice_adds_nothing(company: Company) -> None:
    # given
    run(company, fixture("import_fr.csv"), "import_fr.csv")
    before = counts()

    # when
    result = run(company, fixture("import_fr.csv"), "import_fr.csv")

    # then
    assert (result.created, result.skipped_existing, result.customers_created) == (0, 5, 0)
    assert result.payments_created == 0
    assert counts()[:4] == before[:4]


def test_a_file_with_some_numbers_already_imported_adds_only_the_new_ones(
    company: Company,
) -> None:
    run(company, b"Numero;Client;Date;Total\nN1;Alpha;01/03/2025;10\n")

    result = run(
        company, b"Numero;Client;Date;Total\nN1;Alpha;01/03/2025;10\nN2;Alpha;02/03/2025;20\n"
    )

    assert (result.created, result.skipped_existing, result.customers_created) == (1, 1, 0)
    assert list(
        Invoice.objects.filter(company=company).values_list("number", "customer__name")
    ) == [
        ("N2", "Alpha"),
        ("N1", "Alpha"),
    ]


def test_us_export_with_month_first_dates_and_recognised_headers(company: Company) -> None:
    result = run(company, fixture("import_us.csv"), "import_us.csv")

    assert result == ImportResult(
        "import_us.csv", created=3, skipped_existing=0, customers_created=2, payments_created=3
    )
    assert invoices(company, result.disputed_invoice_ids) == [
        ("0000100001", "invoice", "1001-ALPHA", date(2024, 1, 5), date(2024, 2, 4), D("1250.00"),
         D("0.00"), False),
        ("0000100002", "invoice", "1001-ALPHA", date(2024, 2, 13), date(2024, 3, 14), D("80.50"),
         D("0.00"), True),
        ("0000100003", "invoice", "2002-BRAVO", date(2024, 3, 1), date(2024, 3, 31), D("310.25"),
         D("0.00"), False),
    ]  # fmt: skip
    assert sorted(Payment.objects.values_list("received_on", "amount")) == [
        (date(2024, 2, 20), D("1250.00")),
        (date(2024, 3, 10), D("80.50")),
        (date(2024, 4, 2), D("310.25")),
    ]


def test_cp1252_file_with_accents(company: Company) -> None:
    result = run(company, fixture("import_cp1252.csv"), "import_cp1252.csv")

    assert (result.created, result.customers_created, result.payments_created) == (2, 2, 1)
    assert invoices(company) == [
        ("L-1", "invoice", "C00001", date(2025, 3, 5), date(2025, 4, 4), D("1234.56"),
         D("1000.00"), False),
        ("L-2", "invoice", "C00002", date(2025, 3, 6), date(2025, 4, 5), D("78.90"),
         D("78.90"), False),
    ]  # fmt: skip
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "Crème & Brûlé SARL",
        "Société Générale d'Éléments",
    ]
    assert list(Payment.objects.values_list("amount", "received_on")) == [
        (D("234.56"), date(2025, 3, 20))
    ]


def test_xlsx_with_typed_cells(company: Company) -> None:
    # given a workbook as a spreadsheet saves it: dates and numbers typed
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Facture export"])
    sheet.append([])
    sheet.append(["Invoice number", "Customer", "Invoice date", "Due date", "Amount",
                  "Amount paid", "Payment date", "Disputed"])  # fmt: skip
    sheet.append([1001, "Zeta SAS", naive(2025, 4, 1), date(2025, 5, 1), 1500, 500.25,
                  naive(2025, 4, 20), True])  # fmt: skip
    sheet.append(["1002", "zeta sas", "02/04/2025", None, 99.9, None, None, False])
    sheet.append([1003, "Omega", naive(2025, 4, 3), None, -50, None, None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when
    result = run(company, buffer.getvalue(), "book.xlsx")

    # then
    assert result == ImportResult(
        "book.xlsx", created=3, skipped_existing=0, customers_created=2, payments_created=1
    )
    assert invoices(company, result.disputed_invoice_ids) == [
        ("1001", "invoice", "C00001", date(2025, 4, 1), date(2025, 5, 1), D("1500.00"),
         D("999.75"), True),
        ("1002", "invoice", "C00001", date(2025, 4, 2), date(2025, 5, 2), D("99.90"),
         D("99.90"), False),
        ("1003", "credit_note", "C00002", date(2025, 4, 3), date(2025, 4, 3), D("50.00"),
         D("50.00"), False),
    ]  # fmt: skip
    assert list(Payment.objects.values_list("amount", "received_on")) == [
        (D("500.25"), date(2025, 4, 20))
    ]


def test_a_paid_amount_without_a_date_is_dated_the_import_day(company: Company) -> None:
    run(
        company,
        "N° facture;Client;Date;Montant TTC;Reste à payer\nP1;Alpha;01/03/2025;100;25\n".encode(),
    )

    assert list(Payment.objects.values_list("amount", "received_on")) == [(D("75.00"), ON)]


def test_existing_customers_are_found_by_reference_siren_or_name(company: Company) -> None:
    # given
    terms = PaymentTermsFactory.create(company=company, method="eom_then_days", days=45)
    by_ref = CustomerFactory.create(
        company=company, reference="R1", name="Ref Co", payment_terms=terms
    )
    by_siren = CustomerFactory.create(company=company, reference="R2", siren="732829320")
    by_name = CustomerFactory.create(company=company, reference="R3", name="Étoile du Nord")
    content = (
        "N° facture;Code client;Client;SIREN;Date;Total\n"
        "G1;R1;Another name;;10/01/2025;100\n"
        "G2;UNKNOWN;Whatever;732 829 320;10/01/2025;100\n"
        "G3;;ÉTOILE DU NORD;;10/01/2025;100\n"
        "G4;;étoile du nord;;10/01/2025;100\n"
    ).encode()

    # when
    result = run(company, content)

    # then
    assert result.customers_created == 0
    assert list(
        Invoice.objects.filter(company=company)
        .order_by("number")
        .values_list("number", "customer_id", "due_date")
    ) == [
        ("G1", by_ref.pk, date(2025, 3, 17)),  # the customer's terms: end of month + 45 days
        ("G2", by_siren.pk, date(2025, 2, 9)),
        ("G3", by_name.pk, date(2025, 2, 9)),
        ("G4", by_name.pk, date(2025, 2, 9)),
    ]
    assert Invoice.objects.get(company=company, number="G1").payment_terms == terms


def test_new_customers_get_the_company_default_terms_and_free_references(
    company: Company,
) -> None:
    # given a company whose default terms are 60 days net, and a customer coded C00002
    company.default_terms = PaymentTermsFactory.create(company=company, method="net", days=60)
    company.save()
    CustomerFactory.create(company=company, reference="C00002")

    # when
    run(company, b"Numero;Client;Date;Total\nH1;Alpha;10/01/2025;1\nH2;Beta;10/01/2025;1\n")

    # then
    assert list(
        Invoice.objects.filter(company=company)
        .order_by("number")
        .values_list("customer__reference", "customer__name", "due_date")
    ) == [("C00003", "Alpha", date(2025, 3, 11)), ("C00004", "Beta", date(2025, 3, 11))]


def test_another_company_is_neither_skipped_nor_reused(company: Company) -> None:
    # given another company that already has invoice N1 and customer ALPHA
    other = CompanyFactory.create(slug="other")
    run(other, b"Numero;Code client;Client;Date;Total\nN1;ALPHA;Alpha;01/03/2025;10\n")

    # when
    result = run(company, b"Numero;Code client;Client;Date;Total\nN1;ALPHA;Alpha;01/03/2025;10\n")

    # then
    assert (result.created, result.skipped_existing, result.customers_created) == (1, 0, 1)
    assert Invoice.objects.get(company=company, number="N1").customer.company == company
    assert Customer.objects.filter(reference="ALPHA").count() == 2


GOOD = "N° facture;Code client;Client;SIREN;Date;Échéance;Total;Payé\n"
GOOD_ROW = "K1;C1;Alpha;;10/01/2025;09/02/2025;100,00;\n"


@pytest.mark.parametrize(
    ("_case", "content", "mapping", "expected"),
    [
        ("bad date", GOOD + GOOD_ROW + "K2;C1;Alpha;;31/02/2025;;10;\n", None,
         [(3, "issue_date", "31/02/2025")]),
        ("bad amount", GOOD + GOOD_ROW + "K2;C1;Alpha;;10/01/2025;;12,3x;\n", None,
         [(3, "total", "12,3x")]),
        ("unknown column in the map", GOOD + GOOD_ROW, {"total": "Montant HT"},
         [(1, "total", "Montant HT")]),
        ("unknown field in the map", GOOD + GOOD_ROW, {"amount": "Total"},
         [(None, "amount", "amount")]),
        ("duplicate number", GOOD + GOOD_ROW + "K2;C1;Alpha;;10/01/2025;;1;\n" + GOOD_ROW, None,
         [(4, "number", "K1")]),
        ("invalid SIREN", GOOD + GOOD_ROW + "K2;C9;Beta;552100555;10/01/2025;;1;\n", None,
         [(3, "siren", "552100555")]),
        ("paid more than total", GOOD + GOOD_ROW + "K2;C1;Alpha;;10/01/2025;;100;100,01\n", None,
         [(3, "paid_amount", "100,01")]),
        ("missing column", "Numero;Client;Total\nK1;Alpha;1\n", None,
         [(1, "issue_date", "")]),
        ("empty file", "", None, [(None, "", "")]),
        ("header only", GOOD, None, [(None, "", "")]),
    ],
)  # fmt: skip
def test_a_refused_file_names_line_and_field_and_writes_nothing(
    company: Company,
    _case: str,
    content: str,
    mapping: dict[str, str] | None,
    expected: list[tuple],
) -> None:
    # given one invoice already imported
    run(company, (GOOD + "K0;C0;Zero;;01/01/2025;;5;5\n").encode())
    before = counts()

    # when
    result = run(company, content.encode(), "bad.csv", mapping=mapping)

    # then
    assert not result.ok
    assert [(e.line, e.field, e.value) for e in result.errors] == expected
    assert {e.file for e in result.errors} == {"bad.csv"}
    assert (result.created, result.customers_created, result.payments_created) == (0, 0, 0)
    assert counts() == before
    assert Company.objects.get(pk=company.pk).import_mapping == {}


def test_refusal_messages_are_readable(company: Company) -> None:
    content = GOOD + GOOD_ROW + "K1;C1;Alpha;;10/01/2025;;5;\nK3;C1;Alpha;;10/01/2025;;5;9\n"

    result = run(company, content.encode(), "bad.csv")

    assert [str(e) for e in result.errors] == [
        "bad.csv line 3, number: The number K1 is also on line 2.",
        "bad.csv line 4, paid_amount: The paid amount 9.00 is more than the total 5.00.",
    ]


def test_mapping_is_saved_after_success_and_reused_when_none_is_given(company: Company) -> None:
    # given a file with headers nobody would guess
    mapping = {"number": "Ref doc", "customer_name": "Payeur", "issue_date": "Le",
               "total": "Somme"}  # fmt: skip
    first = "Ref doc;Payeur;Le;Somme\nM1;Alpha;01/03/2025;10,00\n"
    second = "Ref doc;Payeur;Le;Somme\nM2;Alpha;02/03/2025;20,00\n"
    assert not run(company, second.encode()).ok  # not importable without the mapping

    # when
    first_result = run(company, first.encode(), mapping=mapping)
    second_result = run(company, second.encode())

    # then
    assert Company.objects.get(pk=company.pk).import_mapping == mapping
    assert (first_result.created, second_result.created) == (1, 1)
    assert sorted(Invoice.objects.values_list("number", "total_amount")) == [
        ("M1", D("10.00")),
        ("M2", D("20.00")),
    ]


def test_dry_run_checks_and_counts_but_writes_nothing(company: Company) -> None:
    before = counts()

    result = run(
        company, fixture("import_fr.csv"), "import_fr.csv", dry_run=True, mapping={"siren": ""}
    )

    assert result == ImportResult(
        "import_fr.csv",
        created=5,
        skipped_existing=0,
        customers_created=3,
        payments_created=2,
        dry_run=True,
    )
    assert counts() == before
    assert Company.objects.get(pk=company.pk).import_mapping == {}


def test_forced_date_format_reads_ambiguous_dates_that_way(company: Company) -> None:
    content = b"Numero;Client;Date;Total\nQ1;Alpha;02/03/2025;10\n"

    run(company, content, date_format="mdy")

    assert Invoice.objects.get(number="Q1").issue_date == date(2025, 2, 3)


def test_forced_date_format_refuses_dates_of_the_other_convention(company: Company) -> None:
    content = b"Numero;Client;Date;Total\nQ1;Alpha;31/03/2025;10\n"

    result = run(company, content, date_format="mdy")

    assert result.errors == [
        FileProblem(
            "f.csv",
            2,
            "issue_date",
            "'31/03/2025' is not a date (expected mm/dd/yyyy or yyyy-mm-dd).",
            "31/03/2025",
        )
    ]


def _big_file(n: int) -> bytes:
    lines = ["Numero;Code client;Client;Date;Total;Date de paiement"]
    lines += [f"Z{i:05d};C{i % 37};Client {i % 37};10/01/2025;{i},50;20/01/2025" for i in range(n)]
    return "\n".join(lines).encode()


def test_writes_are_set_based_not_one_query_per_row(company: Company) -> None:
    run(company, _big_file(20))

    with CaptureQueriesContext(connection) as queries:
        result = run(company, _big_file(600))

    assert (result.created, result.skipped_existing, result.payments_created) == (580, 20, 580)
    assert result.customers_created == 37 - 20
    # bulk inserts in batches (SQLite caps the parameters of one statement): far below 1 per row
    assert len(queries.captured_queries) < result.created / 10
