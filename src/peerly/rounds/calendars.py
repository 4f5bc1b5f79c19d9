"""Calendar files for coffee groups: suggested times (PUBLISH, TENTATIVE) and the agreed meeting
(REQUEST with a stable UID and increasing SEQUENCE; CANCEL when called off)."""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse

from peerly.core.ics import Attendee
from peerly.core.ics import CalendarEvent
from peerly.core.ics import build_calendar
from peerly.core.ics import make_uid
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


def meeting_ics(group: RoundGroup, *, cancelled_start: dt.datetime | None = None) -> str:
    """The agreed meeting as an invitation, or its cancellation when `cancelled_start`."""
    start = cancelled_start or group.confirmed_start
    if start is None:
        raise ValueError("no meeting to describe")
    event = CalendarEvent(
        uid=meeting_uid(group),
        summary=_summary(group),
        start=start,
        end=start + dt.timedelta(minutes=_minutes(group)),
        description=_description(group),
        url=group_url(group),
        sequence=group.meeting_sequence,
        organiser=_site_organiser(),
        attendees=_attendees(group),
        cancelled=cancelled_start is not None,
    )
    return build_calendar([event], method="CANCEL" if cancelled_start else "REQUEST").decode()
