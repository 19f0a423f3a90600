"""The `encaisse` console script: Django's manage.py bound to our settings, speaking the user's
language (French by default, English with `LANG=en...`), with our commands listed first."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from encaisse.cli.help import main_help
    from encaisse.core.cli import cli_language_activate

    cli_language_activate(os.environ)
    if sys.argv[1:] in ([], ["help"], ["-h"], ["--help"]):
        sys.stdout.write(main_help() + "\n")
        return
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
