"""Invoice documents benchmark: PDF/A-3 + Factur-X EN 16931 rendered and stored per second.

Builds a throw-away SQLite database (migrated in a temporary directory), one company, one
customer and BENCH_DOCUMENTS issued invoices of 3 lines each, then times, on one core:
- the whole use case `invoice_document` (read the invoice, render the HTML with WeasyPrint
  as PDF/A-3b, build and XSD-check the CII XML, embed it, store the bytes with SHA-256);
- a second call for the same invoices (the stored bytes come back, nothing is rendered).
Both the wall-clock rate and the rate per CPU second of this process are printed (on a
busy machine the wall clock also counts other processes' time).
Target: >= 5 documents/s. Figures to read, never asserts.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
TMP = tempfile.mkdtemp(prefix="encaisse-bench-documents-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

N = int(os.environ.get("BENCH_DOCUMENTS", "50"))


def main() -> None:
    call_command("migrate", verbosity=0)
    settings.ENCAISSE_DOCUMENTS_AT_ISSUE = False  # time the rendering below, not at issue

    from encaisse.core.models import Company
    from encaisse.customers.models import Customer
    from encaisse.invoicing.documents.services import invoice_document
    from encaisse.invoicing.services import LineData, invoice_draft_create, invoice_issue

    company = Company.objects.create(
        slug="bench",
        legal_name="Bench Industrie SAS",
        legal_form="SAS",
        share_capital=Decimal("50000"),
        rcs_city="Paris",
        siren="732829320",
        vat_number="FR44732829320",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        address_line1="12 rue de la Paix",
        postal_code="75002",
        city="Paris",
    )
    customer = Customer.objects.create(
        company=company,
        reference="C1",
        name="Dupont Distribution SARL",
        siren="552100554",
        address_line1="1 place Bellecour",
        postal_code="69002",
        city="Lyon",
    )
    ids = []
    for i in range(N):
        draft = invoice_draft_create(
            company=company,
            customer=customer,
            lines=[
                LineData(f"Prestation {i}", Decimal(2), Decimal("450.00"), Decimal("0.20")),
                LineData("Ouvrage", Decimal(3), Decimal("19.99"), Decimal("0.055")),
                LineData("Déplacement", Decimal(1), Decimal("80.00"), Decimal("0.20")),
            ],
            actor=None,
        )
        ids.append(
            invoice_issue(company=company, invoice_id=draft.pk, actor=None, on=date(2025, 3, 10)).pk
        )
    invoice_document(company=company, invoice_id=ids[0])  # warm-up: fonts, templates, XSD
    started, cpu = time.perf_counter(), time.process_time()
    sizes = [len(invoice_document(company=company, invoice_id=pk).content) for pk in ids[1:]]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    for pk in ids[1:]:
        invoice_document(company=company, invoice_id=pk)
    stored = time.perf_counter() - started
    n = len(sizes)
    print(
        f"invoice documents (PDF/A-3b + Factur-X EN 16931, rendered and stored): {n} in "
        f"{elapsed:.2f} s = {n / elapsed:.1f} documents/s wall clock, "
        f"{n / cpu:.1f} documents/s of CPU time on one core (target >= 5/s), "
        f"mean size {sum(sizes) / n / 1024:.0f} kB"
    )
    print(f"stored documents served again: {n / stored:.0f} documents/s")


if __name__ == "__main__":
    main()
