from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from peerly.core.csvsafe import safe_dict
from peerly.programs import importing
from peerly.programs.models import Program


class Command(BaseCommand):
    help = "Export a programme's members as CSV or JSON on standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="programme slug")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"unknown programme '{options['program']}'", returncode=2)
        rows = importing.export_rows(program)
        if options["format"] == "json":
            self.stdout.write(json.dumps(list(rows), indent=2))
            return
        writer = csv.DictWriter(
            self.stdout, fieldnames=importing.EXPORT_COLUMNS, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(safe_dict(r) for r in rows)
