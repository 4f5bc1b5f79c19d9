"""core/ics.py: UTC by default; with `tzid`, TZID on every time and a VTIMEZONE, so weekly
RRULEs expand at the same wall-clock time across daylight-saving changes."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from peerly.core.ics import CalendarEvent
from peerly.core.ics import build_calendar

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
START = dt.datetime(2027, 3, 16, 14, tzinfo=BERLIN)  # two weeks before the EU change


def event(**kw: object) -> CalendarEvent:
    return CalendarEvent(
        uid="x@peerly", summary="s", start=START, end=START + dt.timedelta(hours=1), **kw
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "dtstart", "has_vtimezone"),
    [
        ({}, "DTSTART:20270316T130000Z", False),
        ({"tzid": "UTC"}, "DTSTART:20270316T130000Z", False),
        ({"tzid": "Europe/Berlin"}, "DTSTART;TZID=Europe/Berlin:20270316T140000", True),
    ],
)
def test_times_are_utc_unless_the_event_names_its_zone(kw, dtstart, has_vtimezone):
    text = build_calendar([event(**kw)]).decode()
    assert dtstart in text
    assert ("BEGIN:VTIMEZONE" in text) == has_vtimezone


def test_rrule_exdate_and_recurrence_id_expand_in_the_zone():
    moved = START + dt.timedelta(weeks=2)
    ics = build_calendar(
        [
            event(
                tzid="Europe/Berlin",
                rrule={"FREQ": "WEEKLY", "COUNT": 4},
                exdates=(START + dt.timedelta(weeks=1),),
            ),
            CalendarEvent(
                uid="x@peerly",
                summary="s",
                start=moved + dt.timedelta(hours=2),
                end=moved + dt.timedelta(hours=3),
                recurrence_id=moved,
                tzid="Europe/Berlin",
            ),
        ]
    )
    cal = Calendar.from_ical(ics)
    starts = [
        e["DTSTART"].dt.astimezone(BERLIN).strftime("%d %b %H:%M")
        for e in recurring_ical_events.of(cal).between(dt.date(2027, 3, 1), dt.date(2027, 5, 1))
    ]
    # 30 March is after the change: still 14:00 in Berlin; 23 March is excluded.
    assert sorted(starts) == ["06 Apr 14:00", "16 Mar 14:00", "30 Mar 16:00"]


def test_naive_times_and_unknown_zones_are_refused():
    with pytest.raises(ValueError, match="aware"):
        build_calendar([event(tzid="Europe/Berlin", exdates=(dt.datetime(2027, 3, 23, 14),))])
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        build_calendar([event(tzid="Mars/Olympus")])
