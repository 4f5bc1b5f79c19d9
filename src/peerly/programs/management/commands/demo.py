from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerly.programs import demo


class Command(BaseCommand):
    help = "Load the demo community (refuses when data exists unless --reset or --if-empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=200, help="how many members")
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

    def handle(self, *args: Any, **options: Any) -> None:
        if not 10 <= options["members"] <= 5000:
            raise CommandError("--members must be between 10 and 5000", returncode=2)
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
        summary = demo.build_demo(members=options["members"], seed=options["seed"])
        self.stdout.write(
            f"Demo community loaded: {summary.members} people, programmes "
            f"{', '.join(summary.programs)}.\n"
            f"  organiser: {demo.ORGANISER_EMAIL} / {demo.DEMO_PASSWORD}\n"
            f"  member:    {demo.MEMBER_EMAIL} / {demo.DEMO_PASSWORD}\n"
            f"  site admin: {demo.ADMIN_EMAIL} / {demo.DEMO_PASSWORD}"
        )
