"""The emails coffee rounds send (one per event: every key is unique to its event). The only
module of the app that sends mail.

`notifications.muting.muted()` silences them for a block: the demo replays past rounds through
the services without mailing anybody about the past."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from peerly.accounts.models import User
from peerly.core.timezones import user_zone_name
from peerly.core.timezones import when_label
from peerly.notifications.muting import unless_muted
from peerly.notifications.services import EmailToQueue
from peerly.notifications.services import queue_email
from peerly.notifications.services import queue_emails
from peerly.programs.models import Enrollment
from peerly.rounds import calendars
from peerly.rounds import selectors
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from peerly.rounds.models import UnmatchedMember
from peerly.rounds.selectors import match_view
from peerly.rounds.selectors import member_reason

ICS_REQUEST = "text/calendar; method=REQUEST; charset=utf-8"
ICS_CANCEL = "text/calendar; method=CANCEL; charset=utf-8"
ICS_PUBLISH = "text/calendar; method=PUBLISH; charset=utf-8"


def _url(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(f"rounds:{name}", kwargs=kwargs)


def _groups(**filters: object) -> list[RoundGroup]:
    return list(
        RoundGroup.objects.filter(**filters)
        .select_related("round", "round__program", "round__program__coffee_settings")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=GroupMember.objects.select_related("user", "user__profile")
                .prefetch_related("user__profile__windows")
                .order_by("user_id"),
            )
        )
        .order_by("number")
    )


def _reload(group: RoundGroup) -> RoundGroup:
    return _groups(pk=group.pk)[0]


def _meeting_key(group: RoundGroup, member: GroupMember) -> str:
    """The outbox key of a member's email about one version (sequence) of the meeting."""
    return f"round-meeting:{group.pk}:seq:{group.meeting_sequence}:user:{member.user_id}"


def _published_emails(round_: Round) -> Iterator[EmailToQueue]:
    """Every member's email about a new round: their group's, or why they have none."""
    program = round_.program
    groups = selectors.list_groups_for_organiser(round_=round_).select_related(
        "round", "round__program", "round__program__coffee_settings"
    )
    for group in groups.iterator(chunk_size=1000):
        attachments = [  # made when each email is sent: not 15,000 calendars while queueing
            {
                "filename": f"coffee-suggestion-{i}.ics",
                "render": calendars.SUGGESTION_RENDERER,
                "args": {"group_id": group.pk, "index": i},
                "mimetype": ICS_PUBLISH,
            }
            for i in range(1, len(group.suggestions) + 1)
        ]
        url = calendars.group_url(group)
        links = {
            i: _url("suggestion-ics", slug=program.slug, group_id=group.pk, index=i)
            for i in range(1, len(group.suggestions) + 1)
        }
        for member in group.members.all():
            view = match_view(group, member.user)
            yield EmailToQueue(
                key=f"round-published:{round_.pk}:user:{member.user_id}",
                to=member.user,
                template="rounds_published",
                context={
                    **view,
                    "program": program,
                    "url": url,
                    "suggestion_links": [(s, links[s.index]) for s in view["suggestions"]],
                },
                attachments=attachments,
            )
    program_url = _url("program", slug=program.slug)
    for unmatched in (
        UnmatchedMember.objects.filter(round=round_).select_related("user").order_by("pk")
    ):
        yield EmailToQueue(
            key=f"round-unmatched:{round_.pk}:user:{unmatched.user_id}",
            to=unmatched.user,
            template="rounds_unmatched",
            context={
                "program": program,
                "round": round_,
                "reason": member_reason(unmatched.reason),
                "url": program_url,
            },
        )


@unless_muted
def round_published(round_: Round, *, on_batch: Callable[[int], None] | None = None) -> None:
    """Tell every member of a new round (rendered and queued in bulk; once per member: run
    again, it adds only what is missing). `on_batch(n)`: n emails handled so far."""
    queue_emails(_published_emails(round_), on_batch=on_batch)


def published_email_count(round_: Round) -> int:
    """How many emails `round_published` sends: one per member drawn or left unmatched."""
    return (
        GroupMember.objects.filter(round=round_).count()
        + UnmatchedMember.objects.filter(round=round_).count()
    )


@unless_muted
def meeting_proposed(group: RoundGroup, *, proposer: User, member_ids: list[int]) -> None:
    group = _reload(group)
    for member in group.members.all():
        if member.user_id == proposer.pk:
            continue
        view = match_view(group, member.user)
        stamp = f"{group.proposed_start:%Y%m%d%H%M}"
        queue_email(
            key=f"round-proposed:{group.pk}:{stamp}:{proposer.pk}:user:{member.user_id}",
            to=member.user,
            template="rounds_meeting_proposed",
            context={
                **view,
                "program": group.round.program,
                "proposer": proposer,
                "url": calendars.group_url(group),
            },
        )


@unless_muted
def meeting_confirmed(group: RoundGroup) -> None:
    group = _reload(group)
    ics = calendars.meeting_ics(group)
    for member in group.members.all():
        view = match_view(group, member.user)
        queue_email(
            key=_meeting_key(group, member),
            to=member.user,
            template="rounds_meeting_confirmed",
            context={
                **view,
                "program": group.round.program,
                "url": calendars.group_url(group),
                "is_update": group.meeting_sequence > 0,
            },
            attachments=[
                {"filename": "coffee-meeting.ics", "content": ics, "mimetype": ICS_REQUEST}
            ],
        )


@unless_muted
def meeting_cancelled(group: RoundGroup, *, start: dt.datetime, by: User) -> None:
    group = _reload(group)
    ics = calendars.meeting_ics(group, cancelled_start=start)
    for member in group.members.all():
        tz = user_zone_name(member.user)
        queue_email(
            key=_meeting_key(group, member),
            to=member.user,
            template="rounds_meeting_cancelled",
            context={
                "group": group,
                "round": group.round,
                "program": group.round.program,
                "by": by,
                "when": when_label(start, tz),
                "url": calendars.group_url(group),
            },
            attachments=[
                {"filename": "coffee-meeting-cancelled.ics", "content": ics, "mimetype": ICS_CANCEL}
            ],
        )


@unless_muted
def reminder(membership: GroupMember) -> None:
    group = _reload(membership.group)
    view = match_view(group, membership.user)
    queue_email(
        key=f"round-reminder:{group.pk}:user:{membership.user_id}",
        to=membership.user,
        template="rounds_reminder",
        context={**view, "program": group.round.program, "url": calendars.group_url(group)},
    )


@unless_muted
def checkin(membership: GroupMember, *, again: bool) -> None:
    group = membership.group
    program = membership.round.program
    kind = "reask" if again else "checkin"
    queue_email(
        key=f"round-{kind}:{membership.round_id}:user:{membership.user_id}",
        to=membership.user,
        template="rounds_checkin",
        context={
            "program": program,
            "round": membership.round,
            "again": again,
            "url": _url("checkin", slug=program.slug, group_id=group.pk),
        },
    )


@unless_muted
def reminders(membership_ids: list[int]) -> None:
    """`reminder` for many memberships at once (the tick): their groups loaded in one go,
    the emails queued in bulk."""
    wanted = set(membership_ids)
    group_ids = set(GroupMember.objects.filter(pk__in=wanted).values_list("group_id", flat=True))
    items = []
    for group in _groups(pk__in=group_ids):
        url = calendars.group_url(group)
        for member in group.members.all():
            if member.pk not in wanted:
                continue
            items.append(
                EmailToQueue(
                    key=f"round-reminder:{group.pk}:user:{member.user_id}",
                    to=member.user,
                    template="rounds_reminder",
                    context={
                        **match_view(group, member.user),
                        "program": group.round.program,
                        "url": url,
                    },
                )
            )
    queue_emails(items)


@unless_muted
def checkins(membership_ids: list[int], *, again: bool) -> None:
    """`checkin` for many memberships at once (the tick), queued in bulk."""
    kind = "reask" if again else "checkin"
    memberships = GroupMember.objects.filter(pk__in=membership_ids).select_related(
        "user", "round", "round__program"
    )
    queue_emails(
        EmailToQueue(
            key=f"round-{kind}:{m.round_id}:user:{m.user_id}",
            to=m.user,
            template="rounds_checkin",
            context={
                "program": m.round.program,
                "round": m.round,
                "again": again,
                "url": _url("checkin", slug=m.round.program.slug, group_id=m.group_id),
            },
        )
        for m in memberships.order_by("pk")
    )


@unless_muted
def paused_for_silence(enrollment: Enrollment, *, round_: Round, token: str) -> None:
    program = enrollment.program
    queue_email(
        key=f"round-paused:{round_.pk}:user:{enrollment.user_id}",
        to=enrollment.user,
        template="rounds_paused",
        context={
            "program": program,
            "round": round_,
            "resume_url": _url("resume", slug=program.slug, token=token),
            "url": _url("program", slug=program.slug),
        },
    )
