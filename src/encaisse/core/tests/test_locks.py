"""Per-company locks: one holder at a time, per company and name, released by the block."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from encaisse.core import locks
from encaisse.core.exceptions import DomainError
from encaisse.core.locks import company_lock
from encaisse.core.models import Company

pytestmark = pytest.mark.django_db


def test_a_second_holder_is_refused_until_the_first_releases(company: Company) -> None:
    # given the company's "import" lock held, when another block asks for it
    held = company_lock(company, "import")
    with held, pytest.raises(DomainError) as raised, company_lock(company, "import"):
        pass  # pragma: no cover -- never entered
    # then it is refused with the generic French message
    assert (raised.value.code, raised.value.kind) == ("company_busy", "conflict")
    assert raised.value.message == (
        "Une autre opération est en cours pour cette société\u00a0; réessayez dans un instant."
    )
    assert raised.value.extra == {"lock": "import"}
    # and once released it can be taken again
    with company_lock(company, "import"):
        pass


def test_other_names_and_other_companies_are_free(company: Company, other_company: Company) -> None:
    with (
        company_lock(company, "import"),
        company_lock(company, "dunning-run"),
        company_lock(other_company, "import"),
    ):
        pass


def test_a_block_that_raises_releases_the_lock(company: Company) -> None:
    with pytest.raises(ValueError, match="boom"), company_lock(company, "import"):
        raise ValueError("boom")
    with company_lock(company, "import"):
        pass


def test_waiting_gives_up_with_the_caller_s_message(company: Company) -> None:
    with (
        company_lock(company, "import"),
        pytest.raises(DomainError, match="occupé"),
        company_lock(company, "import", wait=0.3, busy_message="occupé"),
    ):
        pass  # pragma: no cover -- never entered


@pytest.mark.parametrize("command", ["import-bank", "import-fec", "import-invoices"])
def test_an_import_waits_for_the_one_in_progress_then_gives_up_with_one_line(
    command: str, company: Company, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an import of the company in progress, and a short wait (two minutes by default)
    monkeypatch.setattr(locks, "IMPORT_WAIT", 0.3)
    path = tmp_path / "file.csv"
    path.write_text("x\n")
    # when another import of the same company starts
    with company_lock(company, locks.IMPORT_LOCK), pytest.raises(CommandError) as raised:
        call_command(command, str(path), "--company", company.slug, stdout=StringIO())
    # then it waited, then gave up with one French line, before reading its file
    assert str(raised.value) == (
        "Un import est déjà en cours pour cette société\u00a0; réessayez dans un instant."
    )


def test_an_import_runs_once_the_lock_is_free(company: Company) -> None:
    # given an import that held the lock and finished
    with company_lock(company, locks.IMPORT_LOCK):
        pass
    # when a bank statement is imported
    out = StringIO()
    fixture = Path(__file__).parents[2] / "payments" / "tests" / "fixtures" / "ofx1_sgml.ofx"
    call_command("import-bank", str(fixture), "--company", company.slug, stdout=out)
    # then it goes in
    assert out.getvalue().startswith("ofx1_sgml.ofx (ofx): 2 lines, 2 new")
