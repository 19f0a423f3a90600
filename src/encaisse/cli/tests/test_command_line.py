"""The `encaisse` console script as an operator meets it: help, refusals, language.

These run the real script in a child process: what is checked is what reaches the terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import encaisse

# The child imports the encaisse under test, whichever checkout the venv was installed from.
SRC = str(Path(encaisse.__file__).resolve().parents[1])


def run_encaisse(*args: str, lang: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update(
        LANG=lang,
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        PYTHONPATH=os.pathsep.join(filter(None, [SRC, env.get("PYTHONPATH")])),
    )
    return subprocess.run(  # noqa: S603 - our own script
        [sys.executable, "-m", "encaisse.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_help_lists_our_commands_first_grouped_one_line_each(tmp_path: Path) -> None:
    # when
    done = run_encaisse("--help", lang="C.UTF-8", tmp_path=tmp_path)

    # then
    lines = done.stdout.splitlines()
    assert done.returncode == 0
    assert lines[0] == (
        "Utilisation : encaisse <commande> [options] ; encaisse <commande> --help pour ses options."
    )
    assert lines[2:5] == [
        "Factures :",
        "  import-invoices       importer les factures d’un autre outil (CSV, XLSX)",
        "  import-einvoice       importer des factures électroniques "
        "(PDF Factur-X, XML CII ou UBL)",
    ]
    titles = [line for line in lines if line and not line.startswith(" ")][1:]
    assert titles == [
        "Factures :",
        "Banque :",
        "Comptabilité :",
        "Relances :",
        "Rapports :",
        "Administration :",
        "Commandes de Django :",
    ]
    assert "  backup                sauvegarder la base et les fichiers déposés" in lines
    assert "  [core] check, compilemessages" in done.stdout


def test_help_speaks_english_with_an_english_locale(tmp_path: Path) -> None:
    # when
    done = run_encaisse("--help", lang="en_GB.UTF-8", tmp_path=tmp_path)

    # then
    assert done.stdout.splitlines()[2:4] == [
        "Invoices:",
        "  import-invoices       import invoices of another tool (CSV, XLSX)",
    ]


@pytest.mark.parametrize(
    ("_case", "lang", "args", "stderr", "code"),
    [
        (
            "xlsx without a file",
            "C.UTF-8",
            ("report", "balance", "--format", "xlsx"),
            "Erreur : --format xlsx écrit un fichier binaire : indiquez-le avec -o FICHIER.\n",
            1,
        ),
        (
            "xlsx without a file, in English",
            "en_US.UTF-8",
            ("report", "balance", "--format", "xlsx"),
            "Error: --format xlsx writes a binary file: give it with -o FILE.\n",
            1,
        ),
        (
            "missing argument",
            "fr_FR.UTF-8",
            ("report",),
            "Erreur : arguments obligatoires manquants : report\n",
            2,
        ),
        (
            "bad choice, in English",
            "en_US.UTF-8",
            ("report", "balance", "--format", "pdf"),
            "Error: argument --format: invalid choice: 'pdf' "
            "(choose from 'json', 'csv', 'table', 'xlsx')\n",
            2,
        ),
        (
            "missing archive",
            "C.UTF-8",
            ("restore", "/nowhere/backup.tar.gz"),
            "Erreur : Fichier introuvable : /nowhere/backup.tar.gz\n",
            1,
        ),
    ],
)
def test_a_refusal_is_one_line_in_the_users_language_and_nothing_on_stdout(
    _case: str, lang: str, args: tuple[str, ...], stderr: str, code: int, tmp_path: Path
) -> None:
    # when
    done = run_encaisse(*args, lang=lang, tmp_path=tmp_path)

    # then
    assert (done.returncode, done.stdout, done.stderr) == (code, "", stderr)
