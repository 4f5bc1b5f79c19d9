"""The member's journal: dated private entries (free text and/or three prompts), tags, and
optionally the goal or the session (a circle session, a coffee meeting) an entry is about.

Writes are one service each (atomic, owner re-checked on the locked row, audited without any
text); reads are the owner's own rows only. Nobody else ever lists the journal: a member can
show ONE entry to their mentor or a circle through `growth.services.share`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.accounts.models import split_tags
from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.growth import selectors
from peerly.growth.models import Goal
from peerly.growth.models import JournalEntry
from peerly.mentorship.models import Mentorship
from peerly.rounds.models import RoundGroup

PER_PAGE = 20
RECENT_LINKS = 20  # sessions and meetings offered in the entry form's "about" list
MAX_TEXT = 20000  # each of text and the three prompts
TEXTS = ("title", "text", "happened", "learned", "differently")
LINKS = ("goal_id", "circle_session_id", "coffee_group_id")
EDITABLE = ("written_on", *TEXTS, "tags", *LINKS)
FIRST_DAY = dt.date(2000, 1, 1)
MAX_ID = 2**63  # ids beyond any database's integers are nobody's


# ----------------------------------------------------------------------------- links
def _attended_sessions(owner: User) -> QuerySet[CircleSession]:
    """Sessions of the owner's circles they were not marked absent from (attendance is taken
    at the session: a session nobody recorded yet still counts as theirs)."""
    absent = Attendance.objects.filter(user=owner, status=AttendanceStatus.ABSENT)
    return CircleSession.objects.filter(circle__memberships__user=owner).exclude(
        pk__in=absent.values("session_id")
    )


def _meetings(owner: User) -> QuerySet[RoundGroup]:
    """Coffee meetings (round groups) the owner was in."""
    return RoundGroup.objects.filter(members__user=owner)


def _check_links(owner: User, values: dict[str, Any]) -> None:
    """The links among `values` that are set: the goal must be the owner's, the session one
    they took part in, the meeting one they were in. Refusals name the field."""
    for name in LINKS:
        if values.get(name) is not None and not 0 < values[name] < MAX_ID:
            raise ServiceError(_("No such item."), field=name)
    goal_id = values.get("goal_id")
    if goal_id is not None and not Goal.objects.filter(pk=goal_id, owner=owner).exists():
        raise ServiceError(_("Choose one of your own goals."), field="goal_id")
    session_id = values.get("circle_session_id")
    if session_id is not None and not _attended_sessions(owner).filter(pk=session_id).exists():
        raise ServiceError(
            _("Choose a session of your circle that you took part in."), field="circle_session_id"
        )
    group_id = values.get("coffee_group_id")
    if group_id is not None and not _meetings(owner).filter(pk=group_id).exists():
        raise ServiceError(
            _("Choose a coffee meeting you were matched in."), field="coffee_group_id"
        )


def _one_session(entry: JournalEntry) -> None:
    if entry.circle_session_id is not None and entry.coffee_group_id is not None:
        raise ServiceError(
            _("An entry is about one session: a circle session or a coffee meeting."),
            field="circle_session_id",
        )


def _label(obj: CircleSession | RoundGroup) -> str:
    if isinstance(obj, CircleSession):
        return _("%(programme)s: circle %(circle)s, session %(number)s (%(date)s)") % {
            "programme": obj.circle.program.name,
            "circle": obj.circle.number,
            "number": obj.number,
            "date": obj.starts_at.date().isoformat(),
        }
    return _("%(programme)s: coffee round %(number)s (%(date)s)") % {
        "programme": obj.round.program.name,
        "number": obj.round.number,
        "date": obj.round.meets_from.isoformat(),
    }


def link_choices(owner: User, *, keep: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """The entry form's "about" options (`circle_session:<id>`, `coffee_group:<id>`): the
    owner's latest circle sessions (up to tomorrow) and coffee meetings, and the `keep` keys
    (the pre-filled or linked one, however old) when they are the owner's. At most 4 queries."""
    sessions = _attended_sessions(owner).select_related("circle__program")
    groups = _meetings(owner).select_related("round__program")
    soon = timezone.now() + dt.timedelta(days=1)
    found: list[CircleSession | RoundGroup] = [
        *sessions.filter(starts_at__lte=soon).order_by("-starts_at", "-pk")[:RECENT_LINKS],
        *groups.order_by("-round__meets_from", "-pk")[:RECENT_LINKS],
    ]
    wanted: dict[str, list[int]] = {"circle_session": [], "coffee_group": []}
    for key in keep:
        kind, _sep, pk = key.partition(":")
        if kind in wanted and pk.isdigit() and len(pk) < 12:
            wanted[kind].append(int(pk))
    if wanted["circle_session"]:
        found += sessions.filter(pk__in=wanted["circle_session"])
    if wanted["coffee_group"]:
        found += groups.filter(pk__in=wanted["coffee_group"])
    choices: dict[str, str] = {}
    for obj in found:
        kind = "circle_session" if isinstance(obj, CircleSession) else "coffee_group"
        choices.setdefault(f"{kind}:{obj.pk}", _label(obj))
    return list(choices.items())


# ----------------------------------------------------------------------------- checks
def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Texts stripped, tags normalised like profile tags, lengths and the date checked."""
    for name in TEXTS:
        if name in values:
            values[name] = (values[name] or "").strip()
            limit = 200 if name == "title" else MAX_TEXT
            if len(values[name]) > limit:
                raise ServiceError(
                    _("At most %(n)d characters.") % {"n": limit},
                    field=name,
                )
    if "tags" in values:
        values["tags"] = ", ".join(split_tags(values["tags"] or ""))
        if len(values["tags"]) > 300:
            raise ServiceError(_("Fewer tags, please (300 characters at most)."), field="tags")
    if "written_on" in values:
        written_on = values["written_on"]
        if written_on is None:
            raise ServiceError(_("Give the entry a date."), field="written_on")
        latest = timezone.localdate() + dt.timedelta(days=1)
        if not FIRST_DAY <= written_on <= latest:
            raise ServiceError(
                _("Choose a date from 2000 up to tomorrow at the latest."), field="written_on"
            )
    return values


def _has_content(entry: JournalEntry) -> None:
    if not any(getattr(entry, name) for name in TEXTS):
        raise ServiceError(
            _("Write something: a title, the entry, or one of the prompts."), field="text"
        )


def _own(entry: JournalEntry, actor: User) -> JournalEntry:
    locked = relock(entry)
    if locked.owner_id != actor.pk:
        raise PermissionDenied(_("Only the entry's owner can change it."))
    return locked


# ----------------------------------------------------------------------------- services
@transaction.atomic
def create_entry(
    *,
    owner: User,
    written_on: dt.date | None = None,
    title: str = "",
    text: str = "",
    happened: str = "",
    learned: str = "",
    differently: str = "",
    tags: str = "",
    goal_id: int | None = None,
    circle_session_id: int | None = None,
    coffee_group_id: int | None = None,
) -> JournalEntry:
    """A new entry of `owner`, dated today unless `written_on` says otherwise."""
    values = _clean(
        {
            "written_on": written_on or timezone.localdate(),
            "title": title,
            "text": text,
            "happened": happened,
            "learned": learned,
            "differently": differently,
            "tags": tags,
            "goal_id": goal_id,
            "circle_session_id": circle_session_id,
            "coffee_group_id": coffee_group_id,
        }
    )
    entry = JournalEntry(owner=owner, **values)
    _has_content(entry)
    _one_session(entry)
    _check_links(owner, values)
    entry.save()
    audit.record(actor=owner, action="growth.entry_created", obj=entry)
    return entry


@transaction.atomic
def update_entry(*, entry: JournalEntry, actor: User, **changes: Any) -> JournalEntry:
    """Change any of EDITABLE (a link set to None is removed); the rest stays."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(_("These cannot be changed here: %s.") % ", ".join(sorted(unknown)))
    locked = _own(entry, actor)
    changes = _clean(changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    _has_content(locked)
    _one_session(locked)
    _check_links(actor, changes)  # only the links set now: an older one stays as it was
    audit.saved(
        locked, actor=actor, action="growth.entry_updated", data={"fields": sorted(changes)}
    )
    return locked


@transaction.atomic
def delete_entry(*, entry: JournalEntry, actor: User) -> None:
    """The entry, and every share of it, gone (the audit row keeps only the id). Deleting it
    twice changes nothing."""
    found = JournalEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if found is None:
        return
    if found.owner_id != actor.pk:
        raise PermissionDenied(_("Only the entry's owner can change it."))
    audit.record(actor=actor, action="growth.entry_deleted", obj=found)
    found.delete()


# ----------------------------------------------------------------------------- reads
def _tag_filter(tag: str) -> Q:
    """Entries carrying `tag` (stored as 'a, b, c'), case-insensitively, whole tags only."""
    return (
        Q(tags__iexact=tag)
        | Q(tags__istartswith=f"{tag},")
        | Q(tags__iendswith=f", {tag}")
        | Q(tags__icontains=f", {tag},")
    )


def list_entries_for_user(
    *, user: User, q: str = "", tag: str = "", goal_id: int | None = None
) -> QuerySet[JournalEntry]:
    """The user's own entries, newest first; `q` searches title, text, the prompts and tags
    (every word must appear somewhere), `tag` keeps one tag, `goal_id` one goal's entries."""
    entries = JournalEntry.objects.filter(owner=user).select_related(
        "goal", "circle_session__circle", "coffee_group__round"
    )
    for word in (q or "").split()[:10]:
        entries = entries.filter(
            Q(title__icontains=word)
            | Q(text__icontains=word)
            | Q(happened__icontains=word)
            | Q(learned__icontains=word)
            | Q(differently__icontains=word)
            | Q(tags__icontains=word)
        )
    tag = " ".join((tag or "").split())
    if tag:
        entries = entries.filter(_tag_filter(tag))
    if goal_id is not None:
        entries = entries.filter(goal_id=goal_id)
    return entries.order_by("-written_on", "-id")


def tags_of(user: User, *, limit: int = 500) -> list[str]:
    """The tags the user's latest `limit` entries carry, alphabetically (one query)."""
    found: dict[str, str] = {}
    rows = JournalEntry.objects.filter(owner=user).exclude(tags="").order_by("-written_on", "-id")
    for tags in rows.values_list("tags", flat=True)[:limit]:
        for tag in split_tags(tags):
            found.setdefault(tag.lower(), tag)
    return sorted(found.values(), key=str.lower)


def recent_entries(user: User, *, count: int = 3) -> list[JournalEntry]:
    return list(JournalEntry.objects.filter(owner=user).order_by("-written_on", "-id")[:count])


def get_entry_for_user(*, user: User, entry_id: int) -> JournalEntry:
    """One of the user's own entries; 404 for everybody else (organisers and admins too)."""
    entry = (
        JournalEntry.objects.filter(pk=entry_id, owner=user)
        .select_related("goal", "circle_session__circle__program", "coffee_group__round__program")
        .first()
    )
    if entry is None:
        raise Http404(_("No such journal entry."))
    return entry


SHARED_SHOWN = 50  # the newest shared entries listed on a mentorship or circle page


def entries_shared_through_mentorship(
    *, mentorship: Mentorship, viewer: User
) -> list[JournalEntry]:
    """The mentee's entries shared with `viewer` as this mentorship's mentor (else none)."""
    found = selectors.shared_through_mentorship(
        mentorship=mentorship, viewer=viewer, model=JournalEntry
    )
    return list(found.order_by("-written_on", "-id")[:SHARED_SHOWN])


def entries_shared_with_circle(*, circle: Circle, viewer: User) -> list[JournalEntry]:
    """The entries the circle's members share with it, for a member of the circle (else none):
    `selectors.shared_with_circle` in one query."""
    found = selectors.shared_with_circle(circle=circle, viewer=viewer, model=JournalEntry)
    return list(found.order_by("-written_on", "-id")[:SHARED_SHOWN])
