"""iCalendar rendering shared by coffee rounds, circles and mentorship.

Invitations follow RFC 5546: a stable UID per meeting, SEQUENCE increased on every change,
METHOD:REQUEST for invitations and updates, METHOD:CANCEL with STATUS:CANCELLED to cancel.

Times are written in UTC unless an event names its IANA zone (`tzid`): then DTSTART, DTEND,
EXDATE and RECURRENCE-ID carry `TZID=<zone>` and the calendar gets a VTIMEZONE for it, so a
client expands a weekly RRULE at the same wall-clock time across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field

from django.conf import settings
from icalendar import Calendar
from icalendar import Event
from icalendar import vCalAddress
from icalendar import vRecur
from icalendar import vText

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
    organiser: Attendee | None = None
    attendees: Sequence[Attendee] = field(default_factory=tuple)
    rrule: dict[str, object] | None = None  # e.g. {"FREQ": "WEEKLY", "INTERVAL": 2, "COUNT": 6}
    cancelled: bool = False
    status: str | None = None  # e.g. "TENTATIVE"; default CONFIRMED; cancelled wins
    url: str = ""
    tzid: str = ""  # IANA zone for DTSTART/DTEND/EXDATE/RECURRENCE-ID; "" = UTC
    exdates: Sequence[dt.datetime] = field(default_factory=tuple)  # aware; excluded occurrences
    recurrence_id: dt.datetime | None = None  # aware; this VEVENT overrides that occurrence


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(dt.UTC)


def _in_zone(value: dt.datetime, tzid: str) -> dt.datetime:
    """`value` in the event's zone (TZID) or in UTC."""
    if not tzid:
        return _utc(value)
    if value.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(zoneinfo.ZoneInfo(tzid))


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
        if item.tzid and item.tzid != "UTC":
            zoneinfo.ZoneInfo(item.tzid)  # an unknown zone fails here, not in a client
        tzid = "" if item.tzid == "UTC" else item.tzid
        event.add("dtstart", _in_zone(item.start, tzid))
        event.add("dtend", _in_zone(item.end, tzid))
        if item.recurrence_id is not None:
            event.add("recurrence-id", _in_zone(item.recurrence_id, tzid))
        event.add("summary", item.summary)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else (item.status or "CONFIRMED"))
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        if item.rrule:
            event.add("rrule", vRecur(item.rrule))
        if item.exdates:
            event.add("exdate", [_in_zone(x, tzid) for x in sorted(item.exdates)])
        if item.organiser:
            organiser = vCalAddress(f"mailto:{item.organiser.email}")
            if item.organiser.name:
                organiser.params["cn"] = vText(item.organiser.name)
            event["organizer"] = organiser
        for person in item.attendees:
            attendee = vCalAddress(f"mailto:{person.email}")
            if person.name:
                attendee.params["cn"] = vText(person.name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            attendee.params["partstat"] = vText("NEEDS-ACTION")
            event.add("attendee", attendee, encode=False)
        cal.add_component(event)
    cal.add_missing_timezones()  # a VTIMEZONE for every TZID used (none for UTC-only files)
    return cal.to_ical()


def make_uid(kind: str, *parts: object) -> str:
    """A stable UID for an object: the same meeting always gets the same UID."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "peerly"
    return "-".join([kind, *(str(p) for p in parts)]) + f"@{host}"
