"""The emails coffee rounds send (one per event: every key is unique to its event). The only
module of the app that sends mail.

`notifications.muting.muted()` silences them for a block: the demo replays past rounds through
the services without mailing anybody about the past."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.db.models import Prefetch
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from peerly.accounts.models import User
from peerly.core.timezones import user_zone_name
from peerly.core.timezones import when_label
from peerly.notifications.muting import unless_muted
from peerly.notifications.services import EmailToQueue
from peerly.notifications.services import programme_email
from peerly.notifications.services import queue_email
from peerly.notifications.services import queue_emails
from peerly.programs.models import Enrollment
from peerly.rounds import calendars
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from peerly.rounds.models import UnmatchedMember
from peerly.rounds.selectors import HIGHLIGHT_FIELDS
from peerly.rounds.selectors import Suggestion
from peerly.rounds.selectors import match_view
from peerly.rounds.selectors import member_reason

ICS_REQUEST = "text/calendar; method=REQUEST; charset=utf-8"
ICS_CANCEL = "text/calendar; method=CANCEL; charset=utf-8"
ICS_PUBLISH = "text/calendar; method=PUBLISH; charset=utf-8"


def _url(name: str, **kwargs: object) -> str:
    return settings.SITE_URL + reverse(f"rounds:{name}", kwargs=kwargs)


def _with_members(groups: QuerySet[RoundGroup], *, windows: bool = False) -> QuerySet[RoundGroup]:
    """`groups` with their round and programme, and their members' users and profiles
    (and availability windows, for calendar files, when `windows`) in one query each."""
    members = GroupMember.objects.select_related("user", "user__profile").order_by("user_id")
    if windows:
        members = members.prefetch_related("user__profile__windows")
    return (
        groups.select_related("round", "round__program", "round__program__coffee_settings")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("number")
    )


def _groups(**filters: object) -> list[RoundGroup]:
    return list(_with_members(RoundGroup.objects.filter(**filters), windows=True))


def _reload(group: RoundGroup) -> RoundGroup:
    return _groups(pk=group.pk)[0]


def _meeting_key(group: RoundGroup, member: GroupMember) -> str:
    """The outbox key of a member's email about one version (sequence) of the meeting."""
    return f"round-meeting:{group.pk}:seq:{group.meeting_sequence}:user:{member.user_id}"


def _email_groups(groups: QuerySet[RoundGroup], *, round_: Round) -> Iterator[RoundGroup]:
    """The groups of `round_` with everything their members' emails show (members, users and
    profiles) in a few queries per 1,000 groups: no query per email. Every group is given
    `round_` itself (and so its one programme and coffee settings) rather than a copy of each
    per group, and the draw's figures, which no email shows, are not read."""
    members = GroupMember.objects.select_related("user", "user__profile").order_by("user_id")
    selected = (
        groups.defer("reasons", "common_windows")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("number")
    )
    for group in selected.iterator(chunk_size=1000):
        group.round = round_
        yield group


def _group_email(
    key: str,
    group: RoundGroup,
    member: GroupMember,
    template: str,
    *,
    url: str,
    links: Mapping[int, str] | None = None,
    **context: object,
) -> EmailToQueue:
    """A member's email about their group (`url`, its page): what that page shows them
    (`match_view`), with `links[i]` the calendar link of suggestion i when the email offers
    them. Each partner's `fields` has every highlighted field ("" when not shown): a
    template's `{{ p.fields.pronouns }}` then finds it (the same output) instead of raising
    and catching four exceptions per missing field and email."""
    view = match_view(group, member.user)
    view["partners"] = [
        dataclasses.replace(p, fields={**_NO_FIELDS, **p.fields}) for p in view["partners"]
    ]
    if links is not None:
        view["suggestion_links"] = [(s, links[s.index]) for s in view["suggestions"]]
    return programme_email(
        key, member.user, template, program=group.round.program, url=url, **view, **context
    )


_NO_FIELDS = dict.fromkeys(HIGHLIGHT_FIELDS, "")


def _url_maker(name: str, ids: tuple[str, ...], **kwargs: object) -> Callable[..., str]:
    """`_url(name, **kwargs, **ids)` for many values of the integer arguments `ids`, reversed
    once: the URL is made with stand-in numbers that the ids then replace (`reverse` writes an
    int as its digits). Falls back to `_url` when a stand-in is not found exactly once."""
    stand_ins = {key: str(9_876_543_210 + n) for n, key in enumerate(ids)}
    pattern = _url(name, **kwargs, **{key: int(s) for key, s in stand_ins.items()})
    if any(pattern.count(s) != 1 for s in stand_ins.values()):
        return lambda **values: _url(name, **kwargs, **values)

    def make(**values: int) -> str:
        url = pattern
        for key, stand_in in stand_ins.items():
            url = url.replace(stand_in, str(int(values[key])))
        return url

    return make


def _published_emails(
    round_: Round, *, groups: Sequence[int] | None = None, unmatched: bool = True
) -> Iterator[EmailToQueue]:
    """Every member's email about a new round: their group's, or why they have none. A part
    of them: `groups` (first, last), the groups with those numbers; `unmatched`, whether the
    unmatched members' emails are in."""
    # the round and its programme and settings once, for every group (see `_email_groups`)
    round_ = Round.objects.select_related("program", "program__coffee_settings").get(pk=round_.pk)
    program = round_.program
    group_url = _url_maker("group-detail", ("group_id",), slug=program.slug)
    suggestion_url = _url_maker("suggestion-ics", ("group_id", "index"), slug=program.slug)
    selected = RoundGroup.objects.filter(round=round_)
    if groups is not None:
        selected = selected.filter(number__gte=groups[0], number__lte=groups[1])
    for group in _email_groups(selected, round_=round_):
        attachments = [  # made when each email is sent: not 15,000 calendars while queueing
            {
                "filename": f"coffee-suggestion-{i}.ics",
                "render": calendars.SUGGESTION_RENDERER,
                "args": {"group_id": group.pk, "index": i},
                "mimetype": ICS_PUBLISH,
            }
            for i in range(1, len(group.suggestions) + 1)
        ]
        url = group_url(group_id=group.pk)  # = calendars.group_url(group)
        links = {
            i: suggestion_url(group_id=group.pk, index=i)
            for i in range(1, len(group.suggestions) + 1)
        }
        for member in group.members.all():
            email = _group_email(
                f"round-published:{round_.pk}:user:{member.user_id}",
                group,
                member,
                "rounds_published",
                links=links,
                url=url,
            )
            yield dataclasses.replace(email, attachments=attachments)
    if not unmatched:
        return
    program_url = _url("program", slug=program.slug)
    for left_out in (
        UnmatchedMember.objects.filter(round=round_).select_related("user").order_by("pk")
    ):
        yield programme_email(
            f"round-unmatched:{round_.pk}:user:{left_out.user_id}",
            left_out.user,
            "rounds_unmatched",
            program=program,
            url=program_url,
            round=round_,
            reason=member_reason(left_out.reason),
        )


@unless_muted
def round_published(
    round_: Round,
    *,
    groups: Sequence[int] | None = None,
    unmatched: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Tell every member of a new round (rendered and queued in bulk; once per member: run
    again, it adds only what is missing). `groups`/`unmatched`: only a part of them (see
    `published_parts`). `on_batch(n)`: n emails handled so far."""
    queue_emails(_published_emails(round_, groups=groups, unmatched=unmatched), on_batch=on_batch)


def published_email_count(round_: Round) -> int:
    """How many emails `round_published` sends: one per member drawn or left unmatched."""
    return (
        GroupMember.objects.filter(round=round_).count()
        + UnmatchedMember.objects.filter(round=round_).count()
    )


PART_EMAILS = 2500  # about this many emails in each part of a large round's announcement
MAX_PARTS = 8


def published_parts(round_: Round, *, size: int | None = None) -> list[dict[str, Any]]:
    """`round_published` split into parts of about `size` emails for several workers: runs of
    consecutive group numbers, the unmatched members' emails in the last part. Each part is
    the keyword arguments of `round_published` plus "emails" (how many it sends). The same
    round always gives the same parts. One part (everything) below 2 × `size` (default
    `PART_EMAILS`)."""
    size = size or PART_EMAILS
    counts = list(
        RoundGroup.objects.filter(round=round_)
        .annotate(size=Count("members"))
        .order_by("number")
        .values_list("number", "size")
    )
    left_out = UnmatchedMember.objects.filter(round=round_).count()
    total = sum(n for _, n in counts) + left_out
    wanted = max(1, min(MAX_PARTS, total // size))
    if wanted == 1 or not counts:
        return [{"groups": None, "unmatched": True, "emails": total}]
    parts: list[dict[str, Any]] = []
    first, seen, start = counts[0][0], 0, 0  # seen: emails of the groups so far
    for i, (number, n) in enumerate(counts):
        seen += n
        last = i == len(counts) - 1
        if last or (len(parts) < wanted - 1 and seen >= total * (len(parts) + 1) / wanted):
            parts.append({"groups": [first, number], "unmatched": last, "emails": seen - start})
            if not last:
                first, start = counts[i + 1][0], seen
    parts[-1]["emails"] += left_out
    return parts


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


def reminder(membership: GroupMember) -> None:
    """The reminder of one membership (the same email as the tick's `reminders`)."""
    reminders([membership.pk])


@unless_muted
def checkin(membership: GroupMember, *, again: bool) -> None:
    queue_email(**vars(_checkin_email(membership, again=again)))


def _checkin_email(membership: GroupMember, *, again: bool) -> EmailToQueue:
    """The check-in (or, `again`, the re-ask) about a member's round: one or many at once."""
    program = membership.round.program
    kind = "reask" if again else "checkin"
    return programme_email(
        f"round-{kind}:{membership.round_id}:user:{membership.user_id}",
        membership.user,
        "rounds_checkin",
        program=program,
        url=_url("checkin", slug=program.slug, group_id=membership.group_id),
        round=membership.round,
        again=again,
    )


def _reminder_email(
    member: GroupMember, *, url: str, now: dt.datetime, labels: dict[tuple[str, str], str]
) -> EmailToQueue:
    """`reminder`'s email for the tick, from the membership alone (its user and profile, its
    group and round): the reminder shows the recipient's own times only, so it needs neither
    the partners nor the rest of `match_view` (which gives the same `suggestions`: the
    upcoming ones, labelled in the member's zone). `labels`: when_label per (start, zone),
    shared by the batch."""
    group, tz = member.group, user_zone_name(member.user)
    suggestions = []
    for i, iso in enumerate(group.suggestions, start=1):
        start = dt.datetime.fromisoformat(iso)
        if start < now:  # as match_view: a time that has passed is not offered
            continue
        if (iso, tz) not in labels:
            labels[iso, tz] = when_label(start, tz)
        suggestions.append(Suggestion(index=i, start=start, mine=labels[iso, tz], theirs=[]))
    return programme_email(
        f"round-reminder:{group.pk}:user:{member.user_id}",
        member.user,
        "rounds_reminder",
        program=member.round.program,
        url=url,
        group=group,
        round=member.round,
        suggestions=suggestions,
    )


# what a reminder never reads: the group's draw figures (JSON, parsed for every row otherwise)
_NOT_IN_REMINDERS = ("group__reasons", "group__common_windows")


@unless_muted
def reminders(membership_ids: list[int]) -> None:
    """`reminder` for many memberships at once (the tick): the memberships with their users,
    profiles, groups and rounds in one query, the emails queued in bulk (`_reminder_email`)."""
    memberships = list(
        GroupMember.objects.filter(pk__in=membership_ids)
        .select_related("user", "user__profile", "group")
        .defer(*_NOT_IN_REMINDERS)
        .order_by("group__number", "group_id", "user_id")
    )
    # the few rounds (and programmes) once, not a copy of each per membership
    rounds = Round.objects.select_related("program").in_bulk({m.round_id for m in memberships})
    for member in memberships:
        member.round = member.group.round = rounds[member.round_id]
    now = timezone.now()
    labels: dict[tuple[str, str], str] = {}
    group_urls: dict[str, Callable[..., str]] = {}  # one per programme: reversed once
    items: list[EmailToQueue] = []
    for member in memberships:
        slug = member.round.program.slug
        if slug not in group_urls:
            group_urls[slug] = _url_maker("group-detail", ("group_id",), slug=slug)
        url = group_urls[slug](group_id=member.group_id)  # = calendars.group_url(group)
        items.append(_reminder_email(member, url=url, now=now, labels=labels))
    queue_emails(items)


@unless_muted
def checkins(membership_ids: list[int], *, again: bool) -> None:
    """`checkin` for many memberships at once (the tick), queued in bulk."""
    memberships = GroupMember.objects.filter(pk__in=membership_ids).select_related(
        "user", "round", "round__program"
    )
    queue_emails(_checkin_email(m, again=again) for m in memberships.order_by("pk"))


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
