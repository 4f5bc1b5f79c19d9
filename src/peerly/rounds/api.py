"""Coffee rounds API, mounted at /api/v1/rounds/ (session authentication)."""

from __future__ import annotations

import datetime as dt

from ninja import Router
from ninja import Schema

from peerly.core.http import AuthedHttpRequest
from peerly.programs.access import access_program
from peerly.programs.models import ProgramKind
from peerly.rounds import reports
from peerly.rounds import selectors
from peerly.rounds import services

router = Router(tags=["coffee rounds"])


class MyGroupOut(Schema):
    round: int
    group_id: int
    status: str
    meets_from: dt.date
    meet_by: dt.date
    partners: list[str]
    suggestions: list[dt.datetime]
    proposed_start: dt.datetime | None
    confirmed_start: dt.datetime | None
    my_answer: str | None  # None = not answered (unknown)
    my_rating: int | None


class RoundOut(Schema):
    number: int
    status: str
    published_at: dt.datetime
    participants: int
    groups: int
    matched: int
    unmatched: int
    not_drawn: int
    repeat_pairs: int
    unavoidable_repeat_pairs: int
    cross_team_rate: float | None
    met_rate: float | None
    report_rate: float | None
    mean_rating: float | None


class CheckinIn(Schema):
    answer: str  # all | some | not_yet | no
    rating: int | None = None
    knew_before: bool | None = None


class CheckinOut(Schema):
    group_id: int
    answer: str
    rating: int | None
    knew_before: bool | None
    answered_at: dt.datetime | None


@router.get("/programs/{slug}/my-groups", response=list[MyGroupOut])
def my_groups(request: AuthedHttpRequest, slug: str) -> list[dict[str, object]]:
    """The viewer's own groups in this programme, newest round first."""
    program = access_program(request.user, slug, kind=ProgramKind.COFFEE, need="member").program
    out = []
    for m in selectors.list_memberships_for_user(user=request.user, program=program):
        group = m.group
        out.append(
            {
                "round": m.round.number,
                "group_id": group.pk,
                "status": m.round.status,
                "meets_from": m.round.meets_from,
                "meet_by": m.round.meet_by,
                "partners": [
                    gm.user.name for gm in group.members.all() if gm.user_id != request.user.pk
                ],
                "suggestions": [dt.datetime.fromisoformat(s) for s in group.suggestions],
                "proposed_start": group.proposed_start,
                "confirmed_start": group.confirmed_start,
                "my_answer": m.answer or None,
                "my_rating": m.rating,
            }
        )
    return out


@router.get("/programs/{slug}/rounds", response=list[RoundOut])
def list_rounds(request: AuthedHttpRequest, slug: str) -> list[dict[str, object]]:
    """Organisers only: every round with its figures (PRODUCT.md §5), newest first."""
    program = access_program(request.user, slug, kind=ProgramKind.COFFEE, need="organiser").program
    return list(reversed(reports.program_figures(program)))


@router.post("/programs/{slug}/groups/{group_id}/checkin", response=CheckinOut)
def submit_checkin(
    request: AuthedHttpRequest, slug: str, group_id: int, payload: CheckinIn
) -> dict[str, object]:
    """Answer "did you meet?" for one of your own groups (answer again to change it)."""
    program = access_program(request.user, slug, kind=ProgramKind.COFFEE, need="member").program
    group = selectors.get_group_for_member(user=request.user, program=program, group_id=group_id)
    # the schema's fields are the service's arguments
    membership = services.submit_checkin(user=request.user, group=group, **payload.model_dump())
    return {
        "group_id": group.pk,
        "answer": membership.answer,
        "rating": membership.rating,
        "knew_before": membership.knew_before,
        "answered_at": membership.answered_at,
    }
