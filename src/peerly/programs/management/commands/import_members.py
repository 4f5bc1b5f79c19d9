from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerly.programs import importing
from peerly.programs.models import Program

MAX_LISTED = 100


def _clip(text: str, limit: int = 300) -> str:
    """One printable line of at most `limit` characters, whatever the file contained."""
    text = "".join(c if c.isprintable() else "?" for c in " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
                    f"{path}: {preview.errors[0]} ({len(preview.errors)} error(s), listed on "
                    "stdout; nothing was imported)",
                ),
                returncode=2,
            )
        if options["dry_run"]:
            self.stdout.write(
                f"{len(preview.rows)} row(s) valid: {preview.new_accounts} new account(s), "
                f"{preview.to_invite} existing account(s) to invite. Dry run: nothing saved."
            )
            return
        result = importing.apply_import(preview=preview, program=program, actor=None)
        self.stdout.write(
            f"Imported {len(preview.rows)} row(s): {result.created_accounts} new account(s), "
            f"{result.enrolled} enrolled, {result.invited} invited (existing accounts join "
            f"when they accept), {result.skipped_already_enrolled} already members."
        )
