"""Three monthly rounds with controlled time: draws, emails and calendar files, meeting
confirmations, check-ins and the re-ask, and the kind pause after three silent rounds."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerly.core.models import AuditEvent
from peerly.notifications.models import OutboundEmail
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.rounds import reports
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from peerly.rounds.ticks import tick
from tests.rounds.conftest import ics_attachments

UTC = dt.UTC
SILENT = "Ed"  # never answers; nobody in Ed's groups answers either


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def group_of(round_: Round, user) -> RoundGroup:  # type: ignore[no-untyped-def]
    return RoundGroup.objects.get(round=round_, members__user=user)


def names(group: RoundGroup) -> set[str]:
    return {m.user.name for m in group.members.select_related("user")}


def emails_with(prefix: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(key__startswith=prefix).order_by("pk"))


def outbox_for(user, subject_part: str) -> list:  # type: ignore[no-untyped-def]
    return [m for m in mail.outbox if m.to == [user.email] and subject_part in m.subject]


def answer_round(coffee, round_: Round, run, when: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    """Somebody in every group without the silent member says they met."""
    silent = coffee.members[SILENT]
    for group in RoundGroup.objects.filter(round=round_).prefetch_related("members__user"):
        members = [m.user for m in group.members.all()]
        if silent in members:
            continue
        with time_machine.travel(when, tick=False):
            response = run(
                client_for(members[0]).post,
                reverse("rounds:checkin", args=[coffee.program.slug, group.pk]),
                {"answer": "all", "rating": "4", "knew_before": "no"},
            )
        assert response.status_code == 302


def assert_quiet_second_tick(run) -> None:  # type: ignore[no-untyped-def]
    before = (OutboundEmail.objects.count(), Round.objects.count(), len(mail.outbox))
    counts = run(tick)
    assert set(counts.values()) == {0}
    assert (OutboundEmail.objects.count(), Round.objects.count(), len(mail.outbox)) == before


@pytest.mark.django_db
def test_three_monthly_rounds(coffee, run):  # type: ignore[no-untyped-def]
    program = coffee.program
    members = coffee.members
    ada, ed = members["Ada"], members[SILENT]

    # ---------------------------------------------------------------- round 1 is drawn
    with time_machine.travel(at(2026, 2, 2, 8, 59), tick=False):
        assert run(tick)["rounds_published"] == 0  # not due before 09:00 UTC
    with time_machine.travel(at(2026, 2, 2, 9, 5), tick=False):
        assert run(tick)["rounds_published"] == 1
        assert_quiet_second_tick(run)
    round1 = Round.objects.get(program=program, number=1)
    assert round1.is_automatic
    assert (round1.meets_from, round1.meet_by) == (dt.date(2026, 2, 3), dt.date(2026, 2, 9))
    groups1 = list(RoundGroup.objects.filter(round=round1))
    assert sorted(len(g.members.all()) for g in groups1) == [2, 2, 3]  # odd count: one trio
    assert GroupMember.objects.filter(round=round1).count() == 7

    published = [m for m in mail.outbox if "round 1: meet" in m.subject]
    assert len(published) == 7
    for message in published:
        user = next(u for u in members.values() if u.email == message.to[0])
        zone = ZoneInfo(user.profile.timezone)
        group = group_of(round1, user)
        partners = names(group) - {user.name}
        assert all(p in message.subject for p in partners)
        html = message.alternatives[0][0]
        assert "Think" in message.body and "Share" in html
        assert user.profile.timezone in message.body  # times shown in the member's zone
        calendars = ics_attachments(message)
        assert len(calendars) == 3
        for cal in calendars:
            assert str(cal["METHOD"]) == "PUBLISH"
            (event,) = cal.walk("VEVENT")
            start = event.decoded("DTSTART")
            end = event.decoded("DTEND")
            assert round1.meets_from <= start.date() <= round1.meet_by
            assert end - start == dt.timedelta(minutes=30)
            for member in group.members.select_related("user__profile"):
                local = start.astimezone(ZoneInfo(member.user.profile.timezone))
                local_end = end.astimezone(ZoneInfo(member.user.profile.timezone))
                assert local.weekday() < 5
                assert dt.time(8) <= local.time() and local_end.time() <= dt.time(20)
        first_local = dt.datetime.fromisoformat(group.suggestions[0]).astimezone(zone)
        assert f"{first_local:%H:%M}" in message.body

    # ----------------------------------------- the pair agrees a time, moves it, cancels it
    pair = next(g for g in groups1 if g.members.count() == 2)
    a, b = (m.user for m in pair.members.select_related("user__profile").order_by("user_id"))
    url = reverse("rounds:group-detail", args=[program.slug, pair.pk])
    with time_machine.travel(at(2026, 2, 2, 12), tick=False):
        page = client_for(a).get(url)
        assert page.status_code == 200
        assert b.name in page.content.decode()
        response = run(
            client_for(a).post,
            reverse("rounds:group-propose", args=[program.slug, pair.pk]),
            {"suggestion": "1"},
        )
        assert response.status_code == 302
        assert len(outbox_for(b, "proposed a time")) == 1
        run(client_for(b).post, reverse("rounds:group-accept", args=[program.slug, pair.pk]))
    confirmed = [m for m in mail.outbox if m.subject.startswith("coffee on")]
    assert {m.to[0] for m in confirmed} == {a.email, b.email}
    (cal,) = ics_attachments(confirmed[0])
    assert str(cal["METHOD"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    uid = str(event["UID"])
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == dt.datetime.fromisoformat(pair.suggestions[0])
    assert {str(x).lower() for x in event.get("ATTENDEE")} == {
        f"mailto:{a.email}",
        f"mailto:{b.email}",
    }

    with time_machine.travel(at(2026, 2, 3, 12), tick=False):
        run(
            client_for(a).post,
            reverse("rounds:group-propose", args=[program.slug, pair.pk]),
            {"start": "2026-02-06T15:30"},
        )  # in a's own time zone
        run(client_for(b).post, reverse("rounds:group-accept", args=[program.slug, pair.pk]))
    moved = [m for m in mail.outbox if m.subject.startswith("Changed: coffee on")]
    assert len(moved) == 2
    (event,) = ics_attachments(moved[0])[0].walk("VEVENT")
    assert str(event["UID"]) == uid
    assert int(event["SEQUENCE"]) == 1
    expected = dt.datetime(2026, 2, 6, 15, 30, tzinfo=ZoneInfo(a.profile.timezone))
    assert event.decoded("DTSTART") == expected

    with time_machine.travel(at(2026, 2, 4, 12), tick=False):
        run(client_for(b).post, reverse("rounds:group-cancel", args=[program.slug, pair.pk]))
    cancelled = [m for m in mail.outbox if m.subject.startswith("Cancelled: coffee")]
    assert len(cancelled) == 2
    cal = ics_attachments(cancelled[0])[0]
    assert str(cal["METHOD"]) == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert (str(event["UID"]), int(event["SEQUENCE"]), str(event["STATUS"])) == (
        uid,
        2,
        "CANCELLED",
    )

    # ------------------------------------------------- reminder, check-in and the re-ask
    with time_machine.travel(at(2026, 2, 7, 9), tick=False):
        assert run(tick)["reminders"] == 7  # nobody has a confirmed time now
        assert_quiet_second_tick(run)
    with time_machine.travel(at(2026, 2, 9, 23), tick=False):
        assert run(tick)["checkins"] == 0  # the meet-by day is not over
    with time_machine.travel(at(2026, 2, 10, 9), tick=False):
        assert run(tick)["checkins"] == 7
        assert_quiet_second_tick(run)
    assert len([m for m in mail.outbox if m.subject.startswith("Did you meet?")]) == 7

    trio1 = next(g for g in groups1 if g.members.count() == 3)
    # one group without the silent member answers "not yet" (the others stay silent)
    answered = next(g for g in groups1 if not g.members.filter(user=ed).exists())
    asker = answered.members.order_by("user_id").first().user
    with time_machine.travel(at(2026, 2, 10, 10), tick=False):
        run(
            client_for(asker).post,
            reverse("rounds:checkin", args=[program.slug, answered.pk]),
            {"answer": "not_yet"},
        )
    with time_machine.travel(at(2026, 2, 12, 9, 59), tick=False):
        assert run(tick)["reasks"] == 0
    with time_machine.travel(at(2026, 2, 12, 10, 5), tick=False):
        assert run(tick)["reasks"] == 1
        assert_quiet_second_tick(run)
    assert len(outbox_for(asker, "Did you manage to meet?")) == 1
    with time_machine.travel(at(2026, 2, 13, 10), tick=False):
        run(
            client_for(asker).post,
            reverse("rounds:checkin", args=[program.slug, answered.pk]),
            {"answer": "all", "rating": "5", "knew_before": "no"},
        )

    figures = reports.program_figures(program)[0]
    assert (figures["groups"], figures["met"], figures["reported"], figures["unknown"]) == (
        3,
        1,
        1,
        2,
    )  # silent groups are unknown, not "no"
    assert figures["met_rate"] == 0.333
    assert figures["ratings"] == 1 and figures["mean_rating"] is None  # fewer than 5: not shown

    with time_machine.travel(at(2026, 2, 24, 9), tick=False):
        counts = run(tick)
        assert (counts["rounds_closed"], counts["members_paused"]) == (1, 0)
        assert_quiet_second_tick(run)

    # ---------------------------------------------------------------- rounds 2 and 3
    trios = [frozenset(names(trio1))]
    for number, (draw, checkin, close) in enumerate(
        [
            (at(2026, 3, 2, 9, 5), at(2026, 3, 10, 9), at(2026, 3, 24, 9)),
            (at(2026, 4, 6, 9, 5), at(2026, 4, 14, 9), at(2026, 4, 28, 9)),
        ],
        start=2,
    ):
        with time_machine.travel(draw, tick=False):
            assert run(tick)["rounds_published"] == 1
            assert_quiet_second_tick(run)
        round_ = Round.objects.get(program=program, number=number)
        metrics = round_.metrics
        assert metrics["repeat_pairs"] == 0  # a repeat-free round exists: no repeats
        trio = next(g for g in round_.groups.all() if g.members.count() == 3)
        trios.append(frozenset(names(trio)))
        answer_round(coffee, round_, run, checkin)
        with time_machine.travel(checkin, tick=False):
            assert run(tick)["checkins"] >= 0
        with time_machine.travel(close, tick=False):
            counts = run(tick)
            assert counts["rounds_closed"] == 1
            paused_now = counts["members_paused"]
    assert len(set(trios)) == 3  # who fills the trio rotates

    # -------------------------------------------- three silent rounds: Ed is paused, kindly
    assert paused_now == 1
    enrollment = Enrollment.objects.get(program=program, user=ed)
    assert enrollment.status == EnrollmentStatus.PAUSED
    assert AuditEvent.objects.filter(
        action="enrollment.pause", object_id=str(enrollment.pk)
    ).exists()
    others = Enrollment.objects.filter(program=program).exclude(user=ed)
    assert set(others.values_list("status", flat=True)) == {EnrollmentStatus.ACTIVE}
    (paused_mail,) = outbox_for(ed, "paused")
    assert "resume" in paused_mail.body.lower()
    resume_url = next(w for w in paused_mail.body.split() if "/resume/" in w)
    path = resume_url.replace("http://127.0.0.1:8000", "")

    with time_machine.travel(at(2026, 5, 4, 9, 5), tick=False):
        assert run(tick)["rounds_published"] == 1
    round4 = Round.objects.get(program=program, number=4)
    assert not GroupMember.objects.filter(round=round4, user=ed).exists()
    assert {"user_id": ed.pk, "reason": "paused"} in round4.metrics["not_drawn"]

    anonymous = Client()  # the link works without logging in: the signed token is the key
    with time_machine.travel(at(2026, 5, 5, 9), tick=False):
        assert "Resume my coffee rounds" in anonymous.get(path).content.decode()
        assert anonymous.post(path).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert ada.pk in GroupMember.objects.filter(round=round4).values_list("user_id", flat=True)
