"""The `peerly` command: Django's management commands plus Peerly's own.

peerly migrate | runserver | createsuperuser | …   (Django)
peerly demo [--members N] [--seed S] [--reset]
peerly import members FILE.csv [--program SLUG] [--dry-run]
peerly export members --program SLUG [--format csv|json]
peerly match groups|mentors …                     (engine, no database needed)
peerly rounds … | peerly circles … | peerly mentorship …
"""

from __future__ import annotations

import os
import sys

ALIASES = {("import", "members"): "import_members", ("export", "members"): "export_members"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "match":
        from peerly.matching.cli import main as match_main

        return match_main(args[1:])
    if len(args) >= 2 and (args[0], args[1]) in ALIASES:
        args = [ALIASES[(args[0], args[1])], *args[2:]]
    elif args and args[0] in ("import", "export"):
        sys.stderr.write(
            f"peerly {args[0]}: say what to {args[0]}, e.g. 'peerly {args[0]} members …'\n"
        )
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerly.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["peerly", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
