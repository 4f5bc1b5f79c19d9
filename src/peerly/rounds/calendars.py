"""Calendar files for coffee groups: suggested times (PUBLISH, TENTATIVE) and the agreed meeting
(REQUEST with a stable UID and increasing SEQUENCE; CANCEL when called off), and a member's
meetings for their calendar feed (`member_events`, notifications/feeds.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from peerly.core import timezones
from peerly.core.ics import Attendee
from peerly.core.ics import CalendarEvent
from peerly.core.ics import build_calendar
from peerly.core.ics import make_uid
from peerly.core.models import AuditEvent
from peerly.rounds.models import RoundGroup


def group_url(group: RoundGroup) -> str:
    return settings.SITE_URL + reverse(
        "rounds:group-detail", kwargs={"slug": group.round.program.slug, "group_id": group.pk}
    )


def _attendees(group: RoundGroup) -> list[Attendee]:
    return [Attendee(m.user.email, m.user.name) for m in group.members.all()]


def _summary(group: RoundGroup, suffix: str = "") -> str:
    names = " & ".join(m.user.name for m in group.members.all())
    return f"Coffee: {names}{suffix}"


def _description(group: RoundGroup) -> str:
    cs = getattr(group.round.program, "coffee_settings", None)
    prompts = "\n".join(f"• {p}" for p in (cs.prompt_list if cs else []))
    return (
        f"{group.round.program.name}, round {group.round.number}.\n{prompts}\n{group_url(group)}"
    ).strip()


def _minutes(group: RoundGroup) -> int:
    cs = getattr(group.round.program, "coffee_settings", None)
    return cs.meeting_minutes if cs else 30


def meeting_uid(group: RoundGroup) -> str:
    return make_uid("coffee-meeting", group.pk)


def _site_organiser() -> Attendee:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Attendee(address or "peerly@localhost", name or "Peerly")


def suggestion_ics(group: RoundGroup, index: int) -> str:
    """The n-th (1-based) suggested time as a tentative event. A valid RFC 5546 PUBLISH:
    an ORGANIZER (the site), no ATTENDEE (that would make it an invitation), TENTATIVE."""
    start = dt.datetime.fromisoformat(group.suggestions[index - 1])
    event = CalendarEvent(
        uid=make_uid("coffee-suggestion", group.pk, index),
        summary=_summary(group, " (suggested time)"),
        start=start,
        end=start + dt.timedelta(minutes=_minutes(group)),
        description=_description(group),
        url=group_url(group),
        organiser=_site_organiser(),
        status="TENTATIVE",
    )
    return build_calendar([event], method="PUBLISH").decode()


SUGGESTION_RENDERER = "rounds.suggestion_ics"  # outbox attachments made at send time


def suggestion_ics_of_group(*, group_id: int, index: int) -> str:
    """`suggestion_ics` by id: the renderer the outbox calls when it sends the email."""
    group = (
        RoundGroup.objects.select_related("round", "round__program__coffee_settings")
        .prefetch_related("members__user")
        .get(pk=group_id)
    )
    return suggestion_ics(group, index)


def _meeting_event(
    group: RoundGroup,
    start: dt.datetime,
    *,
    cancelled: bool,
    with_attendees: bool = True,
    tzid: str = "",
) -> CalendarEvent:
    return CalendarEvent(
        uid=meeting_uid(group),
        summary=_summary(group),
        start=start,
        end=start + dt.timedelta(minutes=_minutes(group)),
        description=_description(group),
        url=group_url(group),
        sequence=group.meeting_sequence,
        organiser=_site_organiser(),
        attendees=_attendees(group) if with_attendees else (),
        cancelled=cancelled,
        tzid=tzid,
    )


def meeting_ics(group: RoundGroup, *, cancelled_start: dt.datetime | None = None) -> str:
    """The agreed meeting as an invitation, or its cancellation when `cancelled_start`."""
    start = cancelled_start or group.confirmed_start
    if start is None:
        raise ValueError("no meeting to describe")
    event = _meeting_event(group, start, cancelled=cancelled_start is not None)
    return build_calendar([event], method="CANCEL" if cancelled_start else "REQUEST").decode()


# Cancelled meetings whose round's meeting window closed longer ago than this before `since`
# are not looked for (a subscribed calendar drops an event that is no longer in the feed).
CANCELLED_LOOKBACK = dt.timedelta(days=60)


def _last_confirmed_starts(groups: list[RoundGroup]) -> dict[int, dt.datetime]:
    """The last agreed start of each group, from its "round.meeting_confirm" audit rows (the
    group forgets it when the meeting is cancelled): one query."""
    if not groups:
        return {}
    rows = AuditEvent.objects.filter(
        object_type=RoundGroup._meta.label_lower,
        object_id__in=[str(g.pk) for g in groups],
        action="round.meeting_confirm",
    ).order_by("created_at", "id")
    starts: dict[int, dt.datetime] = {}
    for object_id, data in rows.values_list("object_id", "data"):
        try:
            starts[int(object_id)] = dt.datetime.fromisoformat(data["start"])
        except (KeyError, TypeError, ValueError):
            continue
    return {pk: start for pk, start in starts.items() if start.tzinfo is not None}


def member_events(
    *, user: Any, program_ids: Collection[int], since: dt.datetime, scope: str = ""
) -> list[CalendarEvent] | None:
    """The member's coffee meetings in those programmes for their calendar feed
    (programs/kinds.py `Hooks.calendar_events`): every agreed meeting that ends after `since`
    with its invitation's UID and SEQUENCE, and every cancelled one at its last agreed time as
    STATUS:CANCELLED (its SEQUENCE is higher than the invitation's), so subscribed calendars
    and e-mailed invitations stay one event. Times carry the member's zone (TZID). A coffee
    group has no feed of its own: any `scope` is None. A fixed number of queries."""
    if scope:
        return None
    lookback = since - CANCELLED_LOOKBACK
    groups = list(
        RoundGroup.objects.filter(
            Q(confirmed_start__gte=since - dt.timedelta(days=1))
            | Q(confirmed_start__isnull=True, round__meet_by__gte=lookback.date()),
            members__user=user,
            round__program_id__in=program_ids,
            has_invitation=True,
        )
        .select_related("round__program__coffee_settings")
        .prefetch_related("members__user")
        .order_by("pk")
    )
    cancelled = _last_confirmed_starts([g for g in groups if g.confirmed_start is None])
    tzid = timezones.user_zone_name(user)
    events = []
    for group in groups:
        start = group.confirmed_start or cancelled.get(group.pk)
        if start is None:
            continue
        event = _meeting_event(
            group,
            start,
            cancelled=group.confirmed_start is None,
            with_attendees=False,  # RFC 5546: no ATTENDEE in a PUBLISH
            tzid=tzid,
        )
        if event.end > since:
            events.append(event)
    return events
