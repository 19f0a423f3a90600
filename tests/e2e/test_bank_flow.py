"""A bookkeeper's bank morning: import the statement, accept the engine's proposal for one
credit, match another by hand (a partial payment), and find the first invoice paid."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from encaisse.core.models import Role
from encaisse.core.tests.factories import (
    CompanyFactory,
    CustomerFactory,
    MembershipFactory,
    UserFactory,
    make_invoice,
)
from encaisse.invoicing.models import Invoice
from encaisse.invoicing.selectors import with_open_amount
from encaisse.payments.models import BankLine, CustomerBankAccount

pytestmark = pytest.mark.e2e

LogIn = Callable[..., None]

STATEMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>
  <Stmt><Id>S1</Id>
   <Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Ntry><Amt Ccy="EUR">500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <BookgDt><Dt>2025-03-03</Dt></BookgDt><AcctSvcrRef>B-1</AcctSvcrRef>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>GL AUTO SERVICES</Nm></Dbtr>
     <DbtrAcct><Id><IBAN>FR7630004000031234567890143</IBAN></Id></DbtrAcct></RltdPties>
     <RmtInf><Ustrd>VIREMENT</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
   <Ntry><Amt Ccy="EUR">280.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
    <BookgDt><Dt>2025-03-04</Dt></BookgDt><AcctSvcrRef>B-2</AcctSvcrRef>
    <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>ALBERT PAUL</Nm></Dbtr></RltdPties>
     <RmtInf><Ustrd>ACOMPTE</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""


def _open(invoice: Invoice) -> Decimal:
    return with_open_amount(Invoice.objects.filter(pk=invoice.pk)).get().open_amount


def text(page: Page, selector: str) -> str:
    return page.inner_text(selector).replace("\u202f", " ").replace("\xa0", " ").strip()


def test_import_accept_match_by_hand_then_invoice_paid(
    live_server: LiveServer,
    transactional_db: None,
    browser: Browser,
    log_in: LogIn,
    artifacts: Path,
    tmp_path: Path,
) -> None:
    # given two open invoices and a statement paying them without quoting their numbers
    company = CompanyFactory.create(slug="fournil", legal_name="Fournil Durand SAS")
    user = UserFactory.create(username="claire")
    MembershipFactory.create(company=company, user=user, role=Role.CREDIT_MANAGER)
    garage = make_invoice(
        company=company, customer=CustomerFactory.create(company=company, name="Garage Leroy"),
        amount="500.00", vat_rate="0",
    )  # fmt: skip
    martin = make_invoice(
        company=company, customer=CustomerFactory.create(company=company, name="Martin SA"),
        amount="300.00", vat_rate="0",
    )  # fmt: skip
    statement = tmp_path / "releve-mars.xml"
    statement.write_text(STATEMENT)

    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, "claire")

    # when she opens the bank screen from the menu and imports the statement
    page.click("nav a[href='/bank/']")
    expect(page).to_have_url(f"{live_server.url}/bank/")
    page.set_input_files("#bank-upload input[name=statements]", str(statement))
    page.click("#bank-upload button[type=submit]")
    expect(page.locator("#bank-import-result")).to_contain_text("releve-mars.xml")
    first = BankLine.objects.get(bank_transaction_id="B-1")
    second = BankLine.objects.get(bank_transaction_id="B-2")
    expect(page.locator(f"tr[data-line='{first.pk}']")).to_contain_text("Garage Leroy")
    page.screenshot(path=str(artifacts / "e2e-bank-1-imported.png"), full_page=True)

    # and accepts the proposal for the 500.00 credit in one click
    page.click(f"tr[data-line='{first.pk}'] form[action*='/accept/'] button")
    expect(page.locator(f"tr[data-line='{first.pk}']")).to_have_count(0)

    # and matches the 280.00 by hand to Martin's invoice (a partial payment)
    page.click(f"tr[data-line='{second.pk}'] a[href='/bank/lines/{second.pk}/']")
    page.fill("#invoice-search input[name=q]", martin.number)
    page.click("#invoice-search button[type=submit]")
    page.check(f"#pick-{martin.pk}")
    page.fill(f"input[name=amount_{martin.pk}]", "280,00")
    page.screenshot(path=str(artifacts / "e2e-bank-2-by-hand.png"), full_page=True)
    page.click("#manual-match button[type=submit]")
    expect(page.locator("#undo")).to_be_visible()

    # then the first invoice is paid, Martin's has 20.00 left, and the payer IBAN is learned
    page.goto(f"{live_server.url}/invoices/{garage.pk}/")
    expect(page.locator("#open-amount")).to_have_text("0,00\u00a0€")
    page.screenshot(path=str(artifacts / "e2e-bank-3-paid.png"), full_page=True)
    assert _open(garage) == Decimal("0.00")
    assert _open(martin) == Decimal("20.00")
    assert CustomerBankAccount.objects.get(company=company).customer_id == garage.customer_id
    context.close()
