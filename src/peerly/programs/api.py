from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Field
from ninja import Router
from ninja import Schema
from ninja.pagination import paginate

from peerly.accounts.selectors import profile_fields_for_viewer
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import CappedLimitOffset
from peerly.programs import selectors
from peerly.programs.models import Enrollment

router = Router(tags=["programmes"])


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    timezone: str


class ProgramOut(Schema):
    slug: str
    name: str
    kind: str
    status: str
    purpose: str
    cadence: str
    group_size: int
    enrollment_mode: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    my_status: str | None = None


class MemberOut(Schema):
    user_id: int
    email: str
    display_name: str
    team: str | None = Field(description="null when the member hides it from organisers")
    timezone: str | None = Field(description="null when the member hides it from organisers")
    role: str
    status: str
    joined_at: dt.datetime | None


@router.get("/me", response=MeOut)
def me(request: AuthedHttpRequest) -> dict[str, object]:
    user = request.user
    profile = getattr(user, "profile", None)
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "timezone": profile.timezone if profile else "UTC",
    }


def _program_out(program: object, mine: list) -> dict[str, object]:  # type: ignore[type-arg]
    data = {f: getattr(program, f) for f in ProgramOut.model_fields if f != "my_status"}
    data["my_status"] = mine[0].status if mine else None
    return data


@router.get("/programs", response=list[ProgramOut])
def list_programs(request: AuthedHttpRequest) -> list[dict[str, object]]:
    programs = selectors.list_programs_for_user(user=request.user)
    return [_program_out(p, getattr(p, "mine", [])) for p in programs]


@router.get("/programs/{slug}", response=ProgramOut)
def get_program(request: AuthedHttpRequest, slug: str) -> dict[str, object]:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    mine = selectors.get_enrollment_for_user(user=request.user, program=program)
    return _program_out(program, [mine] if mine else [])


def _member_rows(request: AuthedHttpRequest, members: list[Any]) -> list[dict[str, object]]:
    """One page of enrolments → rows, with visibility worked out once for the page."""
    program = request.peerly_program  # type: ignore[attr-defined]
    shown = profile_fields_for_viewer(
        viewer=request.user,
        users=[e.user for e in members],
        program=program,
        names=["team", "timezone"],
    )
    return [
        {
            "user_id": e.user_id,
            "email": e.user.email,
            "display_name": e.user.display_name,
            "team": shown[e.user_id].get("team"),
            "timezone": shown[e.user_id].get("timezone"),
            "role": e.role,
            "status": e.status,
            "joined_at": e.joined_at,
        }
        for e in members
    ]


@router.get("/programs/{slug}/members", response=list[MemberOut])
@paginate(CappedLimitOffset, rows=_member_rows)
def list_members(
    request: AuthedHttpRequest, slug: str, status: str = "", q: str = ""
) -> QuerySet[Enrollment]:
    """Organisers only: members with the fields organisers may see, one page at a time
    (`limit` up to 200, `offset`; the answer carries `count`, the total)."""
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    request.peerly_program = program  # type: ignore[attr-defined]
    return selectors.list_members_for_organiser(program=program, q=q, status=status)
