"""iCalendar rendering shared by coffee rounds, circles and mentorship.

Invitations follow RFC 5546: a stable UID per meeting, SEQUENCE increased on every change,
METHOD:REQUEST for invitations and updates, METHOD:CANCEL with STATUS:CANCELLED to cancel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

PRODID = "-//Peerly//Peerly coaching and mentoring//EN"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    description: str = ""
    location: str = ""
    sequence: int = 0
    organizer: Attendee | None = None
    attendees: Sequence[Attendee] = field(default_factory=tuple)
    rrule: dict[str, object] | None = None  # e.g. {"FREQ": "WEEKLY", "INTERVAL": 2, "COUNT": 6}
    cancelled: bool = False
    url: str = ""


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(dt.UTC)


def build_calendar(events: Iterable[CalendarEvent], *, method: str = "PUBLISH") -> bytes:
    """Return a complete VCALENDAR for `events` as bytes (CRLF line endings)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(item.start))
        event.add("dtend", _utc(item.end))
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        if item.rrule:
            event.add("rrule", vRecur(item.rrule))
        if item.organizer:
            organizer = vCalAddress(f"mailto:{item.organizer.email}")
            if item.organizer.name:
                organizer.params["cn"] = vText(item.organizer.name)
            event["organizer"] = organizer
        for person in item.attendees:
            attendee = vCalAddress(f"mailto:{person.email}")
            if person.name:
                attendee.params["cn"] = vText(person.name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            event.add("attendee", attendee, encode=False)
        cal.add_component(event)
    return cal.to_ical()


def make_uid(kind: str, *parts: object) -> str:
    """A stable UID for an object: the same meeting always gets the same UID."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "peerly"
    return "-".join([kind, *(str(p) for p in parts)]) + f"@{host}"
