"""Reads of a member's SWOT versions, vision and development plans, and of their shares. Only
the owner ever gets one of them from here: for anyone else it does not exist (404),
organisers and site admins included. What is shared with somebody else is read through
`growth.selectors.get_shared_for_user`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.db.models import Exists
from django.db.models import Prefetch
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.circles.models import Circle
from peerly.growth import selectors
from peerly.growth import services
from peerly.growth.models import SHARE_SUBJECTS
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import Goal
from peerly.growth.models import Share
from peerly.growth.models import Swot
from peerly.growth.models import Vision
from peerly.growth.plans import lines_of
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import Mentorship

SWOT_LABELS = {
    "strengths": gettext_lazy("Strengths"),
    "weaknesses": gettext_lazy("Weaknesses"),
    "opportunities": gettext_lazy("Opportunities"),
    "threats": gettext_lazy("Threats"),
}


# ----------------------------------------------------------------------------- SWOT
def list_swots_for_user(*, user: User) -> QuerySet[Swot]:
    """The user's SWOT versions, newest (the current one) first."""
    return Swot.objects.filter(owner=user).order_by("-created_at", "-id")


def get_swot_for_user(*, user: User, swot_id: int) -> Swot:
    swot = Swot.objects.filter(pk=swot_id, owner=user).first()
    if swot is None:
        raise Http404(_("No such SWOT version."))
    return swot


def current_swot_id(*, user: User) -> int | None:
    return list_swots_for_user(user=user).values_list("pk", flat=True).first()


@dataclass(frozen=True)
class SwotList:
    name: str  # strengths, weaknesses, opportunities, threats
    label: str
    items: list[tuple[str, str]]  # (item, mark): mark is "", "added" or "removed"


def swot_lists(swot: Swot) -> list[SwotList]:
    """The four lists of one version, in the grid's order."""
    return [
        SwotList(name, str(SWOT_LABELS[name]), [(i, "") for i in lines_of(getattr(swot, name))])
        for name in Swot.LISTS
    ]


def compare_swots(a: Swot, b: Swot) -> list[tuple[SwotList, SwotList]]:
    """Version `a` (earlier) beside version `b` (later), list by list: items of `a` that are
    not in `b` are marked "removed", items of `b` not in `a` "added" (a plain comparison of
    the two sets of lines, ignoring case and spaces)."""
    rows = []
    for name in Swot.LISTS:
        left, right = lines_of(getattr(a, name)), lines_of(getattr(b, name))
        in_left, in_right = {i.lower() for i in left}, {i.lower() for i in right}
        label = str(SWOT_LABELS[name])
        rows.append(
            (
                SwotList(
                    name, label, [(i, "" if i.lower() in in_right else "removed") for i in left]
                ),
                SwotList(
                    name, label, [(i, "" if i.lower() in in_left else "added") for i in right]
                ),
            )
        )
    return rows


# ----------------------------------------------------------------------------- vision
def get_vision_for_user(*, user: User) -> Vision | None:
    """The user's own vision, or None (reading never creates one)."""
    return Vision.objects.filter(owner=user).first()


# ----------------------------------------------------------------------------- plans
def list_plans_for_user(*, user: User) -> QuerySet[DevelopmentPlan]:
    """The user's plans, the latest period first, with `goal_count`."""
    return (
        DevelopmentPlan.objects.filter(owner=user)
        .annotate(goal_count=Count("goals"))
        .order_by("-starts_on", "-id")
    )


def with_goals(plans: QuerySet[DevelopmentPlan]) -> QuerySet[DevelopmentPlan]:
    """`plans` with their goals (milestones counted, and the milestones themselves) prefetched:
    three queries whatever the number of plans and goals."""
    goals = selectors._counted(Goal.objects.all()).prefetch_related("milestones")
    return plans.prefetch_related(Prefetch("goals", queryset=goals))


def get_plan_for_user(*, user: User, plan_id: int) -> DevelopmentPlan:
    plan = with_goals(DevelopmentPlan.objects.filter(pk=plan_id, owner=user)).first()
    if plan is None:
        raise Http404(_("No such plan."))
    return plan


def plan_goals(plan: DevelopmentPlan) -> list[Goal]:
    """The plan's goals (prefetched by `with_goals`), each with `progress` set."""
    goals = list(plan.goals.all())
    for goal in goals:
        goal.progress = services.progress_of(  # type: ignore[attr-defined]
            goal,
            done=goal.milestone_done,  # type: ignore[attr-defined]
            total=goal.milestone_total,  # type: ignore[attr-defined]
        )
    return goals


def get_shared_plan_for_user(*, user: User, plan_id: int) -> DevelopmentPlan:
    """A plan somebody shares with `user` (as their mentor or circle), with its goals; else 404."""
    plan = selectors.get_shared_for_user(user=user, model=DevelopmentPlan, pk=plan_id)
    found = with_goals(DevelopmentPlan.objects.filter(pk=plan.pk).select_related("owner")).first()
    assert found is not None  # noqa: S101 (it was just read)
    return found


# ----------------------------------------------------------------------------- shares
def _owned_by(user: User) -> Q:
    return Q(goal__owner=user) | Q(entry__owner=user) | Q(plan__owner=user) | Q(swot__owner=user)


def list_shares_for_user(
    *, user: User, subject: str | None = None, subject_id: int | None = None
) -> QuerySet[Share]:
    """Everything the user shares, with whom, oldest first; optionally of one kind of subject
    (goal, entry, plan, swot) or one object."""
    shares = Share.objects.filter(_owned_by(user))
    if subject in SHARE_SUBJECTS:
        shares = shares.filter(**{f"{subject}__isnull": False})
        if subject_id is not None:
            shares = shares.filter(**{f"{subject}_id": subject_id})
    return shares.select_related(
        *SHARE_SUBJECTS, "mentor__user", "mentorship__program", "circle__program"
    ).order_by("created_at", "id")


def get_my_share(*, user: User, share_id: int) -> Share:
    share = list_shares_for_user(user=user).filter(pk=share_id).first()
    if share is None:
        raise Http404(_("No such share."))
    return share


def subject_name(share: Share) -> str:
    """The share's subject kind: goal, entry, plan or swot."""
    return next(s for s in SHARE_SUBJECTS if getattr(share, f"{s}_id") is not None)


def subject_title(subject: Any) -> str:
    """What the owner calls it: a goal's or plan's title, a SWOT version's label, an entry's
    title (or its date)."""
    if isinstance(subject, Swot):
        return subject.label
    title = getattr(subject, "title", "")
    written_on = getattr(subject, "written_on", None)
    return title or (written_on.isoformat() if written_on else "")


def audience_of(share: Share) -> tuple[str, str]:
    """(key, label) of the audience, as `services.audiences_for` names them."""
    if share.mentorship_id is not None:
        assert share.mentor is not None  # noqa: S101 (the check constraint)
        label = _("My mentor %(name)s (%(programme)s)") % {
            "name": share.mentor.user.name,
            "programme": share.mentorship.program.name,  # type: ignore[union-attr]
        }
        return f"mentorship:{share.mentorship_id}", label
    assert share.circle is not None  # noqa: S101 (the check constraint)
    label = _("My circle %(number)s (%(programme)s)") % {
        "number": share.circle.number,
        "programme": share.circle.program.name,
    }
    return f"circle:{share.circle_id}", label


SHARED_LISTED = 100  # plans and SWOT versions listed on one mentorship or circle page


def _plans_and_swots(shares: QuerySet[Share]) -> dict[str, Any]:
    """`shared_plans` (newest period first) and `shared_swots` (newest first) of `shares`, in
    one query."""
    rows = list(
        shares.filter(Q(plan__isnull=False) | Q(swot__isnull=False))
        .select_related("plan__owner", "swot__owner")
        .order_by("-created_at", "-id")[:SHARED_LISTED]
    )
    plans = {r.plan.pk: r.plan for r in rows if r.plan is not None}
    swots = {r.swot.pk: r.swot for r in rows if r.swot is not None}
    return {
        "shared_plans": sorted(plans.values(), key=lambda p: (p.starts_on, p.pk), reverse=True),
        "shared_swots": sorted(swots.values(), key=lambda s: (s.created_at, s.pk), reverse=True),
    }


def shared_plans_through_mentorship(*, mentorship: Mentorship, viewer: User) -> dict[str, Any]:
    """`shared_plans` and `shared_swots` of the mentee, for the mentorship page: the mentor's
    (while it is open and they still mentor it); nothing for anybody else. One query."""
    mentor = mentorship.mentor
    if mentor is None or mentor.user_id != viewer.pk or mentorship.status not in OPEN_STATUSES:
        return {"shared_plans": [], "shared_swots": []}
    mentee = mentorship.mentee_id
    return _plans_and_swots(
        Share.objects.filter(
            Q(plan__owner_id=mentee) | Q(swot__owner_id=mentee),
            mentorship=mentorship,
            mentor=mentor,
        )
    )


def shared_plans_with_circle(*, circle: Circle, viewer: User) -> dict[str, Any]:
    """`shared_plans` and `shared_swots` shown to the circle by its members, for the circle
    page of a member (else none); only while both are still in the programme. One query: the
    viewer's membership is checked inside it."""
    members = selectors.current_circle_members(circle=circle)
    return _plans_and_swots(
        Share.objects.filter(
            Exists(members.filter(user=viewer)),
            Q(plan__owner__in=members.values("user_id"))
            | Q(swot__owner__in=members.values("user_id")),
            circle=circle,
        )
    )
