"""`peerly metrics --program SLUG [--format csv|json] [--since YYYY-MM-DD] [--team NAME]`: the
programme's figures for every metric of the KPI dictionary that applies to its kind (value,
people, unit, available). A figure of fewer than its minimum of people has no value, as on the
pages. `--since` starts every metric's period on that day (kpi.SINCE), `--team` counts only
the members of one team as they let organisers see it (kpi.TEAM, one of
`evaluation.scope.team_choices`); a metric that cannot honour a filter given has no value and
`available` false."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser
from django.utils import timezone

from peerly.core.aggregates import MIN_PEOPLE
from peerly.core.csvsafe import safe_dict
from peerly.evaluation import kpi
from peerly.evaluation import scope
from peerly.programs.models import Program

COLUMNS = ("key", "name", "value", "people", "unit", "available")


def _since(text: str | None, today: dt.date) -> dt.date | None:
    if text is None:
        return None
    try:
        since = dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--since: not a date '{text}' (write YYYY-MM-DD)", returncode=2
        ) from None
    if since > today:
        raise CommandError(
            f"--since: {since.isoformat()} is in the future (today is {today.isoformat()})",
            returncode=2,
        )
    return since


class Command(BaseCommand):
    help = "Print a programme's metrics (the KPI dictionary) as CSV or JSON on standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="programme slug")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--since", metavar="YYYY-MM-DD", help="start every metric's period on this day"
        )
        parser.add_argument(
            "--team", metavar="NAME", help="only the members of this team (as organisers see it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        since = _since(options["since"], today)
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"unknown programme '{options['program']}'", returncode=2)
        team = options["team"]
        if team is not None and team not in scope.team_choices(program):
            raise CommandError(
                f"--team: no team '{team}' of at least {MIN_PEOPLE} members shown to "
                f"organisers in '{program.slug}'",
                returncode=2,
            )
        rows = [
            {
                "key": row.metric.key,
                "name": str(row.metric.name),
                "value": row.figure.value,
                "people": row.figure.people,
                "unit": row.metric.unit.value,
                "available": not row.unavailable,
            }
            for row in kpi.figures(
                kpi.for_kind(program.kind), program=program, today=today, since=since, team=team
            )
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(safe_dict({**r, "available": str(r["available"]).lower()}) for r in rows)
