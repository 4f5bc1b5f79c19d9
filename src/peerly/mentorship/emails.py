"""Every mentorship email, one function per event.

Services (and only services) call these inside their transaction; the outbox key makes each
event send once however often it is retried. Keys are part of the contract with emails already
queued: do not change their shape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse

from peerly.accounts.models import User
from peerly.mentorship.models import (
    MentorAssignment,
    MentorNomination,
    MentorProfile,
    Mentorship,
    MonthlyReport,
    Recognition,
    ReportComment,
    Review,
    ReviewRound,
    SupportRequest,
)
from peerly.notifications.muting import is_muted
from peerly.notifications.services import queue_email
from peerly.programs.models import Program


# ----------------------------------------------------------------------------- links
def url(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(f"mentorship:{name}", kwargs=kwargs)


def program_url(program: Program) -> str:
    return url("program", slug=program.slug)


def mentorship_url(ms: Mentorship) -> str:
    return url("mentorship-detail", slug=ms.program.slug, mentorship_id=ms.pk)


def stamp(moment: dt.datetime) -> str:
    return f"{moment:%Y%m%d%H%M%S%f}"


def _send(*, key: str, to: Any, template: str, context: Mapping[str, Any]) -> bool:
    """Queue one email (False inside notifications.muting.muted(): the demo's history)."""
    if is_muted():
        return False
    return queue_email(key=key, to=to, template=template, context=context) is not None


def _about(
    ms: Mentorship, *, key: str, to: Any, template: str, url: str = "", **extra: Any
) -> bool:
    """One email about mentorship `ms` (its context names the mentorship and programme)."""
    context = {"mentorship": ms, "program": ms.program, **extra}
    if url:
        context["url"] = url
    return _send(key=key, to=to, template=template, context=context)


def _to_organisers(program: Program, *, key: str, template: str, context: Mapping[str, Any]) -> int:
    sent = 0
    for organiser in program.organisers.all():
        sent += _send(
            key=f"{key}:{organiser.pk}",
            to=organiser,
            template=template,
            context={"program": program, **context},
        )
    return sent


# ----------------------------------------------------------------------------- applications
def submitted(*, ms: Mentorship) -> None:
    _to_organisers(
        ms.program,
        key=f"mentorship-submitted:{ms.pk}",
        template="mentorship_submitted",
        context={"mentorship": ms, "url": url("manage-assign", slug=ms.program.slug)},
    )


def assigned(*, ms: Mentorship, assignment: MentorAssignment, mentor: User) -> None:
    _about(
        ms,
        key=f"mentorship-assigned:{assignment.pk}",
        to=mentor,
        template="mentorship_assigned",
        due=ms.screening_due_at,
        url=mentorship_url(ms),
    )
    _about(
        ms,
        key=f"mentorship-assigned-mentee:{assignment.pk}",
        to=ms.mentee,
        template="mentorship_assigned_mentee",
        mentor=mentor,
        url=program_url(ms.program),
    )


def screening_reminder(*, ms: Mentorship) -> None:
    _about(
        ms,
        key=f"mentorship-screening-reminder:{ms.pk}:{ms.assigned_at:%Y%m%d%H%M%S}",
        to=ms.mentor.user,  # type: ignore[union-attr]
        template="mentorship_screening_reminder",
        due=ms.screening_due_at,
        url=mentorship_url(ms),
    )


def accepted(*, ms: Mentorship, mentor: User, now: dt.datetime) -> None:
    _about(
        ms,
        key=f"mentorship-accepted:{ms.pk}:{stamp(now)}",
        to=ms.mentee,
        template="mentorship_accepted",
        mentor=mentor,
        url=mentorship_url(ms),
    )


def returned_to_pool(
    *, ms: Mentorship, mentor: User, reason: str, expired: bool, now: dt.datetime
) -> None:
    _to_organisers(
        ms.program,
        key=f"mentorship-returned:{ms.pk}:{stamp(now)}",
        template="mentorship_returned",
        context={
            "mentorship": ms,
            "mentor": mentor,
            "reason": reason,
            "expired": expired,
            "url": url("manage-assign", slug=ms.program.slug),
        },
    )


def screening_expired(*, ms: Mentorship, mentor: User, now: dt.datetime) -> None:
    _about(
        ms,
        key=f"mentorship-screening-expired:{ms.pk}:{stamp(now)}",
        to=mentor,
        template="mentorship_screening_expired",
    )


def declined(*, ms: Mentorship, reason: str) -> None:
    _about(
        ms,
        key=f"mentorship-declined:{ms.pk}",
        to=ms.mentee,
        template="mentorship_declined",
        reason=reason,
    )


def withdrawn(*, ms: Mentorship, mentor: User) -> None:
    _about(
        ms,
        key=f"mentorship-withdrawn:{ms.pk}",
        to=mentor,
        template="mentorship_withdrawn",
    )


# ----------------------------------------------------------------------------- orientation
def graduated(*, ms: Mentorship, mentor: User) -> None:
    _about(
        ms,
        key=f"mentorship-graduated:{ms.pk}",
        to=ms.mentee,
        template="mentorship_graduated",
        mentor=mentor,
        url=mentorship_url(ms),
    )


# ----------------------------------------------------------------------------- reports, requests
def _report_url(ms: Mentorship, report: MonthlyReport) -> str:
    return url("report-detail", slug=ms.program.slug, report_id=report.pk)


def report_filed(*, ms: Mentorship, report: MonthlyReport, mentor: User) -> None:
    _about(
        ms,
        key=f"mentorship-report:{report.pk}",
        to=mentor,
        template="mentorship_report_filed",
        report=report,
        url=_report_url(ms, report),
    )


def report_comment(
    *, ms: Mentorship, report: MonthlyReport, comment: ReportComment, to: User
) -> None:
    _about(
        ms,
        key=f"mentorship-report-comment:{comment.pk}",
        to=to,
        template="mentorship_report_comment",
        report=report,
        author=comment.author,
        url=_report_url(ms, report),
    )


def report_reminder(*, ms: Mentorship, month: dt.date) -> bool:
    return _about(
        ms,
        key=f"mentorship-report-reminder:{ms.pk}:{month:%Y-%m}",
        to=ms.mentee,
        template="mentorship_report_reminder",
        month=month,
        url=url("report-create", slug=ms.program.slug, mentorship_id=ms.pk),
    )


def report_overdue(*, ms: Mentorship, month: dt.date) -> bool:
    """Tell mentee and mentor; True when the mentee's email is new."""
    told_mentee = False
    for role, person in (("mentee", ms.mentee), ("mentor", ms.mentor.user)):  # type: ignore[union-attr]
        sent = _about(
            ms,
            key=f"mentorship-report-overdue:{ms.pk}:{month:%Y-%m}:{role}",
            to=person,
            template="mentorship_report_overdue",
            month=month,
            for_mentee=role == "mentee",
            url=mentorship_url(ms),
        )
        told_mentee = told_mentee or (sent and role == "mentee")
    return told_mentee


def request_filed(*, ms: Mentorship, request: SupportRequest, mentor: User) -> None:
    _about(
        ms,
        key=f"mentorship-request:{request.pk}",
        to=mentor,
        template="mentorship_request_filed",
        request=request,
        url=mentorship_url(ms),
    )


def request_decided(*, ms: Mentorship, request: SupportRequest) -> None:
    _about(
        ms,
        key=f"mentorship-request-decided:{request.pk}",
        to=ms.mentee,
        template="mentorship_request_decided",
        request=request,
        url=mentorship_url(ms),
    )


def recognition(*, ms: Mentorship, item: Recognition, mentor: User) -> None:
    _to_organisers(
        ms.program,
        key=f"mentorship-recognition:{item.pk}",
        template="mentorship_recognition",
        context={
            "mentorship": ms,
            "item": item,
            "mentor": mentor,
            "url": url("manage", slug=ms.program.slug),
        },
    )


# ----------------------------------------------------------------------------- changes
def _manage_url(ms: Mentorship) -> str:
    return url("manage-mentorship", slug=ms.program.slug, mentorship_id=ms.pk)


def change_requested(*, ms: Mentorship, now: dt.datetime) -> None:
    _to_organisers(
        ms.program,
        key=f"mentorship-change:{ms.pk}:{stamp(now)}",
        template="mentorship_change_requested",
        context={"mentorship": ms, "reason": ms.reassignment_reason, "url": _manage_url(ms)},
    )


def term_ask(*, ms: Mentorship) -> None:
    for role, person in (("mentee", ms.mentee), ("mentor", ms.mentor.user)):  # type: ignore[union-attr]
        _about(
            ms,
            key=f"mentorship-term:{ms.pk}:{ms.term_ends_on}:{role}",
            to=person,
            template="mentorship_term_ask",
            url=mentorship_url(ms),
        )


def term_ended(*, ms: Mentorship) -> None:
    _to_organisers(
        ms.program,
        key=f"mentorship-term-ended:{ms.pk}:{ms.term_ends_on}",
        template="mentorship_term_ended",
        context={"mentorship": ms, "url": _manage_url(ms)},
    )


def reassigned(
    *, ms: Mentorship, assignment: MentorAssignment, old: User, new: User, reason: str
) -> None:
    for role, person in (("old", old), ("new", new), ("mentee", ms.mentee)):
        _about(
            ms,
            key=f"mentorship-reassigned:{assignment.pk}:{role}",
            to=person,
            template="mentorship_reassigned",
            old_mentor=old,
            new_mentor=new,
            reason=reason,
            role=role,
            url=program_url(ms.program) if role == "old" else mentorship_url(ms),
        )


def ended(*, ms: Mentorship, by: User, reason: str, people: Iterable[User]) -> None:
    for person in people:
        _about(
            ms,
            key=f"mentorship-ended:{ms.pk}:{person.pk}",
            to=person,
            template="mentorship_ended",
            by=by,
            reason=reason,
        )


# ----------------------------------------------------------------------------- mentors
def _nomination_url(nom: MentorNomination) -> str:
    return url("nomination-detail", slug=nom.program.slug, nomination_id=nom.pk)


def nomination_to_evaluate(*, nom: MentorNomination, evaluator: User) -> None:
    _send(
        key=f"mentorship-nomination-evaluate:{nom.pk}",
        to=evaluator,
        template="mentorship_nomination_evaluate",
        context={"nomination": nom, "program": nom.program, "url": _nomination_url(nom)},
    )


def nominated(*, nom: MentorNomination) -> None:
    _send(
        key=f"mentorship-nominated:{nom.pk}",
        to=nom.nominee,
        template="mentorship_nominated",
        context={"nomination": nom, "program": nom.program, "url": _nomination_url(nom)},
    )


def nomination_to_review(*, nom: MentorNomination) -> None:
    _to_organisers(
        nom.program,
        key=f"mentorship-nomination-review:{nom.pk}",
        template="mentorship_nomination_review",
        context={"nomination": nom, "url": _nomination_url(nom)},
    )


def nomination_decided(*, nom: MentorNomination, approved: bool, reason: str = "") -> None:
    context: dict[str, Any] = {"nomination": nom, "program": nom.program, "approved": approved}
    if approved:
        context["url"] = url("mentor-dashboard", slug=nom.program.slug)
    else:
        context |= {"reason": reason, "url": program_url(nom.program)}
    _send(
        key=f"mentorship-nomination-decided:{nom.pk}",
        to=nom.nominee,
        template="mentorship_nomination_decided",
        context=context,
    )


def mentor_resigned(
    *, profile: MentorProfile, reason: str, replacement: MentorProfile | None, now: dt.datetime
) -> None:
    _to_organisers(
        profile.program,
        key=f"mentorship-mentor-resigned:{profile.pk}:{stamp(now)}",
        template="mentorship_mentor_resigned",
        context={
            "mentor": profile,
            "reason": reason,
            "replacement": replacement,
            "url": url("manage", slug=profile.program.slug),
        },
    )


def mentor_inactive(*, profile: MentorProfile, since: dt.datetime, now: dt.datetime) -> None:
    _to_organisers(
        profile.program,
        key=f"mentorship-mentor-inactive:{profile.pk}:{stamp(now)}",
        template="mentorship_mentor_inactive",
        context={
            "mentor": profile,
            "since": since,
            "url": url("manage", slug=profile.program.slug),
        },
    )


# ----------------------------------------------------------------------------- reviews
def review_open(*, review: Review, rnd: ReviewRound) -> None:
    _send(
        key=f"mentorship-review:{review.pk}",
        to=review.reviewer,
        template="mentorship_review_open",
        context={
            "review": review,
            "program": rnd.program,
            "round": rnd,
            "url": url("review-edit", slug=rnd.program.slug, review_id=review.pk),
        },
    )


def review_received(*, review: Review) -> None:
    program = review.round.program
    _send(
        key=f"mentorship-review-received:{review.pk}",
        to=review.reviewee,
        template="mentorship_review_received",
        context={
            "review": review,
            "program": program,
            "url": url("review-list", slug=program.slug),
        },
    )
