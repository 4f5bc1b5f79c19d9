"""The member's action items of every kind over the API: /api/v1/me/actions (the same
services and the same rule as the pages: only the owner; anybody else's action is a 404).
The circles API's `/api/v1/circles/actions/{id}` calls the same status service."""

import datetime as dt
from typing import Any
from typing import Literal

from django.db import transaction
from django.db.models import QuerySet
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja.pagination import paginate

from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import CappedLimitOffset
from peerly.growth import actions
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus
from peerly.growth.models import Goal

router = Router(tags=["growth"])


class ActionOut(Schema):
    id: int
    text: str
    due_on: dt.date | None
    status: str
    closed_at: dt.datetime | None
    kind: Literal["own", "mentorship", "circle"] = Field(description="where it was agreed")
    goal: int | None = Field(description="the id of your goal it works towards")
    circle_id: int | None
    mentorship_id: int | None
    program: str | None = Field(description="the slug of the circle's or mentorship's programme")
    created_at: dt.datetime


class ActionIn(Schema):
    text: str = Field(min_length=1, max_length=actions.MAX_TEXT)
    due_on: dt.date | None = None
    goal: int | None = Field(None, description="the id of one of your goals")


class ActionPatch(Schema):
    text: str | None = Field(None, min_length=1, max_length=actions.MAX_TEXT)
    due_on: dt.date | None = None
    goal: int | None = Field(None, description="one of your goals; null unlinks it")
    status: ActionStatus | None = None


def _out(action: ActionItem) -> dict[str, Any]:
    program = (
        action.circle.program.slug
        if action.circle is not None
        else action.mentorship.program.slug
        if action.mentorship is not None
        else None
    )
    return {
        "id": action.pk,
        "text": action.text,
        "due_on": action.due_on,
        "status": action.status,
        "closed_at": action.closed_at,
        "kind": actions.kind_of(action),
        "goal": action.goal_id,
        "circle_id": action.circle_id,
        "mentorship_id": action.mentorship_id,
        "program": program,
        "created_at": action.created_at,
    }


def _rows(request: AuthedHttpRequest, items: list[ActionItem]) -> list[dict[str, Any]]:
    return [_out(a) for a in items]


def _goal(request: AuthedHttpRequest, goal_id: int | None) -> Goal | None:
    """The caller's goal `goal_id` (anybody else's is refused like a missing one)."""
    if goal_id is None:
        return None
    goal = Goal.objects.filter(pk=goal_id, owner=request.user).first()
    if goal is None:
        raise ServiceError("No such goal of yours.", field="goal")
    return goal


@router.get("/me/actions", response=list[ActionOut])
@paginate(CappedLimitOffset, rows=_rows)
def list_actions(
    request: AuthedHttpRequest, status: Literal["open", "done"] | None = None
) -> QuerySet[ActionItem]:
    """Your action items of every kind (only yours): `open` (not started or in progress) or
    `done` (done or dropped); soonest due first."""
    return actions.list_actions_for_user(user=request.user, status=status)


@router.post("/me/actions", response={201: ActionOut})
def add_action(request: AuthedHttpRequest, payload: ActionIn) -> tuple[int, dict[str, Any]]:
    """One of your own actions (mentorship actions are agreed on the mentorship page)."""
    action = actions.add_action(
        actor=request.user,
        text=payload.text,
        due_on=payload.due_on,
        goal=_goal(request, payload.goal),
    )
    return 201, _out(actions.get_action_for_user(user=request.user, action_id=action.pk))


@router.patch("/me/actions/{action_id}", response=ActionOut)
def patch_action(request: AuthedHttpRequest, action_id: int, payload: ActionPatch) -> Any:
    """Change the status, text, due date or goal of one of your actions (the fields sent)."""
    action = actions.get_action_for_user(user=request.user, action_id=action_id)
    sent = payload.model_dump(exclude_unset=True)
    status = sent.pop("status", None)
    if "goal" in sent:
        sent["goal"] = _goal(request, sent["goal"])
    if "text" in sent and sent["text"] is None:
        raise ServiceError("Say what you will do.", field="text")
    with transaction.atomic():  # both changes or neither
        if sent:
            actions.update_action(action=action, actor=request.user, **sent)
        if status is not None:
            actions.set_action_status(action=action, actor=request.user, status=str(status.value))
    return _out(actions.get_action_for_user(user=request.user, action_id=action.pk))
