"""/api/v1/circles/: my circles, my sessions, my action items (update status)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router
from ninja import Schema

from peerly.circles import selectors
from peerly.circles import services
from peerly.core.http import AuthedHttpRequest
from peerly.growth.models import ActionStatus
from peerly.programs.access import access_program

router = Router(tags=["circles"])


class CircleMemberOut(Schema):
    user_id: int
    display_name: str


class CircleOut(Schema):
    id: int
    program: str
    season: int
    name: str
    slot_status: str
    members: list[CircleMemberOut]


class SessionOut(Schema):
    id: int
    circle_id: int
    program: str
    number: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str


class ActionOut(Schema):
    id: int
    circle_id: int
    program: str
    text: str
    due_on: dt.date | None
    status: str


class ActionStatusIn(Schema):
    status: ActionStatus


def _action(a) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "id": a.pk,
        "circle_id": a.circle_id,
        "program": a.circle.program.slug,
        "text": a.text,
        "due_on": a.due_on,
        "status": a.status,
    }


@router.get("/mine", response=list[CircleOut])
def my_circles(request: AuthedHttpRequest, program: str = "") -> list[dict[str, object]]:
    prog = access_program(request.user, program, kind="circle").program if program else None
    return [
        {
            "id": c.pk,
            "program": c.program.slug,
            "season": c.season.number,
            "name": c.name,
            "slot_status": c.slot_status,
            "members": [
                {"user_id": m.user_id, "display_name": m.user.name} for m in c.memberships.all()
            ],
        }
        for c in selectors.list_circles_for_member(user=request.user, program=prog)
    ]


@router.get("/sessions", response=list[SessionOut])
def my_sessions(request: AuthedHttpRequest, upcoming: bool = True) -> list[dict[str, object]]:
    since = timezone.now() - dt.timedelta(hours=3) if upcoming else None
    return [
        {
            "id": s.pk,
            "circle_id": s.circle_id,
            "program": s.circle.program.slug,
            "number": s.number,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "status": s.status,
        }
        for s in selectors.list_sessions_for_user(user=request.user, since=since)
    ]


@router.get("/actions", response=list[ActionOut])
def my_actions(request: AuthedHttpRequest, open_only: bool = False) -> list[dict[str, object]]:
    return [
        _action(a) for a in selectors.list_actions_for_user(user=request.user, open_only=open_only)
    ]


@router.post("/actions/{action_id}", response=ActionOut)
def update_my_action(
    request: AuthedHttpRequest, action_id: int, payload: ActionStatusIn
) -> dict[str, object]:
    """Only the owner of an action item changes it through the API (404 for anyone else)."""
    action = selectors.get_own_action(user=request.user, action_id=action_id)
    action = services.update_action(
        actor=request.user, action=action, status=str(payload.status.value)
    )
    action.refresh_from_db()
    return _action(selectors.get_own_action(user=request.user, action_id=action.pk))
