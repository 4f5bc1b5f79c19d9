"""`peerly circles form --program SLUG [--dry-run] [--seed N] [--starts-on DATE]`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from peerly.circles import services
from peerly.circles.kind import plan_lines
from peerly.core.errors import ServiceError
from peerly.programs.management.commands import draw as draw_command
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import Strategy


class Command(BaseCommand):
    help = "Peer-coaching circles: `form` previews (--dry-run) or publishes the next season."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        form = sub.add_parser("form", help="Form the next season's circles.")
        form.add_argument("--program", required=True, help="programme slug")
        form.add_argument("--dry-run", action="store_true", help="preview, save nothing")
        form.add_argument(
            "--seed", type=int, default=None, help="random seed (default: a fresh one, printed)"
        )
        form.add_argument("--starts-on", help="YYYY-MM-DD (default: next Monday)")
        form.add_argument("--strategy", choices=Strategy.values)
        form.add_argument(
            "--allow-overlap",
            action="store_true",
            help="publish although a season still runs then (its members are not placed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        program = Program.objects.filter(slug=options["program"]).first()
        if program is None:
            raise CommandError(f"unknown programme '{options['program']}'", returncode=2)
        if program.kind != ProgramKind.CIRCLE:
            raise CommandError(f"programme '{program.slug}' does not run circles", returncode=2)
        try:
            starts_on = (
                dt.date.fromisoformat(options["starts_on"])
                if options["starts_on"]
                else services.default_start()
            )
        except ValueError:
            raise CommandError("--starts-on must be a date like 2030-01-07", returncode=2) from None
        seed = draw_command.fresh_seed() if options["seed"] is None else options["seed"]
        strategy = options["strategy"]
        number = services.next_season_number(program=program)
        plan = services.preview_season(
            program=program, seed=seed, starts_on=starts_on, strategy=strategy
        )
        m = plan.metrics
        self.stdout.write(
            f"season {number} of {program.slug}: {m['circles']} circles, {m['placed']}/"
            f"{m['members']} members placed, {m['repeat_pairs']} repeat pairs, "
            f"{m['never_met_circles']} circles never met before (seed {seed})"
        )
        for line in plan_lines(plan):
            self.stdout.write(f"  {line}")
        if options["dry_run"]:
            self.stdout.write("dry run: nothing saved")
            return
        try:
            season, created = services.publish_season(
                actor=None,
                program=program,
                number=number,
                seed=seed,
                starts_on=starts_on,
                strategy=strategy,
                allow_overlap=options["allow_overlap"],
            )
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=2) from None  # as `peerly draw`
        verb = "published" if created else "already published"
        self.stdout.write(f"season {season.number} {verb}: {season.circles.count()} circles")
