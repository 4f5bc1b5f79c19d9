"""Reads of a member's growth space. Only the owner ever gets a goal: for anyone else it does
not exist (404), organisers and site admins included."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count
from django.db.models import Exists
from django.db.models import F
from django.db.models import Model
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.evaluation import kpi
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Shown
from peerly.growth.models import SHARE_FIELD_OF
from peerly.growth.models import Goal
from peerly.growth.models import Milestone
from peerly.growth.models import Share
from peerly.growth.models import Shareable
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import Mentorship
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Program

NOT_FOUND = "No such goal."
S = TypeVar("S", bound=Model)


def _counted(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    """`goals` with `milestone_total` and `milestone_done` counted in the same query."""
    return goals.annotate(
        milestone_total=Count("milestones", distinct=True),
        milestone_done=Count(
            "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
        ),
    ).order_by(F("target_on").asc(nulls_last=True), "id")  # a GROUP BY drops Meta.ordering


def list_goals_for_user(*, user: User, status: str | None = None) -> QuerySet[Goal]:
    """The user's goals, milestones counted (`_counted`)."""
    goals = Goal.objects.filter(owner=user).select_related("program")
    if status:
        goals = goals.filter(status=status)
    return _counted(goals)


def current_circle_members(**lookups: object) -> QuerySet[CircleMember]:
    """Circle memberships (filtered by `lookups`) of people still in the circle's programme: one
    who has left it no longer shares with the circle nor reads what it is shown."""
    return CircleMember.objects.filter(
        user__enrollments__program=F("circle__program"),
        user__enrollments__status__in=MEMBER_STATUSES,
        **lookups,
    )


def _visible_shares(viewer: User, field: str) -> Q:
    """The shares (of a `field` subject) `viewer` may read: as the mentor it was shared with,
    while that mentorship is open and they still mentor it; as a member of the circle it was
    shared with, while both they and its owner are still in the programme."""
    as_mentor = Q(
        mentorship__status__in=OPEN_STATUSES,
        mentorship__mentor__user=viewer,
        mentor=F("mentorship__mentor"),
    )
    as_circle = Q(
        Exists(current_circle_members(circle=OuterRef("circle"), user=viewer)),
        Exists(current_circle_members(circle=OuterRef("circle"), user=OuterRef(f"{field}__owner"))),
    )
    return as_mentor | as_circle


def get_shared_for_user(*, user: User, model: type[S], pk: int) -> S:
    """Somebody else's goal, journal entry, plan or SWOT version that they share with `user`;
    404 otherwise."""
    field = SHARE_FIELD_OF[model]
    shares = Share.objects.filter(_visible_shares(user, field), **{f"{field}_id": pk})
    found = (
        model._default_manager.filter(pk=pk, shares__in=shares)
        .exclude(owner=user)
        .select_related("owner")
        .distinct()
        .first()
    )
    if found is None:
        raise Http404(_("Nothing shared with you here."))
    return found  # type: ignore[return-value]


def get_shared_goal_for_user(*, user: User, goal_id: int) -> Goal:
    goal = get_shared_for_user(user=user, model=Goal, pk=goal_id)
    return Goal.objects.select_related("owner", "program").get(pk=goal.pk)


def shared_through_mentorship(
    *, mentorship: Mentorship, viewer: User, model: type[S]
) -> QuerySet[S]:
    """The mentee's objects of `model` shared with `viewer` as this mentorship's mentor, while it
    is open (else none)."""
    mentor = mentorship.mentor
    if mentor is None or mentor.user_id != viewer.pk or mentorship.status not in OPEN_STATUSES:
        return model._default_manager.none()  # type: ignore[return-value]
    return model._default_manager.filter(  # type: ignore[return-value]
        owner_id=mentorship.mentee_id,
        shares__mentorship=mentorship,
        shares__mentor=mentor,
    ).select_related("owner")


def shared_with_circle(*, circle: Circle, viewer: User, model: type[S]) -> QuerySet[S]:
    """What the circle's members share with it of `model`, for a member of the circle (else
    none); only while both are still in the programme. One query: the viewer's membership is
    checked inside it."""
    return model._default_manager.filter(  # type: ignore[return-value]
        Exists(current_circle_members(circle=circle, user=viewer)),
        Exists(current_circle_members(circle=circle, user=OuterRef("owner"))),
        shares__circle=circle,
    ).select_related("owner")


def goals_shared_through_mentorship(*, mentorship: Mentorship, viewer: User) -> list[Goal]:
    """The mentee's goals shared with `viewer` as this mentorship's mentor (else none)."""
    return list(
        _counted(shared_through_mentorship(mentorship=mentorship, viewer=viewer, model=Goal))
    )


def goals_the_mentee_shares(*, mentorship: Mentorship) -> QuerySet[Goal]:
    """The mentee's own view: their goals shown to this mentorship's current mentor (for the
    mentee's pages, e.g. the monthly report form), milestones counted. None without a mentor."""
    if mentorship.mentor_id is None:
        return Goal.objects.none()
    return _counted(
        Goal.objects.filter(
            owner_id=mentorship.mentee_id,
            shares__mentorship=mentorship,
            shares__mentor_id=mentorship.mentor_id,
        )
    )


def goals_shared_with_circle(*, circle: Circle, viewer: User) -> list[Goal]:
    """Goals the circle's members share with it, for a member of the circle (else none)."""
    return list(_counted(shared_with_circle(circle=circle, viewer=viewer, model=Goal)))


def shares_of(subject: Shareable) -> list[Share]:
    """Who the owner shows `subject` to."""
    field = SHARE_FIELD_OF[type(subject)]
    return list(
        Share.objects.filter(**{field: subject}).select_related(
            "mentor__user", "mentorship__program", "circle__program"
        )
    )


def get_goal_for_user(*, user: User, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pk=goal_id, owner=user).select_related("program").first()
    if goal is None:
        raise Http404(_(NOT_FOUND))
    return goal


def get_milestone_for_user(*, user: User, goal: Goal, milestone_id: int) -> Milestone:
    milestone = (
        Milestone.objects.filter(pk=milestone_id, goal=goal, goal__owner=user)
        .select_related("goal")
        .first()
    )
    if milestone is None:
        raise Http404(_("No such milestone."))
    return milestone


def get_share_for_user(*, user: User, subject: Shareable, share_id: int) -> Share:
    field = SHARE_FIELD_OF[type(subject)]
    share = Share.objects.filter(pk=share_id, **{field: subject, f"{field}__owner": user}).first()
    if share is None:
        raise Http404(_("No such share."))
    return share


@dataclass(frozen=True)
class GoalFigures:
    """What organisers see of the growth space in their programme: the growth metrics of the
    KPI dictionary (growth/metrics.py) that apply to its kind, each hidden below MIN_PEOPLE
    people (core/aggregates.py). Counts and rates only, never a text."""

    rows: list[Shown]

    @property
    def too_few(self) -> bool:
        """No figure can be shown at all."""
        return all(row.too_few for row in self.rows)

    def figure(self, key: str) -> Figure | None:
        """The figure of metric `key`, None when it does not apply to the programme's kind."""
        return next((row.figure for row in self.rows if row.metric.key == key), None)


def program_goal_figures(*, program: Program, today: dt.date | None = None) -> GoalFigures:
    """The growth metrics of `program` (a query or two each, whatever the number of goals)."""
    from peerly.growth import metrics  # metrics reads selectors: imported when first used

    applicable = kpi.for_kind(program.kind, metrics.METRICS)
    return GoalFigures(rows=kpi.figures(applicable, program=program, today=today))
