"""Mentorship API (/api/v1/mentorship/): my mentorship (mentee), my mentees (mentor),
file a monthly report. Same services and selectors as the web pages."""

from __future__ import annotations

import datetime as dt

from ninja import Router
from ninja import Schema

from peerly.core.http import AuthedHttpRequest
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.models import Mentorship
from peerly.programs.access import access_program

router = Router(tags=["mentorship"])


class ReportOut(Schema):
    id: int
    month: dt.date
    did: str
    next_steps: str
    blockers: str
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None


class MyMentorshipOut(Schema):
    id: int
    status: str
    status_label: str
    goals: str
    mentor: str | None
    mentor_email: str | None
    submitted_at: dt.datetime
    screening_due_at: dt.datetime | None
    accepted_at: dt.datetime | None
    graduated_at: dt.datetime | None
    term_ends_on: dt.date | None
    orientation: dict[str, bool]
    reports: list[ReportOut]


class MenteeOut(Schema):
    mentorship_id: int
    mentee: str
    mentee_email: str
    status: str
    last_report: dt.date | None
    unreviewed_reports: int
    term_ends_on: dt.date | None


class ReportIn(Schema):
    month: dt.date
    did: str
    next_steps: str = ""
    blockers: str = ""


def _mine(ms: Mentorship) -> dict[str, object]:
    mentor = ms.mentor.user if ms.mentor else None
    return {
        "id": ms.pk,
        "status": ms.status,
        "status_label": ms.get_status_display(),
        "goals": ms.goals,
        "mentor": mentor.name if mentor else None,
        "mentor_email": mentor.email if mentor else None,
        "submitted_at": ms.submitted_at,
        "screening_due_at": ms.screening_due_at,
        "accepted_at": ms.accepted_at,
        "graduated_at": ms.graduated_at,
        "term_ends_on": ms.term_ends_on,
        "orientation": {key: done for key, _, done in ms.orientation_items},
        "reports": list(ms.reports.order_by("-month")),
    }


@router.get("/programs/{slug}/my-mentorship", response=MyMentorshipOut)
def my_mentorship(request: AuthedHttpRequest, slug: str) -> dict[str, object]:
    """The caller's application or mentorship as a mentee (404 if they have none)."""
    program = access_program(request.user, slug, kind="mentorship").program
    ms = selectors.get_current_mentorship(user=request.user, program=program)
    if ms is None:
        from django.http import Http404

        raise Http404("You have no application in this programme.")
    return _mine(ms)


@router.get("/programs/{slug}/my-mentees", response=list[MenteeOut])
def my_mentees(request: AuthedHttpRequest, slug: str) -> list[dict[str, object]]:
    """Mentors only: their current mentees (never anyone else's)."""
    program = access_program(request.user, slug, kind="mentorship").program
    profile = selectors.get_own_mentor_profile(user=request.user, program=program)
    return [
        {
            "mentorship_id": ms.pk,
            "mentee": ms.mentee.name,
            "mentee_email": ms.mentee.email,
            "status": ms.status,
            "last_report": ms.last_report,  # type: ignore[attr-defined]
            "unreviewed_reports": ms.unreviewed,  # type: ignore[attr-defined]
            "term_ends_on": ms.term_ends_on,
        }
        for ms in selectors.list_mentees_for_mentor(profile=profile)
    ]


@router.post("/programs/{slug}/mentorships/{mentorship_id}/reports", response={201: ReportOut})
def file_report(
    request: AuthedHttpRequest, slug: str, mentorship_id: int, payload: ReportIn
) -> tuple[int, object]:
    """The mentee files a monthly report (month: any day of the month reported on)."""
    program = access_program(request.user, slug, kind="mentorship").program
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    # the schema's fields are the service's arguments
    report = services.file_report(actor=request.user, mentorship=ms, **payload.model_dump())
    return 201, report
