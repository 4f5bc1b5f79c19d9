from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from peerly.programs import importing
from peerly.programs.models import Program

MAX_LISTED = 100


def _clip(text: str, limit: int = 300) -> str:
    """One printable line of at most `limit` characters, whatever the file contained."""
    text = "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _n(count: int, noun: str) -> str:
    """ "1 row", "2 rows" (the command's output is English, like the other commands)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class Command(BaseCommand):
    help = "Import members from a CSV file (validates every row first; all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file, UTF-8, with a header row")
        parser.add_argument("--program", help="enrol the members in this programme (slug)")
        parser.add_argument("--dry-run", action="store_true", help="validate only, save nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        program = None
        if options["program"]:
            program = Program.objects.filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"unknown programme '{options['program']}'", returncode=2)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _clip(f"{path}: cannot read: {exc.strerror}"), returncode=2
            ) from None
        preview = importing.parse_members_csv(data, program=program)
        if not preview.ok:
            # Every problem on stdout (a report to fix the file from), one line on stderr.
            for error in preview.errors[:MAX_LISTED]:
                self.stdout.write(_clip(f"{path}: {error}"))
            if len(preview.errors) > MAX_LISTED:
                self.stdout.write(f"… and {len(preview.errors) - MAX_LISTED} more")
            raise CommandError(
                _clip(
                    f"{path}: {preview.errors[0]} ({_n(len(preview.errors), 'error')}, listed on "
                    "stdout; nothing was imported)",
                ),
                returncode=2,
            )
        if options["dry_run"]:
            self.stdout.write(
                f"{_n(len(preview.rows), 'row')} valid: {_n(preview.new_accounts, 'new account')}, "
                f"{_n(preview.to_invite, 'existing account')} to invite. Dry run: nothing saved."
            )
            return
        result = importing.apply_import(preview=preview, program=program, actor=None)
        self.stdout.write(
            f"Imported {_n(len(preview.rows), 'row')}: "
            f"{_n(result.created_accounts, 'new account')}, "
            f"{result.enrolled} enrolled, {result.invited} invited (existing accounts join "
            f"when they accept), {result.skipped_already_enrolled} already members."
        )
