"""`peerly rounds run|list|tick`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management import load_command_class

from peerly.notifications.models import OutboundEmail
from peerly.rounds.models import Round

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


def peerly_rounds(*args: str) -> str:
    out = io.StringIO()
    call_command("rounds", *args, stdout=out)
    return out.getvalue()


def test_dry_run_saves_nothing(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        out = peerly_rounds("run", "--program", "coffee", "--dry-run", "--seed", "4")
    assert "round 1 (dry run, seed 4): 3 groups, 7 matched, 0 unmatched" in out
    assert not Round.objects.exists() and not OutboundEmail.objects.exists()


def test_run_then_list_then_run_again(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        assert "round 1 published: 3 groups, 0 unmatched" in peerly_rounds(
            "run", "--program", "coffee", "--seed", "3"
        )
        listing = peerly_rounds("list", "--program", "coffee")
        assert "round   1  2026-02-02  published" in listing
        # a round that has just opened is in progress, not "0 % met" (issue 20)
        assert "groups=3 matched=7 unmatched=0" in listing and "met=in-progress" in listing
        # a second run while round 1 is open needs the explicit flag (tests/rounds/test_overlap.py)
        assert "round 2 published" in peerly_rounds("run", "--program", "coffee", "--allow-overlap")
    assert Round.objects.get(number=1).seed == 3
    assert OutboundEmail.objects.filter(key__startswith="round-published:").count() == 14


def test_tick_is_idempotent(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        assert "rounds_published=1" in peerly_rounds("tick")
        assert "rounds_published=0 reminders=0 checkins=0 reasks=0" in peerly_rounds("tick")
    assert Round.objects.count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--program", "nope"],
        ["list", "--program", "nope"],
        ["run", "--program", "nope", "--dry-run"],
    ],
)
def test_unknown_programme_exits_2_with_one_line(db, capsys, args):  # type: ignore[no-untyped-def]
    command = load_command_class("peerly.rounds", "rounds")
    with pytest.raises(SystemExit) as exc:
        command.run_from_argv(["peerly", "rounds", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["CommandError: unknown programme 'nope'"]


def test_non_coffee_programme_is_refused(personas, capsys):  # type: ignore[no-untyped-def]
    personas.other_program.kind = "circle"
    personas.other_program.save()
    command = load_command_class("peerly.rounds", "rounds")
    with pytest.raises(SystemExit) as exc:
        command.run_from_argv(
            ["peerly", "rounds", "list", "--program", personas.other_program.slug]
        )
    assert exc.value.code == 2
    assert "not a coffee programme" in capsys.readouterr().err
