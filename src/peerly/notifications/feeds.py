"""Private calendar feeds: one secret address per member with all their meetings, kept current
(docs/notifications.md, "Calendar feeds").

The address carries a random token (32 bytes, URL-safe); only its SHA-256 is stored, so the
address is shown once, right after it is created or reset, and a lookup compares hashes. A
reset or turning the feed off makes the old address answer 404 at once. The events come from
every registered kind through `Hooks.calendar_events` (programs/kinds.py), only for programmes
where the member's enrolment is active or paused: after they leave, the feed is empty. Each
event has the UID and SEQUENCE of the invitation the member was e-mailed, so a subscribed
calendar and an e-mailed invitation are one event, and moves and cancellations show up on the
next refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Timezone

from peerly.core import audit
from peerly.core import timezones
from peerly.core.ics import CalendarEvent
from peerly.core.ics import build_calendar
from peerly.core.links import absolute_url
from peerly.notifications.models import CalendarFeed
from peerly.programs import kinds
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus

TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
PAST = dt.timedelta(days=90)  # the feed shows meetings from 90 days ago on
FETCH_MARK_EVERY = dt.timedelta(hours=1)  # last_fetched_at is written at most this often
REFRESH_INTERVAL = dt.timedelta(hours=1)  # what the feed asks clients for (RFC 7986)
LIVE = (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@dataclass(frozen=True)
class FeedAddress:
    """Where a member subscribes: the https address and its webcal:// form."""

    https: str
    webcal: str
    label: str = ""


def _address(url: str, label: str = "") -> FeedAddress:
    return FeedAddress(https=url, webcal=re.sub(r"^https?://", "webcal://", url), label=label)


def feed_address(token: str) -> FeedAddress:
    return _address(absolute_url("calendar:feed", token=token))


def circle_feed_address(token: str, *, circle_id: int, label: str) -> FeedAddress:
    return _address(absolute_url("calendar:circle-feed", token=token, circle_id=circle_id), label)


# --------------------------------------------------------------------------- write paths
@transaction.atomic
def get_or_create_feed(*, user: Any, now: dt.datetime | None = None) -> tuple[CalendarFeed, str]:
    """The member's feed and its token: a new feed gives its token; an existing one gives ""
    (only its hash is kept: reset the feed for a new address)."""
    existing = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if existing is not None:
        return existing, ""
    token = _new_token()
    try:
        with transaction.atomic():
            feed = CalendarFeed.objects.create(
                user=user, token_hash=token_hash(token), created_at=now or timezone.now()
            )
    except IntegrityError:  # created by a concurrent request: that one showed the address
        return CalendarFeed.objects.get(user=user), ""
    audit.record(actor=user, action="calendar_feed.create", obj=feed)
    return feed, token


@transaction.atomic
def reset_feed(*, user: Any, now: dt.datetime | None = None) -> tuple[CalendarFeed, str]:
    """A new token for the member's feed (created if they had none): the old address stops
    working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return get_or_create_feed(user=user, now=now)
    token = _new_token()
    feed.token_hash = token_hash(token)
    feed.reset_at = now or timezone.now()
    feed.last_fetched_at = None  # no app has read the new address yet
    audit.saved(
        feed,
        actor=user,
        action="calendar_feed.reset",
        update_fields=["token_hash", "reset_at", "last_fetched_at"],
    )
    return feed, token


@transaction.atomic
def delete_feed(*, user: Any) -> bool:
    """Turn the member's feed off (its address answers 404); False when there was none."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return False
    audit.record(actor=user, action="calendar_feed.delete", obj=feed)
    feed.delete()
    return True


def mark_fetched(*, feed: CalendarFeed, now: dt.datetime) -> None:
    """Note that a calendar client fetched the feed, at most once per FETCH_MARK_EVERY (one
    conditional UPDATE; not audited: it changes nothing the member decided)."""
    CalendarFeed.objects.filter(
        Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=now - FETCH_MARK_EVERY),
        pk=feed.pk,
    ).update(last_fetched_at=now)


# --------------------------------------------------------------------------- reads
def find_feed(token: str) -> CalendarFeed | None:
    """The feed `token` opens, or None: a token of the wrong shape, an unknown or reset one,
    or one whose account is no longer active. Compared by hash only."""
    if not isinstance(token, str) or TOKEN_SHAPE.fullmatch(token) is None:
        return None
    return (
        CalendarFeed.objects.select_related("user__profile")
        .filter(token_hash=token_hash(token), user__is_active=True)
        .first()
    )


def get_feed_for_user(*, user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def _live_program_ids(user: Any) -> list[int]:
    return list(
        Enrollment.objects.filter(user=user, status__in=LIVE).values_list("program_id", flat=True)
    )


def feed_events(*, user: Any, now: dt.datetime, scope: str = "") -> list[CalendarEvent] | None:
    """The member's events of every kind that end after `now - PAST`, in programmes where
    their enrolment is active or paused. With a `scope` (one group's reference, "circle-12"):
    that group's events, or None when no kind knows it as one of the member's."""
    program_ids = _live_program_ids(user)
    since = now - PAST
    events: list[CalendarEvent] = []
    found = not scope
    for kind in kinds.registry():
        hook = kind.hooks.calendar_events
        if hook is None:
            continue  # e.g. mentorship: no scheduled meetings yet
        got = hook(user=user, program_ids=program_ids, since=since, scope=scope)
        if got is not None:
            found = True
            events.extend(got)
    return events if found else None


def feed_calendar(*, user: Any, now: dt.datetime, scope: str = "") -> bytes | None:
    """The feed as a complete VCALENDAR (METHOD:PUBLISH, no attendees), or None for a scope
    that is not the member's. It names itself and asks clients to refresh hourly (RFC 7986
    NAME and REFRESH-INTERVAL, and their older X- forms); one without events carries the
    member's VTIMEZONE, since RFC 5545 wants at least one component."""
    events = feed_events(user=user, now=now, scope=scope)
    if events is None:
        return None
    cal = Calendar.from_ical(build_calendar(events, method="PUBLISH"))
    cal.calendar_name = events[0].summary if scope and events else _("Peerly meetings")
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    if not cal.subcomponents:
        cal.add_component(Timezone.from_tzinfo(timezones.user_zone(user)))
    return cal.to_ical()


def circle_feed_addresses(*, user: Any, token: str) -> list[FeedAddress]:
    """The addresses of the member's own circle feeds (the issue asks for one per circle),
    for circles in programmes where their enrolment is active or paused."""
    from peerly.circles.models import CircleMember

    memberships = (
        CircleMember.objects.filter(
            user=user,
            circle__program_id__in=Enrollment.objects.filter(user=user, status__in=LIVE).values(
                "program_id"
            ),
        )
        .select_related("circle__program")
        .order_by("circle__program__name", "circle__season_id", "circle__number")
    )
    return [
        circle_feed_address(
            token,
            circle_id=m.circle_id,
            label=f"{m.circle.program.name}: {m.circle.name}",
        )
        for m in memberships
    ]
