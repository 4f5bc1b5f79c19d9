"""The `peerly` command: Django's management commands plus Peerly's own.

peerly migrate | runserver | createsuperuser | …   (Django)
peerly demo [--members N] [--seed S] [--reset]
peerly import members FILE.csv [--program SLUG] [--dry-run]
peerly export members --program SLUG [--format csv|json]
peerly match groups|mentors …                     (engine, no database needed)
peerly draw --program SLUG [--dry-run] [--seed N] [--allow-overlap]   (any kind)
peerly metrics --program SLUG [--format csv|json] [--since YYYY-MM-DD] [--team NAME]
                                                  (the KPI dictionary)
peerly rounds … | peerly circles … | peerly mentorship …          (per-kind aliases)

Errors are one line on stderr, never a traceback (unless --traceback is given):
exit 2 for a usage or input error (unknown command, bad flag, unknown programme, invalid
file; nothing is changed), exit 1 when the database is unavailable or fails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from typing import NoReturn

ALIASES = {("import", "members"): "import_members", ("export", "members"): "export_members"}
MAX_ERROR_CHARS = 300
BUILTIN = {"help", "--help", "-h", "version", "--version"}


def one_line(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    """Collapse whitespace and cut long messages (a binary file must not flood the terminal)."""
    text = " ".join(text.split())
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """While it runs, Django's command-line errors are one line: no usage block, no
    multi-line messages. (A context manager so that tests calling `main` are left as found.)"""
    from django.core.management.base import BaseCommand
    from django.core.management.base import CommandError
    from django.core.management.base import CommandParser
    from django.core.management.base import SystemCheckError

    original_error, original_execute = CommandParser.error, BaseCommand.execute

    def error(self: CommandParser, message: str) -> NoReturn:
        if self.called_from_command_line:
            self.exit(2, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")
        raise CommandError(f"Error: {message}")

    def execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        try:
            return original_execute(self, *args, **options)
        except SystemCheckError:
            raise  # `peerly check` lists every issue on purpose
        except CommandError as exc:
            raise CommandError(one_line(str(exc)), returncode=exc.returncode) from exc

    CommandParser.error = error  # type: ignore[method-assign]
    BaseCommand.execute = execute  # type: ignore[method-assign]
    try:
        yield
    finally:
        CommandParser.error = original_error  # type: ignore[method-assign]
        BaseCommand.execute = original_execute  # type: ignore[method-assign]


def _database_message(exc: Exception) -> str:
    from django.db import InterfaceError
    from django.db import OperationalError

    text = one_line(str(exc).split("\n", 1)[0] or type(exc).__name__)
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        return f"peerly: database not set up: {text} (run 'peerly migrate')"
    if isinstance(exc, OperationalError | InterfaceError):
        return f"peerly: database unavailable: {text}"
    return f"peerly: database error: {text}"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "match":
        from peerly.matching.cli import main as match_main

        return match_main(args[1:])
    if len(args) >= 2 and (args[0], args[1]) in ALIASES:
        args = [ALIASES[(args[0], args[1])], *args[2:]]
    elif args and args[0] in ("import", "export"):
        sys.stderr.write(
            f"peerly {args[0]}: say what to {args[0]}, e.g. 'peerly {args[0]} members …'\n"
        )
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerly.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.core.management import get_commands
    from django.db import DatabaseError
    from django.db import InterfaceError

    custom_settings = any(a.startswith(("--settings", "--pythonpath")) for a in args)
    if args and not args[0].startswith("-") and args[0] not in BUILTIN and not custom_settings:
        django.setup()
        if args[0] not in get_commands():
            sys.stderr.write(
                f"peerly: unknown command {one_line(args[0], 60)!r} (run 'peerly help')\n"
            )
            return 2
    try:
        with _one_line_errors():
            execute_from_command_line(["peerly", *args])
    except (DatabaseError, InterfaceError) as exc:
        if "--traceback" in args:
            raise
        sys.stderr.write(_database_message(exc) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
