"""What the mentorship pages share: the programme through the one access gateway, the
timeline and partner highlights. "Attempt a service call and say how it went" is
core.viewhelpers (`service_errors`, `submitted`), as on every other page."""

from __future__ import annotations

from typing import Any

from peerly.accounts.models import User
from peerly.accounts.selectors import profile_rows
from peerly.accounts.selectors import visible_fields
from peerly.core.http import AuthedHttpRequest
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.programs.access import AccessResult
from peerly.programs.access import Need
from peerly.programs.access import access_program
from peerly.programs.models import Program

M = MentorshipStatus
KIND = "mentorship"
STEPS = [
    (M.SUBMITTED, "Submitted"),
    (M.ASSIGNED, "Assigned to a mentor"),
    (M.SCREENING, "Screening"),
    (M.ORIENTATION, "Orientation"),
    (M.ACTIVE, "Active (graduated)"),
    (M.ENDED, "Ended"),
]


def access_for_page(request: AuthedHttpRequest, slug: str, need: Need = "viewer") -> AccessResult:
    """The gateway's answer for the mentorship programme behind `slug` (404/403 if `need`
    is not met): the programme, the caller's enrolment and whether they organise it."""
    return access_program(request.user, slug, kind=KIND, need=need)


def program_for(request: AuthedHttpRequest, slug: str, need: Need = "viewer") -> Program:
    """The mentorship programme behind `slug`, if `request.user` has `need` (404/403 if not)."""
    return access_for_page(request, slug, need).program


def organiser_nav(request: AuthedHttpRequest, program: Program, active: str) -> dict[str, object]:
    """The shared programme navigation (templates/programs/_kind_nav.html) on organiser pages."""
    from peerly.programs.views import kind_nav_context

    return kind_nav_context(request, program, active=active, is_organiser=True)


def _timeline(ms: Mentorship) -> list[dict[str, object]]:
    order: list[str] = [s for s, _ in STEPS]
    position = order.index(ms.status) if ms.status in order else -1
    return [
        {"label": label, "done": i < position, "current": i == position}
        for i, (_, label) in enumerate(STEPS)
    ]


def _partner_fields(user: User) -> dict[str, Any]:
    """The partner's profile highlights other programme members may see, ready to print."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return {}
    return dict(profile_rows(profile, visible_fields(profile, "programmes")))


def _answers(ms: Mentorship) -> list[tuple[str, object]]:
    labels = {str(q.pk): q.label for q in ms.program.questions.all()}
    return [(labels.get(k, "?"), v) for k, v in (ms.enrollment.answers or {}).items()]
