"""peerly mentorship assign --program SLUG [--method optimal|stable] [--seed N] [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from peerly.core.errors import ServiceError
from peerly.mentorship import services
from peerly.mentorship.kind import plan_lines
from peerly.programs.management.commands import draw as draw_command
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind


def _applicants(n: int) -> str:
    return "applicant" if n == 1 else "applicants"


class Command(BaseCommand):
    help = "Mentorship: `assign` waiting applicants to mentors with the matching engine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", default="", help="assign")
        parser.add_argument("--program", default="", help="programme slug")
        parser.add_argument("--method", default="optimal", help="optimal (default) or stable")
        parser.add_argument(
            "--seed", type=int, default=None, help="random seed (default: a fresh one, printed)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show the plan without saving it"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "assign":
            raise CommandError(
                "say what to do: 'peerly mentorship assign --program SLUG'", returncode=2
            )
        slug = options["program"]
        program = Program.objects.filter(slug=slug, kind=ProgramKind.MENTORSHIP).first()
        if program is None:
            raise CommandError(f"no mentorship programme with slug '{slug}'", returncode=2)
        method = options["method"]
        if method not in ("optimal", "stable"):
            raise CommandError(f"unknown method '{method}': use optimal or stable", returncode=2)
        seed = draw_command.fresh_seed() if options["seed"] is None else options["seed"]
        self.stdout.write(f"assignment plan for {program.slug} ({method}) [seed {seed}]")
        try:
            plan = services.plan_batch(program=program, method=method, seed=seed)
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        for line in plan_lines(plan):
            self.stdout.write(line)
        planned = [(r.mentorship.pk, r.mentor.pk) for r in plan if r.mentor is not None]
        if options["dry_run"]:
            self.stdout.write(
                f"dry run: {len(planned)} of {len(plan)} {_applicants(len(plan))} would be "
                f"assigned ({method}); nothing saved"
            )
            return
        done, failed = services.apply_batch(actor=None, program=program, pairs=planned)
        for ms_id, problem in failed:
            self.stderr.write(f"application {ms_id}: {problem}")
        self.stdout.write(
            f"assigned {len(done)} of {len(plan)} {_applicants(len(plan))} ({method})"
        )
