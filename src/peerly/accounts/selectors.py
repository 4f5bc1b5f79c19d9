"""Permission-scoped reads of members and profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from peerly.accounts.models import VISIBLE_FIELDS, Profile, User, Visibility
from peerly.programs.models import EnrollmentStatus

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
    """True if `viewer` organises a programme `member` is (or was asking to be) part of."""
    return member.enrollments.filter(program__organizers=viewer).exists()


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


def visible_fields(profile: Profile, level: str) -> dict[str, Any]:
    allowed = _ALLOWED[level]  # type: ignore[index]
    result: dict[str, Any] = {}
    for name in VISIBLE_FIELDS:
        if profile.visibility_of(name) not in allowed:
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
