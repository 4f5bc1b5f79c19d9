"""Private calendar feeds (issue 16): one secret address per member with their coffee meetings
and circle sessions, kept current, valid RFC 5545 (parsed with icalendar, expanded with
recurring_ical_events), wall-clock times across daylight-saving changes, revocable, empty
after the member leaves, and a per-circle feed for the member's own circles only."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import recurring_ical_events
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from peerly.accounts.models import User
from peerly.circles import calendar as circle_calendar
from peerly.circles import services as circle_services
from peerly.circles.models import Circle
from peerly.circles.models import SessionStatus
from peerly.core.models import AuditEvent
from peerly.notifications import feeds
from peerly.notifications.models import CalendarFeed
from peerly.programs import services as program_services
from peerly.programs.models import Enrollment
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.rounds import calendars as coffee_calendars
from peerly.rounds import services as coffee_services
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.conftest import PERSONAS
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC)  # before the US (14 Mar) and EU (28 Mar) changes
SEASON_START = dt.date(2027, 3, 1)  # a Monday; six weekly sessions span both changes
TUESDAY_14_20 = (1, 14 * 60, 20 * 60)
URL = re.compile(r'value="(https?://[^"]+/calendar/[^"]+\.ics)"')


# ------------------------------------------------------------------------------ set-up
@dataclass
class World:
    run: Callable[..., Any]
    organiser: User

    def member(self, tz: str = "Europe/Berlin", name: str = "") -> User:
        user = UserFactory(**({"display_name": name} if name else {}))
        user.profile.timezone = tz
        user.profile.save()
        WindowFactory(
            profile=user.profile,
            weekday=TUESDAY_14_20[0],
            start_minute=TUESDAY_14_20[1],
            end_minute=TUESDAY_14_20[2],
        )
        return user

    def coffee_programme(self, *members: User) -> Program:
        program = ProgramFactory(organisers=[self.organiser])
        for user in members:
            EnrollmentFactory(program=program, user=user)
        return program

    def coffee_meeting(self, program: Program, users: list[User], start: dt.datetime) -> RoundGroup:
        """A group of `users` who agreed on `start` (through the services: invitations sent)."""
        number = Round.objects.filter(program=program).count() + 1
        round_ = Round.objects.create(
            program=program,
            number=number,
            published_at=NOW,
            meets_from=NOW.date(),
            meet_by=NOW.date() + dt.timedelta(days=60),
        )
        group = RoundGroup.objects.create(round=round_, number=1)
        for user in users:
            GroupMember.objects.create(group=group, round=round_, user=user)
        self.agree(group, users, start)
        return group

    def agree(self, group: RoundGroup, users: list[User], start: dt.datetime) -> None:
        self.run(coffee_services.propose_time, user=users[0], group=group, start=start, now=NOW)
        for user in users[1:]:
            self.run(coffee_services.accept_time, user=user, group=group, now=NOW)
        group.refresh_from_db()

    def circle(self, users: list[User], *, weeks: int = 6) -> Circle:
        """A circle programme with exactly `users` (one triad), its slot decided."""
        program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3, organisers=[self.organiser])
        circle_settings = circle_services.get_settings(program=program)
        circle_settings.season_weeks = weeks
        circle_settings.interval_weeks = 1
        circle_settings.save()
        for user in users:
            EnrollmentFactory(program=program, user=user)
        season, _ = self.run(
            circle_services.publish_season,
            actor=self.organiser,
            program=program,
            number=circle_services.next_season_number(program=program),
            seed=1,
            starts_on=SEASON_START,
        )
        circle = season.circles.get()
        self.run(circle_services.close_vote, actor=users[0], circle=circle, now=NOW)
        circle.refresh_from_db()
        return circle


@pytest.fixture
def world(db, django_capture_on_commit_callbacks) -> World:  # type: ignore[no-untyped-def]
    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return World(run=run, organiser=UserFactory(display_name="Olive Organiser"))


def address_of(user: User) -> str:
    """A new feed address for `user` (the path; only the token's hash is stored)."""
    _, token = feeds.reset_feed(user=user)
    return f"/calendar/{token}.ics"


def fetch(url: str, *, at: dt.datetime = NOW, client: Client | None = None) -> Any:
    with time_machine.travel(at, tick=False):
        return (client or Client()).get(url)


def parse(response: Any) -> Calendar:
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.content)


def expand(cal: Calendar, start: dt.datetime, end: dt.datetime) -> list[Any]:
    return sorted(
        recurring_ical_events.of(cal).between(start, end), key=lambda e: e.decoded("DTSTART")
    )


def uids(cal: Calendar) -> set[str]:
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


def attachment_uids(user: User) -> set[str]:
    found = set()
    for message in mail.outbox:
        if user.email not in message.to:
            continue
        for name, content, _ in message.attachments:
            if name.endswith(".ics"):
                found |= {str(e["UID"]) for e in Calendar.from_ical(content).walk("VEVENT")}
    return found


def session_starts(circle: Circle) -> list[dt.datetime]:
    return [
        s.starts_at
        for s in circle.sessions.order_by("starts_at")
        if s.status != SessionStatus.CANCELLED
    ]


# ------------------------------------------------------------------------------ content
def test_feed_is_valid_and_holds_coffee_meetings_and_circle_sessions_with_tzids(world):  # type: ignore[no-untyped-def]
    ann, bob = world.member("Europe/Berlin", "Ann"), world.member("America/New_York", "Bob")
    coffee = world.coffee_programme(ann, bob)
    start = dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC)
    group = world.coffee_meeting(coffee, [ann, bob], start)
    circle = world.circle([ann, world.member(), world.member()])

    response = fetch(address_of(ann))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    cal = parse(response)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["REFRESH-INTERVAL"].to_ical().decode()) == "PT1H"
    events = cal.walk("VEVENT")
    assert all("ATTENDEE" not in e for e in events)  # RFC 5546: none in a PUBLISH
    assert all(str(e["ORGANIZER"]).startswith("mailto:") for e in events)
    # every time carries a zone that has a VTIMEZONE: Ann's for coffee, the circle's for it
    zones = {tz["TZID"] for tz in cal.walk("VTIMEZONE")}
    assert {e["DTSTART"].params["TZID"] for e in events} == {"Europe/Berlin", circle.timezone}
    assert {"Europe/Berlin", circle.timezone} <= zones

    seen = expand(cal, NOW, NOW + dt.timedelta(days=90))
    coffee_seen = [e for e in seen if str(e["UID"]) == coffee_calendars.meeting_uid(group)]
    assert [e.decoded("DTSTART") for e in coffee_seen] == [start]
    circle_seen = [e for e in seen if str(e["UID"]) == circle_calendar.circle_uid(circle)]
    assert [e.decoded("DTSTART") for e in circle_seen] == session_starts(circle)
    assert len(circle_seen) == 6
    # the same UIDs as the invitations Ann was e-mailed: one event each in her calendar
    assert (
        uids(cal)
        == attachment_uids(ann) & uids(cal)
        == {
            coffee_calendars.meeting_uid(group),
            circle_calendar.circle_uid(circle),
        }
    )


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_a_session_moved_across_a_dst_change_keeps_its_wall_clock_time(world, zone):  # type: ignore[no-untyped-def]
    users = [world.member(zone), world.member(zone), world.member(zone)]
    circle = world.circle(users)
    assert circle.timezone == zone
    tz = zoneinfo.ZoneInfo(zone)
    sessions = list(circle.sessions.order_by("number"))
    wall = sessions[0].starts_at.astimezone(tz).time()
    change = dt.date(2027, 3, 14) if zone == "America/New_York" else dt.date(2027, 3, 28)
    # the last session before the change moves to the Monday after it, same local time
    before = max((s for s in sessions if s.starts_at.date() < change), key=lambda s: s.number)
    monday = change + dt.timedelta(days=1)
    target = dt.datetime.combine(monday, wall, tzinfo=tz)
    assert target.utcoffset() != before.starts_at.astimezone(tz).utcoffset()  # across the change
    world.run(
        circle_services.reschedule_session,
        actor=users[1],
        session=before,
        starts_at=target.astimezone(dt.UTC),
        now=NOW,
    )

    cal = parse(fetch(address_of(users[0])))
    override = next(e for e in cal.walk("VEVENT") if "RECURRENCE-ID" in e)
    assert override["DTSTART"].params["TZID"] == zone
    assert override.decoded("DTSTART").replace(tzinfo=None) == dt.datetime.combine(monday, wall)
    seen = expand(cal, NOW, NOW + dt.timedelta(days=90))
    assert [e.decoded("DTSTART") for e in seen] == session_starts(circle)
    assert {e.decoded("DTSTART").astimezone(tz).time() for e in seen} == {wall}
    assert monday in {e.decoded("DTSTART").astimezone(tz).date() for e in seen}
    # the instants differ by the change: an hour's offset, never a shifted wall clock
    offsets = {e.decoded("DTSTART").astimezone(tz).utcoffset() for e in seen}
    assert len(offsets) == 2


def test_a_moved_and_a_cancelled_coffee_meeting_show_on_the_next_refresh(world):  # type: ignore[no-untyped-def]
    ann, bob = world.member(), world.member()
    coffee = world.coffee_programme(ann, bob)
    first = dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC)
    group = world.coffee_meeting(coffee, [ann, bob], first)
    url = address_of(ann)

    (event,) = parse(fetch(url)).walk("VEVENT")
    assert str(event["STATUS"]) == "CONFIRMED"
    confirmed_sequence = int(event["SEQUENCE"])

    moved = first + dt.timedelta(days=1, hours=2)
    world.agree(group, [bob, ann], moved)
    (event,) = parse(fetch(url)).walk("VEVENT")
    assert event.decoded("DTSTART") == moved
    moved_sequence = int(event["SEQUENCE"])
    assert moved_sequence > confirmed_sequence

    world.run(coffee_services.cancel_meeting, user=bob, group=group)
    cal = parse(fetch(url))
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == coffee_calendars.meeting_uid(group)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) > moved_sequence
    assert event.decoded("DTSTART") == moved  # the meeting that was called off
    # the e-mailed cancellation and the feed agree (RFC 5546: same UID and SEQUENCE)
    cancel = [m for m in mail.outbox if ann.email in m.to and m.attachments][-1]
    (mailed,) = Calendar.from_ical(cancel.attachments[-1][1]).walk("VEVENT")
    assert (str(mailed["UID"]), int(mailed["SEQUENCE"])) == (
        str(event["UID"]),
        int(event["SEQUENCE"]),
    )


def test_a_cancelled_circle_session_leaves_the_expanded_series(world):  # type: ignore[no-untyped-def]
    users = [world.member(), world.member(), world.member()]
    circle = world.circle(users)
    third = circle.sessions.get(number=3)
    world.run(circle_services.cancel_session, actor=users[0], session=third, reason="Holiday")
    cal = parse(fetch(address_of(users[2])))
    seen = expand(cal, NOW, NOW + dt.timedelta(days=90))
    assert third.starts_at not in [e.decoded("DTSTART") for e in seen]
    assert [e.decoded("DTSTART") for e in seen] == session_starts(circle)
    assert len(seen) == 5
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    circle.refresh_from_db()
    assert int(master["SEQUENCE"]) == circle.calendar_sequence > 0


def test_only_the_last_90_days_and_the_future(world):  # type: ignore[no-untyped-def]
    ann, bob = world.member(), world.member()
    coffee = world.coffee_programme(ann, bob)
    start = dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC)
    world.coffee_meeting(coffee, [ann, bob], start)
    url = address_of(ann)
    assert len(parse(fetch(url, at=start + dt.timedelta(days=89))).walk("VEVENT")) == 1
    assert parse(fetch(url, at=start + dt.timedelta(days=91))).walk("VEVENT") == []


# ------------------------------------------------------------------------------ membership
def test_after_leaving_a_programme_the_feed_has_nothing_from_it(world):  # type: ignore[no-untyped-def]
    ann, bob = world.member(), world.member()
    coffee = world.coffee_programme(ann, bob)
    group = world.coffee_meeting(coffee, [ann, bob], dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC))
    circle = world.circle([ann, world.member(), world.member()])
    url = address_of(ann)
    both = {coffee_calendars.meeting_uid(group), circle_calendar.circle_uid(circle)}
    assert uids(parse(fetch(url))) == both

    paused = Enrollment.objects.get(program=coffee, user=ann)
    program_services.pause_enrollment(user=ann, enrollment=paused, until=None)
    assert uids(parse(fetch(url))) == both  # a pause keeps the meetings already agreed

    program_services.leave_program(
        user=ann, enrollment=Enrollment.objects.get(program=coffee, user=ann)
    )
    assert uids(parse(fetch(url))) == {circle_calendar.circle_uid(circle)}
    leaving = Enrollment.objects.get(program=circle.program, user=ann)
    program_services.leave_program(user=ann, enrollment=leaving)
    cal = parse(fetch(url))
    assert cal.walk("VEVENT") == []
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]  # still valid
    assert uids(parse(fetch(address_of(bob)))) == {coffee_calendars.meeting_uid(group)}


def test_the_circle_feed_is_for_the_members_own_circles_only(world):  # type: ignore[no-untyped-def]
    ann, bob = world.member(), world.member()
    coffee = world.coffee_programme(ann, bob)
    world.coffee_meeting(coffee, [ann, bob], dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC))
    mine = world.circle([ann, world.member(), world.member()])
    theirs = world.circle([bob, world.member(), world.member()])
    token = feeds.reset_feed(user=ann)[1]

    cal = parse(fetch(f"/calendar/{token}/circle/{mine.pk}.ics"))
    assert uids(cal) == {circle_calendar.circle_uid(mine)}  # no coffee in a circle's feed
    assert "Circle" in str(cal["X-WR-CALNAME"])
    seen = expand(cal, NOW, NOW + dt.timedelta(days=90))
    assert [e.decoded("DTSTART") for e in seen] == session_starts(mine)
    for circle_id in (theirs.pk, 0, 10**20):
        assert fetch(f"/calendar/{token}/circle/{circle_id}.ics").status_code == 404
    program_services.leave_program(
        user=ann, enrollment=Enrollment.objects.get(program=mine.program, user=ann)
    )
    assert fetch(f"/calendar/{token}/circle/{mine.pk}.ics").status_code == 404


# ------------------------------------------------------------------------------ the token
def test_tokens_are_stored_and_compared_as_hashes(world):  # type: ignore[no-untyped-def]
    ann, bob = world.member(), world.member()
    coffee = world.coffee_programme(ann, bob)
    world.coffee_meeting(coffee, [ann, bob], dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC))
    carl = world.member()
    other = world.coffee_programme(bob, carl)
    bobs = world.coffee_meeting(other, [bob, carl], dt.datetime(2027, 3, 5, 9, tzinfo=dt.UTC))
    ann_feed, ann_token = feeds.get_or_create_feed(user=ann)
    _, bob_token = feeds.get_or_create_feed(user=bob)
    assert ann_feed.token_hash == hashlib.sha256(ann_token.encode()).hexdigest()
    assert not CalendarFeed.objects.filter(token_hash__in=[ann_token, bob_token]).exists()
    assert len(ann_token) == 43  # 32 random bytes
    # each token opens its own member's feed only
    assert coffee_calendars.meeting_uid(bobs) not in uids(
        parse(fetch(f"/calendar/{ann_token}.ics"))
    )
    assert coffee_calendars.meeting_uid(bobs) in uids(parse(fetch(f"/calendar/{bob_token}.ics")))
    wrong = [
        ann_feed.token_hash,  # the stored hash is no key
        ann_token[:-1] + ("A" if ann_token[-1] != "A" else "B"),
        ann_token.upper() if ann_token.upper() != ann_token else ann_token.lower(),
        "not-a-real-token",
        "x" * 5000,
    ]
    for token in wrong:
        assert fetch(f"/calendar/{token}.ics").status_code == 404
    # a deleted (deactivated) account's address stops working
    ann.is_active = False
    ann.save(update_fields=["is_active"])
    assert fetch(f"/calendar/{ann_token}.ics").status_code == 404


def test_reset_and_turning_off_make_the_old_address_404_at_once(world):  # type: ignore[no-untyped-def]
    ann = world.member()
    client = Client()
    client.force_login(ann)
    page = client.get("/calendar/")
    assert page.status_code == 200
    assert "Create my calendar address" in page.content.decode()
    created = client.post("/calendar/create/")
    assert created.status_code == 200
    https = URL.findall(created.content.decode())[0]
    assert f'value="webcal://{https.split("://", 1)[1]}"' in created.content.decode()
    old = https.split("/calendar/", 1)[1]
    assert fetch(f"/calendar/{old}").status_code == 200
    # shown once: the page afterwards does not repeat it
    assert old.removesuffix(".ics") not in client.get("/calendar/").content.decode()
    again = client.post("/calendar/create/", follow=True)
    assert old.removesuffix(".ics") not in again.content.decode()
    assert CalendarFeed.objects.filter(user=ann).count() == 1

    reset = client.post("/calendar/reset/")
    new = URL.findall(reset.content.decode())[0].split("/calendar/", 1)[1]
    assert new != old
    assert fetch(f"/calendar/{old}").status_code == 404
    assert fetch(f"/calendar/{new}").status_code == 200

    assert client.post("/calendar/delete/").status_code == 302
    assert fetch(f"/calendar/{new}").status_code == 404
    assert not CalendarFeed.objects.filter(user=ann).exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="calendar_feed.", actor=ann)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["calendar_feed.create", "calendar_feed.reset", "calendar_feed.delete"]
    assert all(old.removesuffix(".ics") not in str(e.data) for e in AuditEvent.objects.all())


def test_the_feed_needs_no_login_or_session_and_answers_head(world):  # type: ignore[no-untyped-def]
    ann = world.member()
    url = address_of(ann)
    client = Client()
    response = fetch(url, client=client)
    assert response.status_code == 200
    assert not response.cookies  # no session was started
    head = client.head(url)
    assert head.status_code == 200
    assert head["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.post(url).status_code == 405


def test_fetches_are_noted_at_most_hourly(world):  # type: ignore[no-untyped-def]
    ann = world.member()
    url = address_of(ann)
    fetch(url, at=NOW)
    assert CalendarFeed.objects.get(user=ann).last_fetched_at == NOW
    fetch(url, at=NOW + dt.timedelta(minutes=30))
    assert CalendarFeed.objects.get(user=ann).last_fetched_at == NOW
    later = NOW + dt.timedelta(minutes=61)
    fetch(url, at=later)
    assert CalendarFeed.objects.get(user=ann).last_fetched_at == later
    address_of(ann)  # a reset: no app has read the new address yet
    assert CalendarFeed.objects.get(user=ann).last_fetched_at is None


# ------------------------------------------------------------------------------ queries
def _feed_queries(url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert fetch(url).status_code == 200
    return len(ctx.captured_queries)


def test_feed_query_count_does_not_grow_with_meetings_or_programmes(world):  # type: ignore[no-untyped-def]
    small, partner = world.member(), world.member()
    coffee = world.coffee_programme(small, partner)
    world.coffee_meeting(coffee, [small, partner], dt.datetime(2027, 3, 2, 15, tzinfo=dt.UTC))
    called_off = world.coffee_meeting(
        coffee, [small, partner], dt.datetime(2027, 3, 3, 15, tzinfo=dt.UTC)
    )
    world.run(coffee_services.cancel_meeting, user=partner, group=called_off)
    world.circle([small, world.member(), world.member()])

    big = world.member()
    for n in range(3):
        people = [big, world.member(), world.member()]
        program = world.coffee_programme(*people)
        for k in range(3):
            group = world.coffee_meeting(
                program, people, dt.datetime(2027, 3, 2 + n * 3 + k, 15, tzinfo=dt.UTC)
            )
            if k == 0:
                world.run(coffee_services.cancel_meeting, user=people[1], group=group)
        world.circle([big, world.member(), world.member()])
    small_url, big_url = address_of(small), address_of(big)
    assert len(parse(fetch(big_url)).walk("VEVENT")) == 9 + 3
    _feed_queries(small_url)  # warm caches (content types, sites)
    assert _feed_queries(big_url) <= _feed_queries(small_url)


# ------------------------------------------------------------------------------ personas
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_calendar_page_per_persona(personas, persona):  # type: ignore[no-untyped-def]
    client = personas.client(persona)
    page = client.get("/calendar/")
    created = client.post("/calendar/create/")
    if persona == "anonymous":
        assert page.status_code == 302
        assert page["Location"].startswith("/accounts/login/")
        assert created.status_code == 302
        assert created["Location"].startswith("/accounts/login/")
        assert not CalendarFeed.objects.exists()
        return
    assert page.status_code == 200
    assert created.status_code == 200
    user = personas.get(persona)
    # everybody manages their own feed only: one row, theirs
    assert list(CalendarFeed.objects.values_list("user_id", flat=True)) == [user.pk]
    assert client.get("/calendar/create/").status_code == 405
    url = URL.findall(created.content.decode())[0].split("://", 1)[1].split("/", 1)[1]
    assert Client().get(f"/{url}").status_code == 200


def test_the_page_is_linked_from_the_profile_and_lists_the_members_circles(world):  # type: ignore[no-untyped-def]
    ann = world.member()
    circle = world.circle([ann, world.member(), world.member()])
    client = Client()
    client.force_login(ann)
    assert 'href="/calendar/"' in client.get("/accounts/profile/").content.decode()
    page = client.post("/calendar/create/").content.decode()
    urls = URL.findall(page)
    assert len(urls) == 2
    assert urls[1].endswith(f"/circle/{circle.pk}.ics")
    assert f"{circle.program.name}: {circle.name}" in page
    assert 'for="webcal-1"' in page and 'id="webcal-1"' in page  # labelled fields
