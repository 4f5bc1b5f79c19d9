"""The demo hook builds past rounds with answers (and sends no email)."""

from __future__ import annotations

import datetime as dt
import random

from peerly.notifications.models import OutboundEmail
from peerly.programs.models import Enrollment
from peerly.rounds import reports
from peerly.rounds.demo import populate
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.ticks import tick
from tests.rounds.conftest import make_member


def test_populate_gives_reports_real_history(coffee):  # type: ignore[no-untyped-def]
    for i in range(20):
        make_member(coffee.program, f"Demo{i}", team=f"T{i % 4}", tz="Europe/Paris")
    now = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
    enrollments = list(
        Enrollment.objects.filter(program=coffee.program).select_related("user", "user__profile")
    )
    populate(program=coffee.program, enrollments=enrollments, rng=random.Random(1), now=now)
    rows = reports.program_figures(coffee.program)
    assert [r["number"] for r in rows] == [1, 2, 3, 4]
    assert all(r["groups"] >= 10 for r in rows)
    assert all(r["reported"] > 0 for r in rows[:-1])
    # Issue 20: the current round was drawn two days ago and its meet-by week includes today;
    # nobody has been asked how it went yet.
    current = Round.objects.get(program=coffee.program, number=4)
    assert current.status == "published"
    assert current.meets_from <= now.date() <= current.meet_by
    assert not GroupMember.objects.filter(round=current).exclude(answer="").exists()
    assert sum(r["repeat_pairs"] for r in rows) <= sum(r["unavoidable_repeat_pairs"] for r in rows)
    assert GroupMember.objects.exclude(rating=None).exists()
    assert Round.objects.filter(status="closed").count() == 3
    assert not OutboundEmail.objects.exists()
    assert reports.chart_svg(rows).startswith("<svg")
    counts = tick(now=now)  # history is complete: the first tick sends nothing
    assert counts["checkins"] == counts["reminders"] == counts["reasks"] == 0
    assert not OutboundEmail.objects.exists()


def test_populate_goes_through_the_services(coffee):  # type: ignore[no-untyped-def]
    """Issue 12: demo rounds are made by the services, so they leave the same audit trail."""
    from peerly.core.models import AuditEvent

    for i in range(8):
        make_member(coffee.program, f"Demo{i}", team=f"T{i % 4}", tz="Europe/Paris")
    now = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)
    enrollments = list(Enrollment.objects.filter(program=coffee.program).select_related("user"))
    populate(program=coffee.program, enrollments=enrollments, rng=random.Random(2), now=now)
    actions = AuditEvent.objects.filter(program_id=coffee.program.pk).values_list(
        "action", flat=True
    )
    assert list(actions).count("round.publish") == 4
    assert list(actions).count("round.close") == 3
    assert list(actions).count("round.checkin") == GroupMember.objects.exclude(answer="").count()
    assert not OutboundEmail.objects.exists()
