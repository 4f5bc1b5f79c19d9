"""Permission-scoped reads. Notes, actions and attendance details: the circle's members only.

Organisers (and site admins) get aggregates: that sessions happened, attendance counts and a
health label; never a block, an action item or who was absent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models import Model
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import CircleSettings
from peerly.circles.models import KnownPerson
from peerly.circles.models import Season
from peerly.circles.models import SessionStatus
from peerly.circles.models import SlotOption
from peerly.core.errors import ServiceError
from peerly.growth.models import OPEN_ACTION_STATUSES
from peerly.growth.models import ActionItem
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind


def get_circle_settings(*, program: Program) -> CircleSettings:
    """The programme's circle settings. Never creates them: they are created with the
    programme (`services.create_settings`, and migration 0003 for older programmes)."""
    if program.kind != ProgramKind.CIRCLE:
        raise ServiceError(_("This programme does not run peer-coaching circles."))
    try:
        row = program.circle_settings
    except CircleSettings.DoesNotExist:
        raise ServiceError(
            _(
                "Programme %(slug)s has no circle settings: they are created with the programme "
                "(run `peerly migrate`, which creates them for older programmes)."
            )
            % {"slug": repr(program.slug)}
        ) from None
    row.program = program
    return row


def latest_season(*, program: Program) -> Season | None:
    return Season.objects.filter(program=program).order_by("-number").first()


# --------------------------------------------------------------------------- members
def _circles_qs() -> QuerySet[Circle]:
    return Circle.objects.select_related("program", "season").prefetch_related(
        Prefetch(
            "memberships",
            queryset=CircleMember.objects.select_related("user", "user__profile").order_by(
                "position", "id"
            ),
        ),
    )


def list_circles_for_member(*, user: User, program: Program | None = None) -> QuerySet[Circle]:
    qs = _circles_qs().filter(memberships__user=user)
    if program is not None:
        qs = qs.filter(program=program)
    return qs.order_by("-season__number", "number")


_M = TypeVar("_M", bound=Model)


def _first_or_404(qs: QuerySet[_M], noun: str) -> _M:
    """The first row of `qs`, or a 404 saying "No such <noun>."."""
    row = qs.first()
    if row is None:
        raise Http404(f"No such {noun}.")
    return row


def get_circle_for_member(*, user: User, program: Program, circle_id: int) -> Circle:
    """The circle if `user` belongs to it; 404 if it does not exist here, 403 otherwise."""
    circle = _first_or_404(_circles_qs().filter(program=program, pk=circle_id), "circle")
    if not user.is_authenticated or not any(m.user_id == user.pk for m in circle.memberships.all()):
        raise PermissionDenied(_("Only the circle's members can see this."))
    return circle


def get_circle_for_organiser(*, program: Program, circle_id: int) -> Circle:
    """For organisers' actions on a circle's metadata (caller checked organiser rights)."""
    return _first_or_404(
        Circle.objects.select_related("program", "season").filter(program=program, pk=circle_id),
        "circle",
    )


def get_session_for_member(*, user: User, program: Program, session_id: int) -> CircleSession:
    session = _first_or_404(
        CircleSession.objects.select_related("circle").filter(
            circle__program=program, pk=session_id
        ),
        "session",
    )
    session.circle = get_circle_for_member(user=user, program=program, circle_id=session.circle_id)
    return session


def get_block_for_member(*, user: User, program: Program, block_id: int) -> Block:
    block = _first_or_404(
        Block.objects.select_related("session").filter(
            session__circle__program=program, pk=block_id
        ),
        "block",
    )
    block.session.circle = get_circle_for_member(
        user=user, program=program, circle_id=block.session.circle_id
    )
    return block


def get_own_action(*, user: User, action_id: int) -> ActionItem:
    return _first_or_404(
        ActionItem.objects.select_related("circle__program").filter(
            pk=action_id, owner=user, circle__isnull=False
        ),
        "action item",
    )


def list_sessions_for_circle(*, circle: Circle) -> list[CircleSession]:
    return list(
        circle.sessions.prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("user"))
        )
    )


def get_session_page(*, session: CircleSession) -> dict[str, Any]:
    """Everything the session page shows (caller has checked membership)."""
    circle = session.circle
    blocks = list(
        session.blocks.select_related("coachee", "coach", "note_taker", "goal").prefetch_related(
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "goal"))
        )
    )
    review = list(
        ActionItem.objects.filter(circle=circle, block__session__number__lt=session.number)
        .filter(Q(status__in=OPEN_ACTION_STATUSES) | Q(reviewed_in=session))
        .select_related("owner", "block__session", "goal")
        .order_by("owner_id", "due_on", "id")
    )
    attendance = {a.user_id: a.status for a in session.attendance.all()}
    previous = circle.sessions.filter(number__lt=session.number).order_by("-number").first()
    return {"blocks": blocks, "review": review, "attendance": attendance, "previous": previous}


def list_actions_for_user(
    *, user: User, program: Program | None = None, open_only: bool = False
) -> QuerySet[ActionItem]:
    """The user's circle action items (their other kinds are listed by growth.actions)."""
    qs = ActionItem.objects.filter(owner=user, circle__isnull=False).select_related(
        "circle", "circle__program", "block__session", "goal"
    )
    if program is not None:
        qs = qs.filter(circle__program=program)
    if open_only:
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES)
    return qs.order_by("status", "due_on", "id")


def list_sessions_for_user(
    *, user: User, program: Program | None = None, since: dt.datetime | None = None
) -> QuerySet[CircleSession]:
    qs = CircleSession.objects.filter(circle__memberships__user=user).select_related(
        "circle", "circle__program"
    )
    if program is not None:
        qs = qs.filter(circle__program=program)
    if since is not None:
        qs = qs.filter(starts_at__gte=since)
    return qs.order_by("starts_at")


def list_slot_options(*, circle: Circle, user: User) -> list[SlotOption]:
    options: list[SlotOption] = list(
        circle.slot_options.annotate(n=Count("votes")).prefetch_related(
            Prefetch("votes", to_attr="all_votes")
        )
    )
    for option in options:
        option.mine = any(v.user_id == user.pk for v in option.all_votes)  # type: ignore[attr-defined]
    return options


def list_known_people(*, user: User, program: Program) -> QuerySet[KnownPerson]:
    """Private to `user`."""
    return KnownPerson.objects.filter(owner=user, program=program).select_related("other")


def list_known_candidates(*, user: User, program: Program) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.ACTIVE)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


def unmatched_message(*, season: Season | None, user: User) -> str:
    if season is None:
        return ""
    for item in season.unmatched:
        if item.get("user_id") == user.pk:
            return str(item.get("message", ""))
    return ""


# ------------------------------------------------------------------------ organisers
@dataclass(frozen=True)
class CircleHealth:
    circle: Circle
    members: int
    slot_decided: bool
    sessions: int
    past: int
    held: int
    cancelled: int
    missed: int
    present: int
    expected: int

    @property
    def completion(self) -> float | None:
        return self.held / self.past if self.past else None

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.expected if self.expected else None

    @property
    def label(self) -> str:
        if not self.slot_decided:
            return "choosing slot"
        if not self.past:
            return "not started"
        completion = self.completion or 0.0
        attendance = self.attendance_rate or 0.0
        if completion >= 0.8 and attendance >= 0.75:
            return "healthy"
        if completion >= 0.5:
            return "watch"
        return "at risk"

    @property
    def badge(self) -> str:
        return {"healthy": "ok", "watch": "warn", "at risk": "bad"}.get(self.label, "")


def list_circle_health(*, season: Season, now: dt.datetime) -> list[CircleHealth]:
    """Aggregates per circle, in a fixed number of queries (no notes, no names of absentees)."""
    past = Q(sessions__starts_at__lt=now) & ~Q(sessions__status=SessionStatus.CANCELLED)
    circles = (
        Circle.objects.filter(season=season)
        .select_related("program", "season")
        .annotate(
            n_sessions=Count("sessions", distinct=True),
            n_past=Count("sessions", filter=past, distinct=True),
            n_held=Count("sessions", filter=Q(sessions__status=SessionStatus.HELD), distinct=True),
            n_cancelled=Count(
                "sessions", filter=Q(sessions__status=SessionStatus.CANCELLED), distinct=True
            ),
            n_missed=Count(
                "sessions", filter=past & Q(sessions__status=SessionStatus.SCHEDULED), distinct=True
            ),
        )
        .order_by("number")
    )
    members = dict(
        CircleMember.objects.filter(season=season)
        .values("circle_id")
        .annotate(n=Count("id"))
        .values_list("circle_id", "n")
    )
    present = dict(
        Attendance.objects.filter(session__circle__season=season, status=AttendanceStatus.PRESENT)
        .values("session__circle_id")
        .annotate(n=Count("id"))
        .values_list("session__circle_id", "n")
    )
    expected = dict(
        Attendance.objects.filter(session__circle__season=season)
        .values("session__circle_id")
        .annotate(n=Count("id"))
        .values_list("session__circle_id", "n")
    )
    return [
        CircleHealth(
            circle=c,
            members=members.get(c.pk, 0),
            slot_decided=c.slot_minute is not None,
            sessions=c.n_sessions,
            past=c.n_past,
            held=c.n_held,  # type: ignore[attr-defined]
            cancelled=c.n_cancelled,
            missed=c.n_missed,  # type: ignore[attr-defined]
            present=present.get(c.pk, 0),
            expected=expected.get(c.pk, 0),
        )
        for c in circles
    ]


def season_totals(rows: list[CircleHealth]) -> dict[str, object]:
    past = sum(r.past for r in rows)
    held = sum(r.held for r in rows)
    expected = sum(r.expected for r in rows)
    present = sum(r.present for r in rows)
    return {
        "circles": len(rows),
        "members": sum(r.members for r in rows),
        "slots_decided": sum(1 for r in rows if r.slot_decided),
        "held": held,
        "past": past,
        "missed": sum(r.missed for r in rows),
        "completion": held / past if past else None,
        "attendance": present / expected if expected else None,
    }


def list_circle_members_for_organiser(
    *, season: Season, circle_ids: list[int] | None = None
) -> dict[int, list[User]]:
    """Who is in which circle (organisers see membership, not conversations); only the
    circles in `circle_ids` when given (one page of the organiser's list)."""
    out: dict[int, list[User]] = {}
    members = CircleMember.objects.filter(season=season)
    if circle_ids is not None:
        members = members.filter(circle_id__in=circle_ids)
    for m in members.select_related("user").order_by("circle_id", "position"):
        out.setdefault(m.circle_id, []).append(m.user)
    return out
