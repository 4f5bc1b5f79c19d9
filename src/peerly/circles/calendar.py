"""Calendar files for a circle's season (RFC 5545/5546), on top of peerly.core.ics.

One UID per circle. The series is a master VEVENT (DTSTART = first session as planned,
RRULE FREQ=WEEKLY;INTERVAL=n;COUNT=k, EXDATE for cancelled sessions) plus one override VEVENT
(RECURRENCE-ID = the planned time) for each session that was moved. Every change increases
SEQUENCE and re-sends this complete state with METHOD:REQUEST; cancelling one session sends
METHOD:CANCEL for that occurrence.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from peerly.circles.models import Circle, CircleSession, SessionStatus
from peerly.core.ics import Attendee, CalendarEvent, build_calendar, make_uid


def circle_uid(circle: Circle) -> str:
    return make_uid("circle", circle.pk)


def _organizer() -> Attendee:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Attendee(email=address or "peerly@localhost", name=name or "Peerly")


def _attendees(circle: Circle) -> list[Attendee]:
    return [Attendee(email=m.user.email, name=m.user.name) for m in circle.memberships.all()]


def _summary(circle: Circle) -> str:
    return f"{circle.program.name}: {circle.name} peer-coaching session"


def _url(circle: Circle) -> str:
    return settings.SITE_URL + reverse(
        "circles:circle", kwargs={"slug": circle.program.slug, "circle_id": circle.pk}
    )


def _description(circle: Circle) -> str:
    names = ", ".join(m.user.name for m in circle.memberships.all())
    return (
        f"Peer-coaching circle with {names}. Three blocks: each member is coachee once; "
        f"roles, agenda and notes: {_url(circle)}"
    )


def series_calendar(circle: Circle, sessions: list[CircleSession]) -> bytes:
    """The whole season as one recurring event (METHOD:REQUEST)."""
    ordered = sorted(sessions, key=lambda s: s.number)
    if not ordered:
        raise ValueError("a circle without sessions has no calendar")
    first = ordered[0]
    interval = circle.program.circle_settings.interval_weeks
    organizer, attendees = _organizer(), _attendees(circle)

    def event(
        start: dt.datetime, end: dt.datetime, rrule: dict[str, object] | None = None
    ) -> CalendarEvent:
        return CalendarEvent(
            uid=circle_uid(circle),
            summary=_summary(circle),
            start=start,
            end=end,
            description=_description(circle),
            sequence=circle.calendar_sequence,
            organizer=organizer,
            attendees=attendees,
            rrule=rrule,
            url=_url(circle),
        )

    events = [
        event(
            first.original_starts_at,
            first.original_starts_at + dt.timedelta(minutes=first.duration_minutes),
            {"FREQ": "WEEKLY", "INTERVAL": interval, "COUNT": len(ordered)},
        )
    ]
    moved = [s for s in ordered if s.is_rescheduled and s.status != SessionStatus.CANCELLED]
    events.extend(event(s.starts_at, s.ends_at) for s in moved)
    cal = Calendar.from_ical(build_calendar(events, method="REQUEST"))
    vevents = list(cal.walk("VEVENT"))
    cancelled = [
        s.original_starts_at.astimezone(dt.UTC)
        for s in ordered
        if s.status == SessionStatus.CANCELLED
    ]
    if cancelled:
        vevents[0].add("exdate", cancelled)
    for vevent, session in zip(vevents[1:], moved, strict=True):
        vevent.add("recurrence-id", session.original_starts_at.astimezone(dt.UTC))
    return cal.to_ical()


def cancel_occurrence_calendar(circle: Circle, session: CircleSession) -> bytes:
    """METHOD:CANCEL for one session of the series."""
    event = CalendarEvent(
        uid=circle_uid(circle),
        summary=_summary(circle),
        start=session.starts_at,
        end=session.ends_at,
        sequence=circle.calendar_sequence,
        organizer=_organizer(),
        attendees=_attendees(circle),
        cancelled=True,
        url=_url(circle),
    )
    cal = Calendar.from_ical(build_calendar([event], method="CANCEL"))
    vevent = next(iter(cal.walk("VEVENT")))
    vevent.add("recurrence-id", session.original_starts_at.astimezone(dt.UTC))
    return cal.to_ical()
