from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerly.programs import importing
from peerly.programs.models import Program


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
            raise CommandError(f"{path}: cannot read: {exc.strerror}", returncode=2) from None
        preview = importing.parse_members_csv(data, program=program)
        if not preview.ok:
            for error in preview.errors[:-1]:
                self.stderr.write(f"{path}: {error}")
            raise CommandError(
                f"{path}: {preview.errors[-1]} ({len(preview.errors)} error(s); "
                "nothing was imported)",
                returncode=2,
            )
        if options["dry_run"]:
            self.stdout.write(
                f"{len(preview.rows)} row(s) valid: {preview.new_accounts} new account(s). "
                "Dry run: nothing saved."
            )
            return
        result = importing.apply_import(preview=preview, program=program, actor=None)
        self.stdout.write(
            f"Imported {len(preview.rows)} row(s): {result.created_accounts} new account(s), "
            f"{result.enrolled} enrolled, {result.skipped_already_enrolled} already members."
        )
