"""Suggestion calendar files are valid RFC 5546 PUBLISH objects (issue 11): an ORGANIZER,
no ATTENDEE, STATUS:TENTATIVE, inside everyone's availability; downloads say method=."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerly.rounds import services
from peerly.rounds.models import RoundGroup
from tests.rounds.conftest import ics_attachments
from tests.rounds.conftest import parse_ics

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


@pytest.fixture
def published(coffee, run):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        round_, _ = run(
            services.publish_round, program=coffee.program, actor=coffee.organiser, now=NOW
        )
    return round_


def assert_valid_suggestion(cal, group: RoundGroup) -> None:  # type: ignore[no-untyped-def]
    assert str(cal["METHOD"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert event.get("ATTENDEE") is None  # RFC 5546 3.2.1: no attendees in PUBLISH
    assert str(event["ORGANIZER"]).startswith("mailto:")  # ... and an organiser
    assert str(event["STATUS"]) == "TENTATIVE"  # a suggestion, not a confirmed meeting
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.isoformat() in group.suggestions
    # a calendar client expanding the file sees exactly this one event
    (seen,) = recurring_ical_events.of(cal).between(start - dt.timedelta(days=1), end)
    assert seen.decoded("DTSTART") == start
    for member in group.members.select_related("user__profile"):
        zone = ZoneInfo(member.user.profile.timezone)
        local, local_end = start.astimezone(zone), end.astimezone(zone)
        assert local.weekday() < 5  # fixture members: Mon-Fri 08:00-20:00 local
        assert dt.time(8) <= local.time() and local_end.time() <= dt.time(20)


def test_emailed_suggestions_are_valid_publish_objects(coffee, published):  # type: ignore[no-untyped-def]
    messages = [m for m in mail.outbox if "round 1: meet" in m.subject]
    assert len(messages) == len(coffee.members)
    for message in messages:
        group = RoundGroup.objects.get(round=published, members__user__email=message.to[0])
        calendars = ics_attachments(message)
        assert len(calendars) == len(group.suggestions) > 0
        for cal in calendars:
            assert_valid_suggestion(cal, group)
        mimetypes = {m for name, _, m in message.attachments if name.endswith(".ics")}
        assert mimetypes == {"text/calendar; method=PUBLISH; charset=utf-8"}


def test_downloaded_suggestion_says_publish(coffee, published):  # type: ignore[no-untyped-def]
    group = RoundGroup.objects.filter(round=published).first()
    member = group.members.select_related("user").first().user
    client = Client()
    client.force_login(member)
    url = reverse("rounds:suggestion-ics", args=[coffee.program.slug, group.pk, 1])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert_valid_suggestion(parse_ics(response.content), group)


def test_downloaded_meeting_method_matches_its_body(coffee, published, run):  # type: ignore[no-untyped-def]
    group = RoundGroup.objects.filter(round=published).first()
    a, *others = [m.user for m in group.members.select_related("user").order_by("user_id")]
    start = dt.datetime.fromisoformat(group.suggestions[0])
    with time_machine.travel(NOW, tick=False):
        run(services.propose_time, user=a, group=group, start=start)
        for other in others:
            run(services.accept_time, user=other, group=group)
    client = Client()
    client.force_login(a)
    response = client.get(reverse("rounds:meeting-ics", args=[coffee.program.slug, group.pk]))
    assert response.status_code == 200
    cal = parse_ics(response.content)
    assert str(cal["METHOD"]) == "REQUEST"
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"  # the agreed meeting stays confirmed
