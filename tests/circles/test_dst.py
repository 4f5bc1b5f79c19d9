"""Circles across daylight-saving changes (issue 11).

Members in Europe/Berlin, America/New_York, Australia/Sydney, Asia/Kolkata and Asia/Kathmandu;
seasons spanning the US (14 Mar 2027), EU (28 Mar 2027) and Sydney (4 Apr and 3 Oct 2027)
changes. For every offered slot: each session lies inside every member's stated local hours,
keeps its wall-clock time in the circle's zone, and the .ics expands (recurring_ical_events)
to exactly the app's sessions.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
import recurring_ical_events
from django.db import transaction
from icalendar import Calendar

from peerly.circles import calendar
from peerly.circles import services
from peerly.circles.models import Circle
from peerly.circles.models import SessionStatus
from tests.circles.conftest import member_users

pytestmark = pytest.mark.django_db

MON, TUE, WED = 0, 1, 2
BEFORE = dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC)


def h(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Scenario:
    starts_on: dt.date  # a Monday
    weeks: int
    interval: int
    members: tuple[tuple[str, tuple[int, int, int]], ...]  # (zone, (weekday, start, end))


SCENARIOS = {
    # The example: Berlin 14-20, New York 08-14; US changes 14 Mar, EU 28 Mar.
    "berlin-new-york-spring": Scenario(
        dt.date(2027, 3, 1),
        12,
        1,
        (
            ("Europe/Berlin", (TUE, h("14:00"), h("20:00"))),
            ("Europe/Berlin", (TUE, h("14:00"), h("20:00"))),
            ("America/New_York", (TUE, h("08:00"), h("14:00"))),
        ),
    ),
    # Sydney leaves DST on 4 Apr, Berlin enters it on 28 Mar, Kolkata has none.
    "sydney-berlin-kolkata-autumn": Scenario(
        dt.date(2027, 3, 8),
        8,
        1,
        (
            ("Australia/Sydney", (WED, h("17:00"), h("22:00"))),
            ("Europe/Berlin", (WED, h("08:00"), h("13:00"))),
            ("Asia/Kolkata", (WED, h("12:30"), h("17:30"))),
        ),
    ),
    # Sydney enters DST on 3 Oct; Kathmandu is +05:45.
    "sydney-kolkata-kathmandu-spring": Scenario(
        dt.date(2027, 9, 13),
        8,
        2,
        (
            ("Australia/Sydney", (MON, h("15:00"), h("19:00"))),
            ("Asia/Kolkata", (MON, h("10:30"), h("14:30"))),
            ("Asia/Kathmandu", (MON, h("10:45"), h("14:45"))),
        ),
    ),
    # Half-hour and quarter-hour zones with both spring changes.
    "kathmandu-berlin-new-york": Scenario(
        dt.date(2027, 3, 1),
        10,
        1,
        (
            ("Asia/Kathmandu", (TUE, h("18:30"), h("23:30"))),
            ("Europe/Berlin", (TUE, h("14:00"), h("20:00"))),
            ("America/New_York", (TUE, h("08:00"), h("14:00"))),
        ),
    ),
    # Two members in Kathmandu: starts on their :00/:30 (Berlin then gets :15/:45).
    "kathmandu-majority": Scenario(
        dt.date(2027, 3, 15),
        6,
        1,
        (
            ("Asia/Kathmandu", (TUE, h("18:00"), h("23:00"))),
            ("Asia/Kathmandu", (TUE, h("18:00"), h("23:00"))),
            ("Europe/Berlin", (TUE, h("13:00"), h("19:00"))),
        ),
    ),
}


def inside(start: dt.datetime, minutes: int, zone: str, window: tuple[int, int, int]) -> bool:
    """Independent check: the session starts and ends inside the local window."""
    local = start.astimezone(zoneinfo.ZoneInfo(zone))
    end = (start + dt.timedelta(minutes=minutes)).astimezone(zoneinfo.ZoneInfo(zone))
    weekday, first, last = window
    return (
        local.weekday() == weekday
        and end.date() == local.date()
        and local.hour * 60 + local.minute >= first
        and end.hour * 60 + end.minute <= last
    )


@pytest.fixture
def scenario_circle(program, add_members, publish):  # type: ignore[no-untyped-def]
    def _make(scenario: Scenario) -> Circle:
        circle_settings = services.get_settings(program=program)
        circle_settings.season_weeks = scenario.weeks
        circle_settings.interval_weeks = scenario.interval
        circle_settings.save()
        for zone, window in scenario.members:
            add_members(1, windows=(window,), tz=zone)
        return publish(starts_on=scenario.starts_on).circles.get()

    return _make


def expand(ics: bytes, scenario: Scenario) -> list[dt.datetime]:
    cal = Calendar.from_ical(ics)
    end = scenario.starts_on + dt.timedelta(weeks=scenario.weeks + 1)
    events = recurring_ical_events.of(cal).between(scenario.starts_on, end)
    return sorted(e["DTSTART"].dt for e in events)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_offered_slot_fits_everyone_on_every_date(name, scenario_circle):
    scenario = SCENARIOS[name]
    circle = scenario_circle(scenario)
    options = list(circle.slot_options.all())
    assert options, "a common slot exists on every date of the season"
    users = member_users(circle)
    windows = {u.pk: (u.profile.timezone, u.profile.windows.get()) for u in users}
    zone = zoneinfo.ZoneInfo(circle.timezone)
    for option in options:
        with transaction.atomic():
            for user in users:
                services.vote_slots(user=user, circle=circle, option_ids=[option.pk], now=BEFORE)
            circle.refresh_from_db()
            sessions = list(circle.sessions.order_by("number"))
            expected = -(-scenario.weeks // scenario.interval)
            assert len(sessions) == expected
            for session in sessions:
                for tz, w in windows.values():
                    window = (w.weekday, w.start_minute, w.end_minute)
                    assert inside(session.starts_at, session.duration_minutes, tz, window), (
                        f"{option.first_start_at} session {session.number} outside {tz} hours"
                    )
            wall = {s.starts_at.astimezone(zone).strftime("%a %H:%M") for s in sessions}
            assert len(wall) == 1, wall  # the same local time in the circle's zone
            ics = calendar.series_calendar(circle, sessions, method="PUBLISH")
            assert expand(ics, scenario) == [s.starts_at for s in sessions]
            transaction.set_rollback(True)
        circle.refresh_from_db()


@pytest.mark.parametrize("name", SCENARIOS)
def test_offered_starts_are_on_the_quarter_hour_and_mostly_the_half_hour(name, scenario_circle):
    circle = scenario_circle(SCENARIOS[name])
    zones = [zoneinfo.ZoneInfo(u.profile.timezone) for u in member_users(circle)]
    for option in circle.slot_options.all():
        minutes = [option.first_start_at.astimezone(z).minute for z in zones]
        assert all(m % 15 == 0 for m in minutes), minutes
        assert sum(m % 30 == 0 for m in minutes) >= 2, minutes


def test_circle_zone_is_the_majority_zone_and_shown_with_your_time(scenario_circle, client):
    circle = scenario_circle(SCENARIOS["berlin-new-york-spring"])
    assert circle.timezone == "Europe/Berlin"
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    labels = sorted(
        o.first_start_at.astimezone(berlin).strftime("%H:%M") for o in circle.slot_options.all()
    )
    # 17:30 Berlin is 11:30 New York in winter but 12:30 from 14 to 27 March: still fits;
    # the old UTC arithmetic offered 18:00 Berlin, which ends after 20:00 once the EU changes.
    assert labels == ["14:00", "15:00", "16:00", "17:00"]
    users = member_users(circle)
    fourteen = next(
        o for o in circle.slot_options.all() if o.first_start_at.astimezone(berlin).hour == 14
    )
    for user in users:
        services.vote_slots(user=user, circle=circle, option_ids=[fourteen.pk], now=BEFORE)
    new_york = next(u for u in users if u.profile.timezone == "America/New_York")
    client.force_login(new_york)
    page = client.get(f"/programs/circles/circles/c/{circle.pk}/").content.decode()
    assert "Tuesdays 14:00 Europe/Berlin (your time: 08:00" in page
    sessions = list(circle.sessions.order_by("number"))
    ny = zoneinfo.ZoneInfo("America/New_York")
    local = [s.starts_at.astimezone(ny).strftime("%H:%M") for s in sessions]
    assert local[:4] == ["08:00", "08:00", "09:00", "09:00"]  # 2, 9, 16, 23 March
    assert set(local[4:]) == {"08:00"}


def test_cancelled_and_moved_sessions_expand_like_the_app(scenario_circle, client):
    scenario = SCENARIOS["sydney-berlin-kolkata-autumn"]
    circle = scenario_circle(scenario)
    users = member_users(circle)
    services.close_vote(actor=users[0], circle=circle, now=BEFORE)
    circle.refresh_from_db()
    third = circle.sessions.get(number=3)
    services.cancel_session(actor=users[0], session=third, reason="Holiday")
    fifth = circle.sessions.get(number=5)
    services.reschedule_session(
        actor=users[1],
        session=fifth,
        starts_at=fifth.starts_at + dt.timedelta(days=1, hours=1),
        now=BEFORE,
    )
    client.force_login(users[2])
    response = client.get(f"/programs/circles/circles/c/{circle.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    cal = Calendar.from_ical(response.content)
    assert cal["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == [circle.timezone]
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    assert master["DTSTART"].params["TZID"] == circle.timezone
    assert all("ATTENDEE" not in e for e in cal.walk("VEVENT"))  # RFC 5546: not in PUBLISH
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [third.original_starts_at]
    shown = [
        s.starts_at
        for s in circle.sessions.order_by("number")
        if s.status != SessionStatus.CANCELLED
    ]
    assert len(shown) == len(circle.sessions.all()) - 1
    assert expand(response.content, scenario) == sorted(shown)
