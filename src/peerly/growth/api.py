"""The member's own goals over the API: /api/v1/me/goals (the same services and the same
rule as the pages: only the owner; anybody else's goal is a 404)."""

import datetime as dt
from typing import Any
from typing import Literal

from django.db.models import QuerySet
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja.pagination import paginate

from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import CappedLimitOffset
from peerly.growth import selectors
from peerly.growth import services
from peerly.growth.api_actions import router as actions_router
from peerly.growth.api_journal import router as journal_router
from peerly.growth.api_plans import router as plans_router
from peerly.growth.models import Goal
from peerly.programs.models import Program

router = Router(tags=["growth"])


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    done_at: dt.datetime | None


class GoalOut(Schema):
    id: int
    title: str
    why: str
    measure: str
    target_on: dt.date | None
    horizon: str
    progress_mode: str
    progress: int = Field(description="0-100: the percentage, or the share of milestones done")
    status: str
    dropped_reason: str
    program: str | None = Field(description="the slug of the programme it belongs to")
    milestones: list[MilestoneOut]
    created_at: dt.datetime


class GoalIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    why: str = Field("", max_length=5000)
    measure: str = Field("", max_length=5000)
    target_on: dt.date | None = None
    horizon: Literal["short", "long"] = "short"
    progress_mode: Literal["percent", "milestones"] = "percent"
    program: str | None = Field(None, description="slug of a programme you take part in")


class MilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    due_on: dt.date | None = None


class MilestoneDoneIn(Schema):
    done: bool


class CheckInIn(Schema):
    moved: str = Field("", max_length=5000)
    blocked: str = Field("", max_length=5000)
    percent: int | None = Field(None, ge=0, le=100)


class CheckInOut(Schema):
    id: int
    created_at: dt.datetime
    moved: str
    blocked: str
    progress: int


class StatusIn(Schema):
    action: Literal["achieve", "drop", "reopen"]
    reason: str = Field("", max_length=2000, description="why, when dropping")


def _out(goal: Goal) -> dict[str, Any]:
    milestones = list(goal.milestones.all())
    done = sum(m.done_at is not None for m in milestones)
    return {
        **{name: getattr(goal, name) for name in GoalOut.model_fields if hasattr(goal, name)},
        "progress": services.progress_of(goal, done=done, total=len(milestones)),
        "program": goal.program.slug if goal.program else None,
        "milestones": milestones,
    }


def _rows(request: AuthedHttpRequest, goals: list[Goal]) -> list[dict[str, Any]]:
    return [_out(goal) for goal in goals]


def _program(slug: str | None) -> Program | None:
    """The programme named by `slug` (the service checks the owner takes part in it)."""
    if slug is None:
        return None
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        raise ServiceError("No such programme.", field="program")
    return program


@router.get("/me/goals", response=list[GoalOut])
@paginate(CappedLimitOffset, rows=_rows)
def list_goals(
    request: AuthedHttpRequest, status: Literal["active", "achieved", "dropped"] | None = None
) -> QuerySet[Goal]:
    """Your goals (only yours), soonest target first."""
    return selectors.list_goals_for_user(user=request.user, status=status).prefetch_related(
        "milestones"
    )


@router.post("/me/goals", response={201: GoalOut})
def create_goal(request: AuthedHttpRequest, payload: GoalIn) -> tuple[int, dict[str, Any]]:
    values = payload.model_dump()
    values["program"] = _program(values["program"])
    goal = services.create_goal(owner=request.user, **values)
    return 201, _out(goal)


@router.get("/me/goals/{goal_id}", response=GoalOut)
def get_goal(request: AuthedHttpRequest, goal_id: int) -> dict[str, Any]:
    return _out(selectors.get_goal_for_user(user=request.user, goal_id=goal_id))


@router.post("/me/goals/{goal_id}/milestones", response={201: MilestoneOut})
def add_milestone(
    request: AuthedHttpRequest, goal_id: int, payload: MilestoneIn
) -> tuple[int, Any]:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    return 201, services.add_milestone(goal=goal, actor=request.user, **payload.model_dump())


@router.post("/me/goals/{goal_id}/milestones/{milestone_id}/done", response=MilestoneOut)
def set_milestone_done(
    request: AuthedHttpRequest, goal_id: int, milestone_id: int, payload: MilestoneDoneIn
) -> Any:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    milestone = selectors.get_milestone_for_user(
        user=request.user, goal=goal, milestone_id=milestone_id
    )
    return services.set_milestone_done(milestone=milestone, actor=request.user, done=payload.done)


@router.post("/me/goals/{goal_id}/check-ins", response={201: CheckInOut})
def check_in(request: AuthedHttpRequest, goal_id: int, payload: CheckInIn) -> tuple[int, Any]:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    return 201, services.check_in(goal=goal, actor=request.user, **payload.model_dump())


@router.post("/me/goals/{goal_id}/status", response=GoalOut)
def change_status(request: AuthedHttpRequest, goal_id: int, payload: StatusIn) -> dict[str, Any]:
    """achieve, drop (with a reason) or reopen."""
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    services.change_status(goal=goal, actor=request.user, **payload.model_dump())
    return _out(selectors.get_goal_for_user(user=request.user, goal_id=goal.pk))


# ----------------------------------------------------------------------------- action items
router.add_router("", actions_router)  # /me/actions: growth/api_actions.py
router.add_router("", journal_router)  # /me/journal: growth/api_journal.py
router.add_router("", plans_router)  # /me/swots, /me/vision, /me/plans, /me/shares: api_plans.py
