"""Who sees and who may change which resource, and the permission-scoped reads.

The rule (docs/resources.md):
- see: a published resource whose audience includes the viewer — everyone signed in; mentors
  (an active mentor enrolment) and organisers; organisers only — and, when it belongs to a
  programme, only that programme's members (programs.access MEMBER_STATUSES) and organisers.
  Site admins see everything; authors and those who may edit also see drafts.
- add: site admins, organisers of any programme, active mentors; a programme-only resource
  only for a programme they organise or mentor in (admins: any).
- edit / delete: site admins, the author (while they may still add), the organisers of the
  resource's programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import Role
from peerly.resources.markdown import render_markdown
from peerly.resources.models import Audience
from peerly.resources.models import Resource
from peerly.resources.models import ResourceDailyViews
from peerly.resources.models import ResourceHelpful
from peerly.resources.models import ResourceKind

NOT_FOUND = "No such resource."


@dataclass(frozen=True)
class Viewer:
    """What a user is, for resources: read once per request (three small queries)."""

    user_id: int | None
    is_admin: bool
    member_of: frozenset[int]  # programmes with an enrolment in MEMBER_STATUSES
    organiser_of: frozenset[int]
    mentor_in: frozenset[int]  # programmes with an active mentor enrolment
    member_kinds: frozenset[str]  # kinds of the programmes they take part in or organise

    @property
    def may_add(self) -> bool:
        return self.is_admin or bool(self.organiser_of) or bool(self.mentor_in)

    def may_add_to(self, program_id: int | None) -> bool:
        if program_id is None:
            return self.may_add
        return self.is_admin or program_id in self.organiser_of or program_id in self.mentor_in

    def may_edit(self, resource: Resource) -> bool:
        if self.user_id is None:
            return False
        if self.is_admin:
            return True
        if resource.program_id is not None and resource.program_id in self.organiser_of:
            return True
        return resource.author_id == self.user_id and self.may_add_to(resource.program_id)

    def may_see(self, resource: Resource) -> bool:
        if self.may_edit(resource) or (
            self.user_id is not None and resource.author_id == self.user_id
        ):
            return True
        if self.user_id is None or not resource.is_published:
            return False
        pid = resource.program_id
        if pid is not None and pid not in self.member_of | self.organiser_of:
            return False
        if resource.audience == Audience.MENTORS:
            return self._is_mentor_or_organiser(pid)
        if resource.audience == Audience.ORGANISERS:
            return self._is_organiser(pid)
        return True

    def _is_organiser(self, pid: int | None) -> bool:
        return bool(self.organiser_of) if pid is None else pid in self.organiser_of

    def _is_mentor_or_organiser(self, pid: int | None) -> bool:
        if pid is None:
            return bool(self.organiser_of or self.mentor_in)
        return pid in self.organiser_of or pid in self.mentor_in


def viewer_for(user: Any) -> Viewer:
    if not getattr(user, "is_authenticated", False):
        return Viewer(None, False, frozenset(), frozenset(), frozenset(), frozenset())
    rows = list(
        Enrollment.objects.filter(user=user, status__in=MEMBER_STATUSES).values_list(
            "program_id", "role", "status", "program__kind"
        )
    )
    organised = list(Program.objects.filter(organisers=user).values_list("pk", "kind"))
    return Viewer(
        user_id=user.pk,
        is_admin=bool(user.is_superuser),
        member_of=frozenset(pid for pid, _r, _s, _k in rows),
        organiser_of=frozenset(pid for pid, _k in organised),
        mentor_in=frozenset(
            pid
            for pid, role, status, _k in rows
            if role == Role.MENTOR and status == EnrollmentStatus.ACTIVE
        ),
        member_kinds=frozenset([k for *_x, k in rows] + [k for _p, k in organised]),
    )


def visible_q(viewer: Viewer) -> Q:
    """The database form of `Viewer.may_see` (kept in step by the permission tests)."""
    if viewer.user_id is None:
        return Q(pk__in=[])
    if viewer.is_admin:
        return Q()
    programs = viewer.member_of | viewer.organiser_of
    in_scope = Q(program__isnull=True) | Q(program_id__in=sorted(programs))
    mentors = Q(program_id__in=sorted(viewer.organiser_of | viewer.mentor_in))
    if viewer.organiser_of or viewer.mentor_in:
        mentors |= Q(program__isnull=True)
    organisers = Q(program_id__in=sorted(viewer.organiser_of))
    if viewer.organiser_of:
        organisers |= Q(program__isnull=True)
    audience = (
        Q(audience=Audience.EVERYONE)
        | (Q(audience=Audience.MENTORS) & mentors)
        | (Q(audience=Audience.ORGANISERS) & organisers)
    )
    editable = Q(author_id=viewer.user_id) | Q(program_id__in=sorted(viewer.organiser_of))
    return (Q(is_published=True) & in_scope & audience) | editable


def list_resources_for_user(
    *, user: Any, viewer: Viewer | None = None, text: str = "", tag: str = "", kind: str = ""
) -> QuerySet[Resource]:
    """The resources `user` may see, filtered, with their helpful counts, newest first."""
    viewer = viewer or viewer_for(user)
    qs = Resource.objects.filter(visible_q(viewer)).select_related("program")
    if text:
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(summary__icontains=text)
            | Q(body_md__icontains=text)
            | Q(tags__icontains=text)
        )
    if tag:
        qs = qs.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
    if kind in ResourceKind.values:
        qs = qs.filter(kind=kind)
    return qs.annotate(helpful_count=Count("helpful_marks")).order_by("-updated_at", "-id")


def get_resource_for_user(*, user: Any, slug: str, viewer: Viewer | None = None) -> Resource:
    """The resource `slug` if `user` may see it; 404 otherwise (an invisible resource does
    not exist for them)."""
    viewer = viewer or viewer_for(user)
    resource = (
        Resource.objects.filter(slug=slug)
        .select_related("program", "author")
        .annotate(
            helpful_count=Count("helpful_marks"),
            is_helpful=Exists(
                ResourceHelpful.objects.filter(resource=OuterRef("pk"), user_id=viewer.user_id or 0)
            ),
        )
        .first()
    )
    if resource is None or not viewer.may_see(resource):
        raise Http404(NOT_FOUND)
    return resource


def get_editable_resource_for_user(*, user: Any, slug: str) -> Resource:
    """The resource `slug` if `user` may change it; 404 if they cannot see it, 403 if they
    can see it but not change it."""
    viewer = viewer_for(user)
    resource = get_resource_for_user(user=user, slug=slug, viewer=viewer)
    if not viewer.may_edit(resource):
        raise PermissionDenied(
            _(
                "Only its author, its programme's organisers or a site admin can change "
                "this resource."
            )
        )
    return resource


def programs_user_may_add_to(*, user: Any) -> QuerySet[Program]:
    viewer = viewer_for(user)
    if viewer.is_admin:
        return Program.objects.all()
    return Program.objects.filter(pk__in=sorted(viewer.organiser_of | viewer.mentor_in))


def body_html(resource: Resource) -> str:
    return render_markdown(resource.body_md)


def find_guide(*, user: Any, slug: str) -> Resource | None:
    """A published resource `slug` that `user` may see, or None (for the circles guide pages:
    they show the instance's edited guide when it exists, else their built-in text)."""
    try:
        resource = get_resource_for_user(user=user, slug=slug)
    except Http404:
        return None
    return resource if resource.is_published else None


@dataclass(frozen=True)
class UsageRow:
    resource: Resource
    helpful: int | None  # None: fewer than MIN_PEOPLE marked it (not shown)
    views: int | None  # page views in the window; None below MIN_PEOPLE as well


def list_usage_for_user(*, user: Any, since: dt.date) -> QuerySet[Resource]:
    """The resources whose use `user` may see (organisers: those of their programmes and the
    site-wide ones; admins: all), with helpful marks and views since `since`."""
    viewer = viewer_for(user)
    if not (viewer.is_admin or viewer.organiser_of):
        raise PermissionDenied(_("Only organisers and site admins can see how resources are used."))
    qs = Resource.objects.all()
    if not viewer.is_admin:
        qs = qs.filter(Q(program__isnull=True) | Q(program_id__in=sorted(viewer.organiser_of)))
    views = (
        ResourceDailyViews.objects.filter(resource=OuterRef("pk"), day__gte=since)
        .values("resource")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return (
        qs.select_related("program")
        .annotate(helpful_count=Count("helpful_marks"), views_total=views)
        .order_by("title", "id")
    )
