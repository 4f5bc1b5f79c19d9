from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.base import CommandError
from django.core.management.base import CommandParser

from peerly.programs import demo


def logins() -> str:
    """The demo accounts, one line each (the README's demo table says the same)."""
    width = max(len(p.email) for p in demo.PERSONAS)
    lines = [f"    {p.email:<{width}}  {p.who}" for p in demo.PERSONAS]
    return (
        f"  Every demo account's password is {demo.DEMO_PASSWORD}:\n"
        + "\n".join(lines)
        + "\n    (and every other member, e.g. from a programme's member list)"
    )


class Command(BaseCommand):
    help = "Load the demo community (refuses when data exists unless --reset or --if-empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--members",
            type=int,
            default=200,
            help=f"how many members besides the personas ({demo.MIN_MEMBERS}–"
            f"{demo.MAX_MEMBERS}; the first {demo.CORE_MEMBERS} get history)",
        )
        parser.add_argument("--seed", type=int, default=0, help="random seed")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete ALL data in the database first, then load the demo",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (exit 0) when the database already has data",
        )
        parser.add_argument(
            "--logins", action="store_true", help="only print the demo accounts and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.stdout.write(logins())
            return
        if not demo.MIN_MEMBERS <= options["members"] <= demo.MAX_MEMBERS:
            raise CommandError(
                f"--members must be between {demo.MIN_MEMBERS} and {demo.MAX_MEMBERS}",
                returncode=2,
            )
        if demo.has_data():
            if options["if_empty"]:
                self.stdout.write("Demo data already present: nothing to do.")
                return
            if not options["reset"]:
                raise CommandError(
                    "the database already has data; use --reset to erase it and start over",
                    returncode=2,
                )
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()
        summary = demo.build_demo(members=options["members"], seed=options["seed"])
        self.stdout.write(
            f"Demo community loaded in {time.monotonic() - started:.1f} s: {summary.members} "
            f"people, programmes {', '.join(summary.programs)}.\n{logins()}"
        )
