"""peerly rounds run --program SLUG [--dry-run] [--seed N] [--allow-overlap] | list | tick

`run` is an alias of `peerly draw` (for coffee programmes only)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser
from django.utils import timezone

from peerly.programs.management.commands.draw import add_draw_arguments
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.rounds import reports
from peerly.rounds.ticks import tick


class Command(BaseCommand):
    help = "Coffee rounds: draw and publish a round, list rounds, or run the periodic tick."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser))  # type: ignore[arg-type]
        from_cli = getattr(parser, "called_from_command_line", None)

        def action(name: str, help: str) -> CommandParser:
            return sub.add_parser(name, help=help, called_from_command_line=from_cli)  # type: ignore[no-any-return]

        add_draw_arguments(
            action("run", "draw (and publish) the next round"),
            overlap_help="publish even though an earlier round is still open "
            "(members get two groups)",
        )
        lst = action("list", "list the rounds of a programme")
        lst.add_argument("--program", required=True, help="programme slug")
        lst.add_argument("--json", action="store_true", help="JSON output")
        action("tick", "publish due rounds, send due reminders and check-ins")

    def _program(self, slug: str) -> Program:
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"unknown programme {slug!r}", returncode=2)
        if program.kind != ProgramKind.COFFEE:
            raise CommandError(f"programme {slug!r} is not a coffee programme", returncode=2)
        return program

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "tick":
            counts = tick(now=timezone.now())
            self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            return
        program = self._program(options["program"])
        if action == "list":
            rows = reports.program_figures(program)
            if options.get("json"):
                self.stdout.write(json.dumps(rows, default=str, indent=2))
                return
            if not rows:
                self.stdout.write(f"{program.slug}: no rounds yet")
            for r in rows:
                if r["in_progress"]:  # the meeting window is open: not counted yet
                    met = "in-progress"
                elif r["met_rate"] is None:
                    met = "unknown"
                else:
                    met = f"{round(100 * r['met_rate'])}%"
                self.stdout.write(
                    f"round {r['number']:>3}  {r['published_at']:%Y-%m-%d}  {r['status']:<9} "
                    f"groups={r['groups']} matched={r['matched']} unmatched={r['unmatched']} "
                    f"repeats={r['repeat_pairs']}/{r['unavoidable_repeat_pairs']} met={met}"
                )
            return
        # `run` is an alias of `peerly draw` for coffee programmes: same seed default (a fresh
        # one, printed), same output and exit codes (CoffeeKind.draw does the work)
        call_command(
            "draw",
            program=program.slug,
            dry_run=options["dry_run"],
            seed=options["seed"],
            allow_overlap=options["allow_overlap"],
            stdout=self.stdout,
        )
