"""At most one open round per programme unless the organiser deliberately overlaps (issue 10).

A round is open while it is published and its meeting window (meets_from..meet_by) is not
over; a new round whose meeting window would overlap it is refused unless asked for.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from peerly.rounds import services
from peerly.rounds.models import Round
from peerly.rounds.ticks import tick

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)  # round 1 then meets 3-9 February


def publish(coffee, run, now: dt.datetime, **kwargs):  # type: ignore[no-untyped-def]
    with time_machine.travel(now, tick=False):
        return run(
            services.publish_round,
            program=coffee.program,
            actor=coffee.organiser,
            now=now,
            **kwargs,
        )


@pytest.mark.parametrize(
    ("later", "refused"),
    [
        (dt.timedelta(seconds=0.36), True),  # the issue: two runs 0.36 s apart
        (dt.timedelta(days=3), True),  # round 1 still in its meeting window
        (dt.timedelta(days=6), True),  # drawn 8 Feb: would meet from 9 Feb, round 1's last day
        (dt.timedelta(days=7), False),  # drawn 9 Feb: meets from 10 Feb, after round 1
        (dt.timedelta(days=30), False),
    ],
)
def test_second_open_round_is_refused(coffee, run, later, refused):  # type: ignore[no-untyped-def]
    publish(coffee, run, NOW)
    sent = len(mail.outbox)
    if refused:
        with pytest.raises(ServiceError, match=r"Round 1 is still open \(members meet until"):
            publish(coffee, run, NOW + later)
        assert Round.objects.count() == 1
        assert len(mail.outbox) == sent  # nobody gets a second "you're matched" email
    else:
        second, created = publish(coffee, run, NOW + later)
        assert (second.number, created) == (2, True)


def test_overlap_only_when_asked_for_and_audited(coffee, run):  # type: ignore[no-untyped-def]
    publish(coffee, run, NOW)
    second, created = publish(coffee, run, NOW + dt.timedelta(days=1), allow_overlap=True)
    assert (second.number, created) == (2, True)
    event = AuditEvent.objects.get(action="round.publish", data__number=2)
    assert event.data["overlaps"] == [1]


def test_closed_rounds_do_not_block(coffee, run):  # type: ignore[no-untyped-def]
    first, _ = publish(coffee, run, NOW)
    Round.objects.filter(pk=first.pk).update(status="closed")
    second, created = publish(coffee, run, NOW + dt.timedelta(days=1))
    assert (second.number, created) == (2, True)


def test_preview_lists_the_open_rounds(coffee, run):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        assert services.preview_round(program=coffee.program, now=NOW).overlapping == []
    publish(coffee, run, NOW)
    later = NOW + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        preview = services.preview_round(program=coffee.program, now=later)
    assert [r.number for r in preview.overlapping] == [1]


def test_tick_skips_a_slot_while_a_manual_round_is_open(coffee, run):  # type: ignore[no-untyped-def]
    # the organiser published by hand the day before the monthly slot (Mon 2 Feb 09:00)
    publish(coffee, run, NOW - dt.timedelta(days=1))
    sent = len(mail.outbox)
    with time_machine.travel(NOW, tick=False):
        counts = run(tick, now=NOW)
    assert counts["rounds_published"] == 0
    assert Round.objects.count() == 1 and len(mail.outbox) == sent


# ------------------------------------------------------------------------------ the CLI
def rounds_cli(*args: str) -> str:
    out = io.StringIO()
    call_command("rounds", *args, stdout=out)
    return out.getvalue()


def test_cli_refuses_then_allows_overlap(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        assert "round 1 published" in rounds_cli("run", "--program", "coffee")
        with pytest.raises(CommandError, match="Round 1 is still open.*--allow-overlap"):
            rounds_cli("run", "--program", "coffee")
        assert Round.objects.count() == 1
        out = rounds_cli("run", "--program", "coffee", "--allow-overlap")
    assert "warning: round 2 overlaps open round 1" in out
    assert "round 2 published" in out
    assert OutboundEmail.objects.filter(key__startswith="round-published:").count() == 14


def test_cli_dry_run_warns(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        rounds_cli("run", "--program", "coffee")
        out = rounds_cli("run", "--program", "coffee", "--dry-run")
    assert "warning: round 2 overlaps open round 1" in out


# ------------------------------------------------------------------------------ the web
def test_web_warns_and_needs_the_explicit_choice(coffee, run):  # type: ignore[no-untyped-def]
    publish(coffee, run, NOW)
    client = Client()
    client.force_login(coffee.organiser)
    slug = coffee.program.slug
    later = NOW + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        page = client.get(reverse("rounds:preview", args=[slug])).content.decode()
        assert "Round 1 is still open" in page
        assert 'name="allow_overlap"' in page

        response = run(
            client.post, reverse("rounds:publish", args=[slug]), {"number": 2, "seed": 2}
        )
        assert response.status_code == 302 and response.url.endswith("/preview/")
        assert Round.objects.count() == 1
        followed = client.get(response.url).content.decode()
        assert "Round 1 is still open" in followed

        response = run(
            client.post,
            reverse("rounds:publish", args=[slug]),
            {"number": 2, "seed": 2, "allow_overlap": "on"},
        )
    assert response.status_code == 302
    assert Round.objects.filter(number=2).exists()


def test_preview_without_open_round_has_no_checkbox(coffee):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(coffee.organiser)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("rounds:preview", args=[coffee.program.slug])).content.decode()
    assert "still open" not in page and 'name="allow_overlap"' not in page
