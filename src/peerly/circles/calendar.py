"""Calendar files for a circle's season (RFC 5545/5546), on top of peerly.core.ics.

One UID per circle. The series is a master VEVENT (DTSTART = first session as planned, in
the circle's zone with TZID and a VTIMEZONE; RRULE FREQ=WEEKLY;INTERVAL=n;COUNT=k; EXDATE for
cancelled sessions) plus one override VEVENT (RECURRENCE-ID = the occurrence it replaces) for
each session that was moved. Clients expand the RRULE at the same wall-clock time in that
zone, which is how the app schedules the sessions, across daylight-saving changes.

E-mailed invitations and updates are METHOD:REQUEST (every change increases SEQUENCE and
re-sends this complete state). The download is METHOD:PUBLISH: importing it shows the current
series without acting as a new invitation. Cancelling one session e-mails only METHOD:CANCEL
for that occurrence (RECURRENCE-ID, STATUS:CANCELLED), the form RFC 5546 §3.2.5 defines and
clients apply to the one instance; later updates and the download carry its EXDATE.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.urls import reverse

from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.core import timezones
from peerly.core.ics import Attendee
from peerly.core.ics import CalendarEvent
from peerly.core.ics import build_calendar
from peerly.core.ics import make_uid


def circle_uid(circle: Circle) -> str:
    return make_uid("circle", circle.pk)


def _organiser() -> Attendee:
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


def occurrences(circle: Circle, sessions: list[CircleSession]) -> list[dt.datetime]:
    """What the series' RRULE expands to (UTC), one per session in number order: the first
    planned start, then every `interval` weeks at the same wall-clock time in the circle's
    zone."""
    ordered = sorted(sessions, key=lambda s: s.number)
    zone = timezones.zone(circle.timezone)
    interval = circle.program.circle_settings.interval_weeks
    first = ordered[0].original_starts_at.astimezone(zone)
    wall = first.replace(tzinfo=None)
    return [
        (wall + dt.timedelta(weeks=interval * i)).replace(tzinfo=zone).astimezone(dt.UTC)
        for i in range(len(ordered))
    ]


def _event(
    circle: Circle,
    start: dt.datetime,
    end: dt.datetime,
    *,
    rrule: dict[str, object] | None = None,
    exdates: tuple[dt.datetime, ...] = (),
    recurrence_id: dt.datetime | None = None,
    cancelled: bool = False,
    with_attendees: bool = True,
) -> CalendarEvent:
    return CalendarEvent(
        uid=circle_uid(circle),
        summary=_summary(circle),
        start=start,
        end=end,
        description=_description(circle),
        sequence=circle.calendar_sequence,
        organiser=_organiser(),
        attendees=_attendees(circle) if with_attendees else (),
        url=_url(circle),
        tzid=timezones.zone(circle.timezone).key,
        rrule=rrule,
        exdates=exdates,
        recurrence_id=recurrence_id,
        cancelled=cancelled,
    )


def series_calendar(
    circle: Circle, sessions: list[CircleSession], *, method: str = "REQUEST"
) -> bytes:
    """The whole season as one recurring event: METHOD:REQUEST for e-mailed invitations and
    updates, METHOD:PUBLISH for the download (without ATTENDEEs, which RFC 5546 forbids in
    PUBLISH: some clients would otherwise treat the import as an invitation)."""
    events = series_events(circle, sessions, with_attendees=method != "PUBLISH")
    return build_calendar(events, method=method)


def series_events(
    circle: Circle, sessions: list[CircleSession], *, with_attendees: bool
) -> list[CalendarEvent]:
    """The season's VEVENTs: the master (RRULE, EXDATE for cancelled sessions), then one
    override (RECURRENCE-ID) per moved session."""
    ordered = sorted(sessions, key=lambda s: s.number)
    if not ordered:
        raise ValueError("a circle without sessions has no calendar")
    planned = occurrences(circle, ordered)
    interval = circle.program.circle_settings.interval_weeks
    length = dt.timedelta(minutes=ordered[0].duration_minutes)
    events = [
        _event(
            circle,
            planned[0],
            planned[0] + length,
            rrule={"FREQ": "WEEKLY", "INTERVAL": interval, "COUNT": len(ordered)},
            exdates=tuple(
                when
                for when, s in zip(planned, ordered, strict=True)
                if s.status == SessionStatus.CANCELLED
            ),
            with_attendees=with_attendees,
        )
    ]
    events.extend(
        _event(circle, s.starts_at, s.ends_at, recurrence_id=when, with_attendees=with_attendees)
        for when, s in zip(planned, ordered, strict=True)
        if s.status != SessionStatus.CANCELLED
        and (s.starts_at != when or s.duration_minutes != ordered[0].duration_minutes)
    )
    return events


SCOPE = re.compile(r"circle-(\d{1,18})")  # a circle's own feed: calendar/<token>/circle/<id>.ics


def scope_for(circle: Circle) -> str:
    return f"circle-{circle.pk}"


def member_events(
    *, user: Any, program_ids: Collection[int], since: dt.datetime, scope: str = ""
) -> list[CalendarEvent] | None:
    """The member's circle seasons in those programmes for their calendar feed
    (programs/kinds.py `Hooks.calendar_events`): the same series as the download (one UID per
    circle, its SEQUENCE, TZID of the circle's zone, EXDATE for cancelled sessions, an override
    per moved session) for every circle with a session ending after `since`. `scope`
    "circle-<id>" narrows it to that circle, None when the member is not in it (or it is not
    in those programmes). A fixed number of queries."""
    circles = Circle.objects.filter(memberships__user=user, program_id__in=program_ids)
    if scope:
        match = SCOPE.fullmatch(scope)
        if match is None:
            return None
        circles = circles.filter(pk=int(match[1]))
    found = list(
        circles.select_related("program__circle_settings")
        .prefetch_related("memberships__user", "sessions")
        .order_by("pk")
    )
    if scope and not found:
        return None
    events: list[CalendarEvent] = []
    for circle in found:
        sessions = list(circle.sessions.all())
        if sessions and max(s.ends_at for s in sessions) > since:
            events.extend(series_events(circle, sessions, with_attendees=False))
    return events


def cancel_occurrence_calendar(circle: Circle, session: CircleSession) -> bytes:
    """METHOD:CANCEL for one session of the series."""
    sessions = list(circle.sessions.all())
    planned = dict(
        zip(
            [s.pk for s in sorted(sessions, key=lambda s: s.number)],
            occurrences(circle, sessions),
            strict=True,
        )
    )
    event = _event(
        circle,
        session.starts_at,
        session.ends_at,
        cancelled=True,
        recurrence_id=planned.get(session.pk, session.original_starts_at),
    )
    return build_calendar([event], method="CANCEL")
