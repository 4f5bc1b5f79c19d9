"""peerly draw --program SLUG [--dry-run] [--seed N] [--allow-overlap]

The draw of any programme kind (a coffee round, a circles season, a batch of mentor
assignments), through the kind's `draw` (programs/kinds.py). Without --seed a fresh random
seed is drawn and printed, so a run can be repeated. Exit codes as everywhere in `peerly`:
2 for a usage or input error (unknown programme, a draw that cannot be done; nothing is
changed), 1 when the database fails.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from peerly.core.errors import ServiceError
from peerly.programs import kinds
from peerly.programs.kinds import fresh_seed  # the aliases call draw.fresh_seed too
from peerly.programs.models import Program

# `fresh_seed` lives with the contract (kinds.py); it is named here too so every draw alias
# (`peerly rounds run`, `circles form`, `mentorship assign`) takes it from one place.


def add_draw_arguments(
    parser: ArgumentParser,
    *,
    overlap_help: str = "publish although an earlier draw still runs (where the kind allows it)",
) -> None:
    """The options of `peerly draw`, also those of its aliases (`peerly rounds run`)."""
    parser.add_argument("--program", required=True, help="programme slug")
    parser.add_argument("--dry-run", action="store_true", help="preview only; save nothing")
    parser.add_argument(
        "--seed", type=int, default=None, help="random seed (default: a fresh one, printed)"
    )
    parser.add_argument("--allow-overlap", action="store_true", help=overlap_help)


class Command(BaseCommand):
    help = "Preview (--dry-run) or publish the next draw of a programme of any kind."

    def add_arguments(self, parser: CommandParser) -> None:
        add_draw_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["program"]
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"unknown programme {slug!r}", returncode=2)
        kind = kinds.get(program.kind)
        if kind is None:
            raise CommandError(
                f"programme {slug!r} is of kind {program.kind!r}, which is not installed",
                returncode=2,
            )
        seed = fresh_seed() if options["seed"] is None else options["seed"]
        try:
            result = kind.draw(
                program,
                seed=seed,
                dry_run=options["dry_run"],
                actor=None,
                allow_overlap=options["allow_overlap"],
            )
        except NotImplementedError:
            raise CommandError(f"{kind.label} programmes have no draw", returncode=2) from None
        except ServiceError as exc:
            raise CommandError(exc.message, returncode=2) from None
        for warning in result.warnings:
            self.stdout.write(f"warning: {warning}")
        self.stdout.write(f"{result.summary} [seed {seed}]")
        for line in result.lines:
            self.stdout.write(f"  {line}")
