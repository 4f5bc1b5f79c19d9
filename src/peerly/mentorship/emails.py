"""Every mentorship email, one function per event.

Services (and only services) call these inside their transaction; the outbox key makes each
event send once however often it is retried. Keys are part of the contract with emails already
queued: do not change their shape (`_event` builds them as "mentorship-<event>:<parts>").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse

from peerly.accounts.models import User
from peerly.mentorship.models import MentorAssignment
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Recognition
from peerly.mentorship.models import ReportComment
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewRound
from peerly.mentorship.models import SupportRequest
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


def _event(
    event: str, *parts: object, to: Any, context: Mapping[str, Any], template: str = ""
) -> bool:
    """Email `event`: key "mentorship-<event>:<parts>", template "mentorship_<event>".

    `template` overrides the name for the few events whose template predates the convention.
    """
    return _send(
        key=":".join([f"mentorship-{event}", *map(str, parts)]),
        to=to,
        template=template or "mentorship_" + event.replace("-", "_"),
        context=context,
    )


def _about(
    ms: Mentorship, event: str, *parts: object, to: Any, template: str = "", **extra: Any
) -> bool:
    """One email about mentorship `ms` (its context names the mentorship and programme)."""
    context = {"mentorship": ms, "program": ms.program, **extra}
    if not context.get("url"):
        context.pop("url", None)
    return _event(event, *parts, to=to, template=template, context=context)


def _to_organisers(
    program: Program, event: str, *parts: object, template: str = "", **context: Any
) -> int:
    sent = 0
    for organiser in program.organisers.all():
        sent += _event(
            event,
            *parts,
            organiser.pk,
            to=organiser,
            template=template,
            context={"program": program, **context},
        )
    return sent


# ----------------------------------------------------------------------------- applications
def _assign_url(ms: Mentorship) -> str:
    return url("manage-assign", slug=ms.program.slug)


def submitted(*, ms: Mentorship) -> None:
    _to_organisers(ms.program, "submitted", ms.pk, mentorship=ms, url=_assign_url(ms))


def assigned(*, ms: Mentorship, assignment: MentorAssignment, mentor: User) -> None:
    due, link = ms.screening_due_at, mentorship_url(ms)
    _about(ms, "assigned", assignment.pk, to=mentor, due=due, url=link)
    link = program_url(ms.program)
    _about(ms, "assigned-mentee", assignment.pk, to=ms.mentee, mentor=mentor, url=link)


def screening_reminder(*, ms: Mentorship) -> None:
    mentor = ms.mentor.user  # type: ignore[union-attr]
    since = f"{ms.assigned_at:%Y%m%d%H%M%S}"
    due, link = ms.screening_due_at, mentorship_url(ms)
    _about(ms, "screening-reminder", ms.pk, since, to=mentor, due=due, url=link)


def accepted(*, ms: Mentorship, mentor: User, now: dt.datetime) -> None:
    link = mentorship_url(ms)
    _about(ms, "accepted", ms.pk, stamp(now), to=ms.mentee, mentor=mentor, url=link)


def returned_to_pool(
    *, ms: Mentorship, mentor: User, reason: str, expired: bool, now: dt.datetime
) -> None:
    _to_organisers(
        ms.program,
        "returned",
        ms.pk,
        stamp(now),
        mentorship=ms,
        mentor=mentor,
        reason=reason,
        expired=expired,
        url=_assign_url(ms),
    )


def screening_expired(*, ms: Mentorship, mentor: User, now: dt.datetime) -> None:
    _about(ms, "screening-expired", ms.pk, stamp(now), to=mentor)


def declined(*, ms: Mentorship, reason: str) -> None:
    _about(ms, "declined", ms.pk, to=ms.mentee, reason=reason)


def withdrawn(*, ms: Mentorship, mentor: User) -> None:
    _about(ms, "withdrawn", ms.pk, to=mentor)


# ----------------------------------------------------------------------------- orientation
def graduated(*, ms: Mentorship, mentor: User) -> None:
    _about(ms, "graduated", ms.pk, to=ms.mentee, mentor=mentor, url=mentorship_url(ms))


# ----------------------------------------------------------------------------- reports, requests
def _report_url(ms: Mentorship, report: MonthlyReport) -> str:
    return url("report-detail", slug=ms.program.slug, report_id=report.pk)


def report_filed(*, ms: Mentorship, report: MonthlyReport, mentor: User) -> None:
    link = _report_url(ms, report)
    _about(
        ms,
        "report",
        report.pk,
        to=mentor,
        template="mentorship_report_filed",
        report=report,
        url=link,
    )


def report_comment(
    *, ms: Mentorship, report: MonthlyReport, comment: ReportComment, to: User
) -> None:
    link, author = _report_url(ms, report), comment.author
    _about(ms, "report-comment", comment.pk, to=to, report=report, author=author, url=link)


def report_reminder(*, ms: Mentorship, month: dt.date) -> bool:
    link = url("report-create", slug=ms.program.slug, mentorship_id=ms.pk)
    return _about(
        ms, "report-reminder", ms.pk, f"{month:%Y-%m}", to=ms.mentee, month=month, url=link
    )


def report_overdue(*, ms: Mentorship, month: dt.date) -> bool:
    """Tell mentee and mentor; True when the mentee's email is new."""
    told_mentee = False
    for role, person in (("mentee", ms.mentee), ("mentor", ms.mentor.user)):  # type: ignore[union-attr]
        sent = _about(
            ms,
            "report-overdue",
            ms.pk,
            f"{month:%Y-%m}",
            role,
            to=person,
            month=month,
            for_mentee=role == "mentee",
            url=mentorship_url(ms),
        )
        told_mentee = told_mentee or (sent and role == "mentee")
    return told_mentee


def request_filed(*, ms: Mentorship, request: SupportRequest, mentor: User) -> None:
    link, template = mentorship_url(ms), "mentorship_request_filed"
    _about(ms, "request", request.pk, to=mentor, template=template, request=request, url=link)


def request_decided(*, ms: Mentorship, request: SupportRequest) -> None:
    link = mentorship_url(ms)
    _about(ms, "request-decided", request.pk, to=ms.mentee, request=request, url=link)


def recognition(*, ms: Mentorship, item: Recognition, mentor: User) -> None:
    link = url("manage", slug=ms.program.slug)
    _to_organisers(
        ms.program, "recognition", item.pk, mentorship=ms, item=item, mentor=mentor, url=link
    )


# ----------------------------------------------------------------------------- changes
def _manage_url(ms: Mentorship) -> str:
    return url("manage-mentorship", slug=ms.program.slug, mentorship_id=ms.pk)


def change_requested(*, ms: Mentorship, now: dt.datetime) -> None:
    _to_organisers(
        ms.program,
        "change",
        ms.pk,
        stamp(now),
        template="mentorship_change_requested",
        mentorship=ms,
        reason=ms.reassignment_reason,
        url=_manage_url(ms),
    )


def term_ask(*, ms: Mentorship) -> None:
    link, template = mentorship_url(ms), "mentorship_term_ask"
    for role, person in (("mentee", ms.mentee), ("mentor", ms.mentor.user)):  # type: ignore[union-attr]
        _about(ms, "term", ms.pk, ms.term_ends_on, role, to=person, template=template, url=link)


def term_ended(*, ms: Mentorship) -> None:
    _to_organisers(
        ms.program, "term-ended", ms.pk, ms.term_ends_on, mentorship=ms, url=_manage_url(ms)
    )


def reassigned(
    *, ms: Mentorship, assignment: MentorAssignment, old: User, new: User, reason: str
) -> None:
    for role, person in (("old", old), ("new", new), ("mentee", ms.mentee)):
        _about(
            ms,
            "reassigned",
            assignment.pk,
            role,
            to=person,
            old_mentor=old,
            new_mentor=new,
            reason=reason,
            role=role,
            url=program_url(ms.program) if role == "old" else mentorship_url(ms),
        )


def ended(*, ms: Mentorship, by: User, reason: str, people: Iterable[User]) -> None:
    for person in people:
        _about(ms, "ended", ms.pk, person.pk, to=person, by=by, reason=reason)


# ----------------------------------------------------------------------------- mentors
def _nomination(
    nom: MentorNomination, event: str, *, to: Any, link: str = "", **extra: Any
) -> None:
    """One email about nomination `nom` (linking to the nomination unless `link` says else)."""
    context = {"nomination": nom, "program": nom.program, **extra}
    context["url"] = link or _nomination_url(nom)
    _event(event, nom.pk, to=to, context=context)


def _nomination_url(nom: MentorNomination) -> str:
    return url("nomination-detail", slug=nom.program.slug, nomination_id=nom.pk)


def nomination_to_evaluate(*, nom: MentorNomination, evaluator: User) -> None:
    _nomination(nom, "nomination-evaluate", to=evaluator)


def nominated(*, nom: MentorNomination) -> None:
    _nomination(nom, "nominated", to=nom.nominee)


def nomination_to_review(*, nom: MentorNomination) -> None:
    link = _nomination_url(nom)
    _to_organisers(nom.program, "nomination-review", nom.pk, nomination=nom, url=link)


def nomination_decided(*, nom: MentorNomination, approved: bool, reason: str = "") -> None:
    if approved:
        extra = {"link": url("mentor-dashboard", slug=nom.program.slug)}
    else:
        extra = {"reason": reason, "link": program_url(nom.program)}
    _nomination(nom, "nomination-decided", to=nom.nominee, approved=approved, **extra)


def _about_mentor(profile: MentorProfile, event: str, now: dt.datetime, **context: Any) -> None:
    """Tell the organisers about mentor `profile` (linking to the manage page)."""
    link = url("manage", slug=profile.program.slug)
    _to_organisers(
        profile.program, event, profile.pk, stamp(now), mentor=profile, url=link, **context
    )


def mentor_resigned(
    *, profile: MentorProfile, reason: str, replacement: MentorProfile | None, now: dt.datetime
) -> None:
    _about_mentor(profile, "mentor-resigned", now, reason=reason, replacement=replacement)


def mentor_inactive(*, profile: MentorProfile, since: dt.datetime, now: dt.datetime) -> None:
    _about_mentor(profile, "mentor-inactive", now, since=since)


# ----------------------------------------------------------------------------- reviews
def review_open(*, review: Review, rnd: ReviewRound) -> None:
    link = url("review-edit", slug=rnd.program.slug, review_id=review.pk)
    context = {"review": review, "program": rnd.program, "round": rnd, "url": link}
    _event(
        "review", review.pk, to=review.reviewer, template="mentorship_review_open", context=context
    )


def review_received(*, review: Review) -> None:
    program = review.round.program
    context = {"review": review, "program": program, "url": url("review-list", slug=program.slug)}
    _event("review-received", review.pk, to=review.reviewee, context=context)
