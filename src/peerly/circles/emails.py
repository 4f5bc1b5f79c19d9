"""The emails circles send (one function per event; every key is unique to its event).

Services call these after their state change, inside their transaction: `queue_email` sends
on commit, once per key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse

from peerly.accounts.models import User
from peerly.circles import calendar
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.circles.models import SessionStatus
from peerly.core.timezones import user_zone
from peerly.notifications.muting import unless_muted
from peerly.notifications.services import programme_email
from peerly.notifications.services import queue_email
from peerly.notifications.services import queue_emails

ICS_REQUEST = "text/calendar; charset=utf-8; method=REQUEST"
ICS_CANCEL = "text/calendar; charset=utf-8; method=CANCEL"


def local_when(moment: dt.datetime, user: User) -> str:
    """`moment` in `user`'s own time zone, e.g. "Monday 3 March 2025, 18:00 (Europe/Berlin)"."""
    where = user_zone(user)
    local = moment.astimezone(where)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M} ({where.key})"


def _url(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(f"circles:{name}", kwargs=kwargs)


def circle_url(circle: Circle) -> str:
    return _url("circle", slug=circle.program.slug, circle_id=circle.pk)


def _to_each_member(
    circle: Circle,
    members: Iterable[CircleMember],
    *,
    key: str,
    template: str,
    context: Mapping[str, Any],
    per_member: Callable[[User], Mapping[str, Any]],
    attachments: Sequence[Mapping[str, str]] = (),
) -> None:
    """One email per member, keyed `<key>:<user id>`; the context always has the circle, its
    programme and (unless `context` overrides it) the circle's URL."""
    base = {"circle": circle, "program": circle.program, "url": circle_url(circle), **context}
    for member in members:
        queue_email(
            key=f"{key}:{member.user_id}",
            to=member.user,
            template=template,
            context={**base, **per_member(member.user)},
            attachments=attachments,
        )


@unless_muted
def season_published(season: Season) -> None:
    """Every placed member hears about their circle; everyone left out hears why."""
    program = season.program
    members = CircleMember.objects.filter(season=season).select_related(
        "user", "circle", "circle__program"
    )
    urls: dict[int, str] = {}
    placed = (
        programme_email(
            f"circles-formed:{season.pk}:{member.user_id}",
            member.user,
            "circles_formed",
            program=program,
            url=urls.setdefault(member.circle_id, circle_url(member.circle)),
            circle=member.circle,
            season=season,
        )
        for member in members.order_by("circle_id", "position").iterator(chunk_size=1000)
    )
    queue_emails(placed)  # in bulk: templates loaded once, batches of 500
    users = User.objects.in_bulk([u["user_id"] for u in season.unmatched])
    program_url = _url("program", slug=program.slug)
    queue_emails(
        programme_email(
            f"circles-unmatched:{season.pk}:{users[item['user_id']].pk}",
            users[item["user_id"]],
            "circles_unmatched",
            program=program,
            url=program_url,
            season=season,
            message=item["message"],
        )
        for item in season.unmatched
        if item["user_id"] in users
    )


@unless_muted
def series_sent(circle: Circle, *, reason: str, now: dt.datetime) -> None:
    """The circle's whole series (REQUEST, SEQUENCE = calendar_sequence) to every member:
    `reason` is "invitation" (slot decided) or "update" (sessions moved)."""
    circle = (
        Circle.objects.select_related("program", "program__circle_settings")
        .prefetch_related("memberships__user__profile")
        .get(pk=circle.pk)
    )
    sessions = list(circle.sessions.all())
    ics = calendar.series_calendar(circle, sessions).decode()
    upcoming = [s for s in sessions if s.status == SessionStatus.SCHEDULED and s.starts_at > now]
    _to_each_member(
        circle,
        circle.memberships.all(),
        key=f"circles-calendar:{circle.pk}:{circle.calendar_sequence}",
        template="circles_calendar",
        context={"reason": reason, "count": len(upcoming)},
        per_member=lambda user: {
            "first_when": local_when(upcoming[0].starts_at, user) if upcoming else ""
        },
        attachments=[{"filename": "circle.ics", "content": ics, "mimetype": ICS_REQUEST}],
    )


@unless_muted
def session_cancelled(circle: Circle, session: CircleSession, *, actor: User) -> None:
    """Every member gets the cancelled occurrence (CANCEL with its RECURRENCE-ID)."""
    circle = (
        Circle.objects.select_related("program")
        .prefetch_related("memberships__user__profile")
        .get(pk=circle.pk)
    )
    ics = calendar.cancel_occurrence_calendar(circle, session).decode()
    _to_each_member(
        circle,
        circle.memberships.all(),
        key=f"circles-cancel:{session.pk}",
        template="circles_cancelled",
        context={"session": session, "actor": actor},
        per_member=lambda user: {"when": local_when(session.starts_at, user)},
        attachments=[{"filename": "circle-cancel.ics", "content": ics, "mimetype": ICS_CANCEL}],
    )


@unless_muted
def session_reminder(session: CircleSession) -> None:
    """A reminder to each member before `session` (once per member and start time)."""
    circle = session.circle
    _to_each_member(
        circle,
        circle.memberships.select_related("user", "user__profile"),
        key=f"circles-reminder:{session.pk}:{session.starts_at:%Y%m%d%H%M}",
        template="circles_reminder",
        context={
            "session": session,
            "url": _url("session", slug=circle.program.slug, session_id=session.pk),
        },
        per_member=lambda user: {"when": local_when(session.starts_at, user)},
    )
