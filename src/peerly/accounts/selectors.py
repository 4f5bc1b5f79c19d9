"""Permission-scoped reads of members and profiles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy

from peerly.accounts.models import VISIBLE_FIELDS
from peerly.accounts.models import Channel
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program

LIVE_STATUSES = (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.APPLIED)


def shared_program_ids(viewer: User, member: User) -> set[int]:
    """Programmes both people take part in (applied, active or paused)."""
    mine = set(
        viewer.enrollments.filter(status__in=LIVE_STATUSES).values_list("program_id", flat=True)
    )
    theirs = set(
        member.enrollments.filter(status__in=LIVE_STATUSES).values_list("program_id", flat=True)
    )
    return mine & theirs


def organises_member(viewer: User, member: User) -> bool:
    """True if `viewer` organises a programme `member` takes part in or is asking to join.

    Someone who left or was declined keeps only what members show their programmes: an
    organiser gains no lasting view of a person by once having had them in a programme."""
    return member.enrollments.filter(program__organisers=viewer, status__in=LIVE_STATUSES).exists()


def viewer_level(viewer: User, member: User) -> str | None:
    """The widest visibility level `viewer` may see of `member`'s profile, or None."""
    if not viewer.is_authenticated:
        return None
    if viewer.pk == member.pk:
        return Visibility.PRIVATE
    if organises_member(viewer, member):
        return Visibility.ORGANISERS
    if shared_program_ids(viewer, member):
        return Visibility.PROGRAMMES
    return None


_ALLOWED = {
    Visibility.PRIVATE: {Visibility.PRIVATE, Visibility.ORGANISERS, Visibility.PROGRAMMES},
    Visibility.ORGANISERS: {Visibility.ORGANISERS, Visibility.PROGRAMMES},
    Visibility.PROGRAMMES: {Visibility.PROGRAMMES},
}


@dataclass(frozen=True)
class ProfileView:
    user: User
    profile: Profile
    fields: dict[str, Any]  # only the fields the viewer may see
    is_own: bool

    @property
    def rows(self) -> list[tuple[str, str]]:
        """The visible fields (but pronouns, shown with the name) as labelled text rows."""
        shown = {k: v for k, v in self.fields.items() if k != "pronouns"}
        return profile_rows(self.profile, shown)


def can_see(profile: Profile, name: str, level: str | None) -> bool:
    """May someone at `level` (see `viewer_level`) see field `name` of `profile`?"""
    if level is None:
        return False
    return profile.visibility_of(name) in _ALLOWED[level]  # type: ignore[index]


def visible_fields(
    profile: Profile, level: str | None, names: Iterable[str] | None = None
) -> dict[str, Any]:
    """The fields of `profile` someone at `level` may see (of `names`, default all).

    THE rule for every page, list, search, export, API and email that shows profile fields.
    Availability costs a query unless `profile.windows` was prefetched: leave it out of
    `names` on list pages that do not show it.
    """
    wanted = VISIBLE_FIELDS if names is None else [n for n in VISIBLE_FIELDS if n in set(names)]
    result: dict[str, Any] = {}
    for name in wanted:
        if not can_see(profile, name, level):
            continue
        if name == "availability":
            result[name] = [str(w) for w in profile.windows.all()]
        elif name == "channels":
            result[name] = list(profile.channels)
        elif name == "frequency":
            result[name] = profile.get_frequency_display()
        else:
            result[name] = getattr(profile, name)
    return result


# How a profile page names each visible field (the model's verbose name where it has one).
FIELD_LABELS: dict[str, Any] = {
    "pronouns": gettext_lazy("Pronouns"),
    "bio": gettext_lazy("About"),
    "team": gettext_lazy("Team"),
    "location": gettext_lazy("Location"),
    "timezone": gettext_lazy("Time zone"),
    "languages": gettext_lazy("Languages"),
    "skills": gettext_lazy("Skills"),
    "interests": gettext_lazy("Interests"),
    "channels": gettext_lazy("Preferred channels"),
    "frequency": gettext_lazy("How often"),
    "availability": gettext_lazy("Weekly availability"),
}


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    field = Profile._meta.get_field(name)
    return capfirst(str(getattr(field, "verbose_name", name.replace("_", " "))))


def profile_rows(profile: Profile, fields: dict[str, Any]) -> list[tuple[str, str]]:
    """`fields` (from `visible_fields`) as (label, text) rows for a page: labels from the
    field names' verbose names, channels by their labels, and availability with the time
    zone it is in (the member's own; named only when the member shows their zone)."""
    rows = []
    for name, value in fields.items():
        if not value:
            continue
        if name == "channels":
            labels = dict(Channel.choices)
            text = ", ".join(str(labels.get(v, v)) for v in value)
        elif name == "availability":
            zone = fields.get("timezone") or gettext("their local time")
            text = f"{', '.join(value)} ({zone})"
        elif isinstance(value, list):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        rows.append((field_label(name), text))
    return rows


def visible_profile_fields(
    *, viewer: User, profile: Profile, names: Iterable[str] | None = None
) -> dict[str, Any]:
    """What `viewer` may see of one `profile` ({} when they share nothing)."""
    return visible_fields(profile, viewer_level(viewer, profile.user), names)


def program_level(*, viewer: User, program: Program) -> str | None:
    """The level `viewer` has for the members of `program`: organisers (and site admins, who
    can manage every programme) see what members show organisers; fellow members what members
    show their programmes. Never "Only me": that is for the member alone."""
    if not viewer.is_authenticated:
        return None
    if viewer.is_superuser:
        return Visibility.ORGANISERS
    flags = (
        Program.objects.filter(pk=program.pk)
        .annotate(
            organises=Exists(
                Program.organisers.through.objects.filter(
                    program_id=OuterRef("pk"), user_id=viewer.pk
                )
            ),
            takes_part=Exists(
                Enrollment.objects.filter(
                    program_id=OuterRef("pk"), user_id=viewer.pk, status__in=LIVE_STATUSES
                )
            ),
        )
        .values("organises", "takes_part")
        .first()
    )  # one query
    if flags and flags["organises"]:
        return Visibility.ORGANISERS
    if flags and flags["takes_part"]:
        return Visibility.PROGRAMMES
    return None


def viewer_levels(*, viewer: User, user_ids: Iterable[int]) -> dict[int, str | None]:
    """`viewer_level` for many members at once (three queries whatever their number)."""
    ids = set(user_ids)
    levels: dict[int, str | None] = dict.fromkeys(ids)
    if not viewer.is_authenticated or not ids:
        return levels
    mine = viewer.enrollments.filter(status__in=LIVE_STATUSES).values("program_id")
    for uid in set(
        Enrollment.objects.filter(
            user_id__in=ids, status__in=LIVE_STATUSES, program_id__in=mine
        ).values_list("user_id", flat=True)
    ):
        levels[uid] = Visibility.PROGRAMMES
    for uid in set(
        Enrollment.objects.filter(
            user_id__in=ids, program__organisers=viewer, status__in=LIVE_STATUSES
        ).values_list("user_id", flat=True)
    ):
        levels[uid] = Visibility.ORGANISERS
    if viewer.pk in levels:
        levels[viewer.pk] = Visibility.PRIVATE
    return levels


def profile_fields_for_viewer(
    *,
    viewer: User | None,
    users: Iterable[User],
    program: Program | None = None,
    names: Iterable[str] | None = None,
    level: str | None = None,
) -> dict[int, dict[str, Any]]:
    """{user id: the fields `viewer` may see} for a page of members, without a query per
    member (load `users` with `select_related("profile")`). With `program`, `viewer` sees the
    members at `program_level` (or at `level`, when the caller already knows it: a page only
    members and organisers reach can pass Visibility.PROGRAMMES); `viewer=None` means an
    operator export (organiser level)."""
    users = list(users)
    names = None if names is None else tuple(names)
    if viewer is None:
        levels: dict[int, str | None] = {u.pk: Visibility.ORGANISERS for u in users}
    elif program is not None:
        if level is None:
            level = program_level(viewer=viewer, program=program)
        levels = {u.pk: Visibility.PRIVATE if u.pk == viewer.pk else level for u in users}
    else:
        levels = viewer_levels(viewer=viewer, user_ids=[u.pk for u in users])
    result: dict[int, dict[str, Any]] = {}
    for user in users:
        profile = getattr(user, "profile", None)
        result[user.pk] = visible_fields(profile, levels[user.pk], names) if profile else {}
    return result


def visible_q(*, field: str, level: str | None, prefix: str = "") -> Q:
    """A filter that is true only where `field` is visible at `level`, so that searching or
    filtering on a hidden value never finds the member (`prefix` reaches the Profile, e.g.
    "user__profile__")."""
    if level is None:
        return Q(pk__in=[])
    allowed = sorted(_ALLOWED[level])  # type: ignore[index]
    chosen = Q(**{f"{prefix}field_visibility__{field}__in": allowed})
    if VISIBLE_FIELDS[field] in allowed:  # members who never chose get the default
        return chosen | ~Q(**{f"{prefix}field_visibility__has_key": field})
    return chosen


def get_profile_for_user(*, viewer: User, member_id: int) -> ProfileView:
    """A member's profile as `viewer` may see it; 404 when they share nothing."""
    member = User.objects.filter(pk=member_id, is_active=True).select_related("profile").first()
    if member is None:
        raise Http404("No such member.")
    level = viewer_level(viewer, member)
    if level is None:
        raise Http404("No such member.")
    profile, _ = Profile.objects.get_or_create(user=member)
    return ProfileView(
        user=member,
        profile=profile,
        fields=visible_fields(profile, level),
        is_own=viewer.pk == member.pk,
    )


def list_co_members_for_user(*, user: User) -> QuerySet[User]:
    """Everyone who shares a programme with `user` (for pickers like the do-not-pair list)."""
    program_ids = user.enrollments.filter(status__in=LIVE_STATUSES).values("program_id")
    return (
        User.objects.filter(
            is_active=True,
            enrollments__program_id__in=program_ids,
            enrollments__status__in=LIVE_STATUSES,
        )
        .exclude(pk=user.pk)
        .distinct()
        .order_by("display_name", "email")
    )
