"""`peerly rounds run`, `peerly circles form` and `peerly mentorship assign` behave like
`peerly draw`: the same seed default (a fresh one, printed) and the same exit codes."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError
from django.core.management import call_command

from peerly.programs.models import ProgramKind
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

ALIASES = {
    ProgramKind.COFFEE: ["rounds", "run"],
    ProgramKind.CIRCLE: ["circles", "form"],
    ProgramKind.MENTORSHIP: ["mentorship", "assign"],
}


@pytest.mark.parametrize("kind", list(ALIASES))
def test_without_seed_a_fresh_one_is_printed(kind, monkeypatch):
    program = ProgramFactory(kind=kind, group_size=3 if kind == ProgramKind.CIRCLE else 2)
    for _ in range(6):
        EnrollmentFactory(program=program)
    seeds = iter([424242, 515151])
    monkeypatch.setattr("peerly.programs.management.commands.draw.fresh_seed", lambda: next(seeds))
    out = io.StringIO()
    call_command(*ALIASES[kind], "--program", program.slug, "--dry-run", stdout=out)
    assert re.search(r"seed 424242", out.getvalue()), out.getvalue()


@pytest.mark.parametrize("kind", list(ALIASES))
def test_unknown_programme_exits_2_like_draw(kind):
    for command in (ALIASES[kind], ["draw"]):
        with pytest.raises(CommandError) as caught:
            call_command(*command, "--program", "nope")
        assert caught.value.returncode == 2
