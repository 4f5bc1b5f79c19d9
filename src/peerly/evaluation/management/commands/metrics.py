"""`peerly metrics --program SLUG [--format csv|json]`: the programme's figures for every metric
of the KPI dictionary that applies to its kind (value, people, unit). A figure of fewer than
its minimum of people has no value, as on the pages."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser
from django.utils import timezone

from peerly.core.csvsafe import safe_dict
from peerly.evaluation import kpi
from peerly.programs.models import Program

COLUMNS = ("key", "name", "value", "people", "unit")


class Command(BaseCommand):
    help = "Print a programme's metrics (the KPI dictionary) as CSV or JSON on standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="programme slug")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"unknown programme '{options['program']}'", returncode=2)
        today = timezone.localdate()
        rows = [
            {
                "key": row.metric.key,
                "name": str(row.metric.name),
                "value": row.figure.value,
                "people": row.figure.people,
                "unit": row.metric.unit.value,
            }
            for row in kpi.figures(kpi.for_kind(program.kind), program=program, today=today)
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(safe_dict(r) for r in rows)
