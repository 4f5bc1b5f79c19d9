"""Mentorship state changes: one function per transition, atomic, audited, notifying once.

Every transition names the states it may start from (`TRANSITIONS`); anything else is refused
with a `TransitionError` and changes nothing. Capacity is enforced with the mentor profile row
locked (`select_for_update`) and the live mentorships counted inside the same transaction;
`MentorProfile.load <= capacity` is a database check constraint as the backstop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from peerly.accounts.models import Profile, User
from peerly.core import audit
from peerly.core.errors import ServiceError, TransitionError
from peerly.mentorship.models import (
    LOAD_STATUSES,
    OPEN_STATUSES,
    ORIENTATION_ITEMS,
    RUNNING_STATUSES,
    MentorAssignment,
    MentorNomination,
    MentorProfile,
    Mentorship,
    MentorshipSettings,
    MentorshipStatus,
    MentorStatus,
    MonthlyReport,
    NominationKind,
    NominationStatus,
    Recognition,
    RecognitionKind,
    ReportComment,
    RequestKind,
    RequestStatus,
    Review,
    ReviewDirection,
    ReviewRound,
    SupportRequest,
    TermChoice,
)
from peerly.notifications.services import queue_email
from peerly.programs import services as program_services
from peerly.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramKind,
    ProgramStatus,
    Role,
)
from peerly.programs.selectors import is_organizer

M = MentorshipStatus
N = NominationStatus

# Each transition and the states it may start from (the whole state machine in one table).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "assign": (M.SUBMITTED,),
    "start_screening": (M.ASSIGNED,),
    "accept": (M.ASSIGNED, M.SCREENING),
    "decline": (M.ASSIGNED, M.SCREENING),
    "expire_screening": (M.ASSIGNED, M.SCREENING),
    "close": (M.SUBMITTED,),
    "withdraw": (M.SUBMITTED, M.ASSIGNED, M.SCREENING),
    "orientation_item": (M.ORIENTATION,),
    "graduate": (M.ORIENTATION,),
    "file_report": (M.ORIENTATION, M.ACTIVE),
    "file_request": (M.ACTIVE,),
    "recognise": (M.ORIENTATION, M.ACTIVE),
    "request_change": (M.ORIENTATION, M.ACTIVE),
    "answer_term": (M.ORIENTATION, M.ACTIVE),
    "reassign": (M.ORIENTATION, M.ACTIVE),
    "end": (M.ORIENTATION, M.ACTIVE),
}
ACTION_WORDS = {
    "assign": "assign a mentor to",
    "start_screening": "start screening",
    "accept": "accept",
    "decline": "decline",
    "expire_screening": "expire the screening of",
    "close": "close",
    "withdraw": "withdraw",
    "orientation_item": "change the orientation of",
    "graduate": "graduate",
    "file_report": "file a report for",
    "file_request": "file a request for",
    "recognise": "recognise the mentee of",
    "request_change": "ask for a new mentor for",
    "answer_term": "answer the term question of",
    "reassign": "reassign",
    "end": "end",
}
NOMINATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "evaluate": (N.EVALUATION,),
    "training_item": (N.TRAINING,),
    "approve": (N.REVIEW,),
    "decline": (N.EVALUATION, N.TRAINING, N.REVIEW),
    "withdraw": (N.EVALUATION, N.TRAINING, N.REVIEW),
}


# ----------------------------------------------------------------------------- helpers
def get_settings(program: Program) -> MentorshipSettings:
    found = MentorshipSettings.objects.filter(program=program).first()
    if found is not None:
        return found
    with transaction.atomic():
        found, _ = MentorshipSettings.objects.get_or_create(program=program)
    return found


def _url(name: str, **kwargs: Any) -> str:
    return settings.SITE_URL + reverse(f"mentorship:{name}", kwargs=kwargs)


def _program_url(program: Program) -> str:
    return _url("program", slug=program.slug)


def _mentorship_url(ms: Mentorship) -> str:
    return _url("mentorship-detail", slug=ms.program.slug, mentorship_id=ms.pk)


def _stamp(moment: dt.datetime) -> str:
    return f"{moment:%Y%m%d%H%M%S%f}"


def _lock(ms: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("program", "mentee", "mentor", "mentor__user", "enrollment")
        .get(pk=ms.pk)
    )


def _require(ms: Mentorship, action: str) -> None:
    allowed = TRANSITIONS[action]
    if ms.status not in allowed:
        raise TransitionError(
            f"Cannot {ACTION_WORDS[action]} this mentorship: it is "
            f"{ms.get_status_display().lower()} (allowed when "
            f"{' or '.join(M(s).label.lower() for s in allowed)})."
        )


def _require_nomination(nom: MentorNomination, action: str) -> None:
    allowed = NOMINATION_TRANSITIONS[action]
    if nom.status not in allowed:
        raise TransitionError(
            f"Cannot {action} this nomination: it is {nom.get_status_display().lower()}."
        )


def _require_organizer(actor: User, program: Program) -> None:
    if not is_organizer(actor, program):
        raise PermissionDenied("Only this programme's organisers can do that.")


def _require_mentor_of(actor: User, ms: Mentorship) -> MentorProfile:
    if ms.mentor is None or ms.mentor.user_id != actor.pk:
        raise PermissionDenied("Only the assigned mentor can do that.")
    return ms.mentor


def _require_mentee_of(actor: User, ms: Mentorship) -> None:
    if ms.mentee_id != actor.pk:
        raise PermissionDenied("Only the mentee can do that.")


def _is_party(actor: User, ms: Mentorship) -> str | None:
    if ms.mentee_id == actor.pk:
        return "mentee"
    if ms.mentor is not None and ms.mentor.user_id == actor.pk:
        return "mentor"
    return None


def _recount(profile_id: int) -> MentorProfile:
    """Lock the mentor row and store its live-mentorship count (inside the caller's atomic)."""
    profile = MentorProfile.objects.select_for_update().get(pk=profile_id)
    profile.load = Mentorship.objects.filter(mentor_id=profile_id, status__in=LOAD_STATUSES).count()
    profile.save(update_fields=["load", "updated_at"])
    return profile


def _touch_mentor(profile: MentorProfile, now: dt.datetime) -> None:
    MentorProfile.objects.filter(pk=profile.pk).update(
        last_activity_at=now, inactive_flagged_at=None
    )


def _organisers(program: Program) -> list[User]:
    return list(program.organizers.all())


def _notify_organisers(
    program: Program, *, key: str, template: str, context: Mapping[str, Any]
) -> int:
    sent = 0
    for organiser in _organisers(program):
        if (
            queue_email(
                key=f"{key}:{organiser.pk}",
                to=organiser,
                template=template,
                context={"program": program, **context},
            )
            is not None
        ):
            sent += 1
    return sent


def _start_assignment(
    ms: Mentorship, mentor: MentorProfile, actor: User | None, now: dt.datetime
) -> MentorAssignment:
    return MentorAssignment.objects.create(
        mentorship=ms, mentor=mentor, started_at=now, assigned_by=actor if actor else None
    )


def _end_assignment(ms: Mentorship, now: dt.datetime, reason: str) -> None:
    MentorAssignment.objects.filter(mentorship=ms, ended_at__isnull=True).update(
        ended_at=now, end_reason=reason[:300]
    )


def _lock_free_mentor(program: Program, mentor: MentorProfile, ms: Mentorship) -> MentorProfile:
    """Lock the mentor row, check it may take `ms` and has a free place (count inside)."""
    profile = (
        MentorProfile.objects.select_for_update()
        .select_related("user")
        .filter(pk=mentor.pk, program=program)
        .first()
    )
    if profile is None:
        raise ServiceError("This mentor is not part of this programme.", field="mentor")
    name = profile.user.name
    if profile.status != MentorStatus.ACTIVE:
        raise ServiceError(f"{name} is no longer a mentor.", field="mentor")
    if not profile.is_accepting:
        raise ServiceError(f"{name} is not accepting new mentees.", field="mentor")
    if profile.user_id == ms.mentee_id:
        raise ServiceError("Nobody can mentor themselves.", field="mentor")
    count = Mentorship.objects.filter(mentor=profile, status__in=LOAD_STATUSES).count()
    if count >= profile.capacity:
        raise ServiceError(
            f"{name} has no free place ({count} of {profile.capacity} taken).", field="mentor"
        )
    return profile


def _release_enrollment_on_close(ms: Mentorship, actor: User | None, reason: str) -> bool:
    """Close the mentee's pending enrolment too; True if the programme emailed the reason."""
    enrollment = Enrollment.objects.get(pk=ms.enrollment_id)
    if enrollment.status == EnrollmentStatus.APPLIED and actor is not None:
        program_services.decline_enrollment(actor=actor, enrollment=enrollment, reason=reason)
        return True
    return False


# ----------------------------------------------------------------------------- applications
@transaction.atomic
def submit_application(
    *,
    user: User,
    program: Program,
    goals: str,
    wants: str = "",
    answers: Mapping[str, Any] | None = None,
    accept_agreement: bool = False,
) -> Mentorship:
    """Apply for a mentor: joins the programme as mentee if needed, then opens the application."""
    if program.kind != ProgramKind.MENTORSHIP:
        raise ServiceError("This programme has no mentoring.")
    if program.status != ProgramStatus.ACTIVE:
        raise ServiceError("This programme is not open for applications.")
    goals = goals.strip()
    if not goals:
        raise ServiceError("Please describe your goals: mentors read them first.", field="goals")
    if Mentorship.objects.filter(program=program, mentee=user, status__in=OPEN_STATUSES).exists():
        raise ServiceError("You already have an application or a mentorship in this programme.")
    if MentorProfile.objects.filter(
        program=program, user=user, status=MentorStatus.ACTIVE
    ).exists():
        raise ServiceError("You are a mentor in this programme.")
    enrollment = Enrollment.objects.filter(program=program, user=user).first()
    created_pending = False
    live = (EnrollmentStatus.ACTIVE, EnrollmentStatus.APPLIED, EnrollmentStatus.PAUSED)
    if enrollment is not None and enrollment.status in live:
        if enrollment.role != Role.MENTEE:
            raise ServiceError("You are enrolled in this programme as a mentor.")
    else:
        enrollment = program_services.join_program(
            user=user,
            program=program,
            answers=answers,
            accept_agreement=accept_agreement,
            role=Role.MENTEE,
        )
        created_pending = enrollment.status == EnrollmentStatus.APPLIED
    now = timezone.now()
    ms = Mentorship.objects.create(
        program=program,
        mentee=user,
        enrollment=enrollment,
        goals=goals[:5000],
        wants=wants.strip()[:2000],
        submitted_at=now,
    )
    audit.record(actor=user, action="mentorship.submit", obj=ms, program_id=program.pk)
    if not created_pending:  # join_program already told organisers about pending requests
        _notify_organisers(
            program,
            key=f"mentorship-submitted:{ms.pk}",
            template="mentorship_submitted",
            context={"mentorship": ms, "url": _url("manage-assign", slug=program.slug)},
        )
    return ms


@transaction.atomic
def assign_mentor(
    *, actor: User | None, mentorship: Mentorship, mentor: MentorProfile
) -> Mentorship:
    """Organiser assigns an applicant to a mentor with a free place (actor None = the CLI)."""
    ms = _lock(mentorship)
    _require(ms, "assign")
    if actor is not None:
        _require_organizer(actor, ms.program)
    if mentor.pk in [int(i) for i in ms.declined_mentor_ids]:
        raise ServiceError(
            "This mentor already declined or let this application lapse.", field="mentor"
        )
    profile = _lock_free_mentor(ms.program, mentor, ms)
    now = timezone.now()
    cfg = get_settings(ms.program)
    ms.mentor = profile
    ms.status = M.ASSIGNED
    ms.assigned_at = now
    ms.screening_due_at = now + dt.timedelta(days=cfg.screening_days)
    ms.screening_reminded_at = None
    ms.matched_at = ms.matched_at or now
    ms.save()
    _recount(profile.pk)
    assignment = _start_assignment(ms, profile, actor, now)
    audit.record(
        actor=actor,
        action="mentorship.assign",
        obj=ms,
        program_id=ms.program_id,
        data={"mentor_id": profile.user_id},
    )
    queue_email(
        key=f"mentorship-assigned:{assignment.pk}",
        to=profile.user,
        template="mentorship_assigned",
        context={
            "mentorship": ms,
            "program": ms.program,
            "due": ms.screening_due_at,
            "url": _mentorship_url(ms),
        },
    )
    queue_email(
        key=f"mentorship-assigned-mentee:{assignment.pk}",
        to=ms.mentee,
        template="mentorship_assigned_mentee",
        context={
            "mentorship": ms,
            "program": ms.program,
            "mentor": profile.user,
            "url": _program_url(ms.program),
        },
    )
    return ms


@transaction.atomic
def start_screening(*, actor: User, mentorship: Mentorship) -> Mentorship:
    ms = _lock(mentorship)
    _require(ms, "start_screening")
    profile = _require_mentor_of(actor, ms)
    ms.status = M.SCREENING
    ms.save()
    _touch_mentor(profile, timezone.now())
    audit.record(actor=actor, action="mentorship.start_screening", obj=ms, program_id=ms.program_id)
    return ms


@transaction.atomic
def accept_application(*, actor: User, mentorship: Mentorship) -> Mentorship:
    """The mentor accepts: orientation starts and the term clock begins."""
    ms = _lock(mentorship)
    _require(ms, "accept")
    profile = _require_mentor_of(actor, ms)
    now = timezone.now()
    cfg = get_settings(ms.program)
    ms.status = M.ORIENTATION
    ms.accepted_at = now
    ms.screening_due_at = None
    ms.term_ends_on = timezone.localdate(now) + dt.timedelta(days=cfg.term_days)
    ms.save()
    _touch_mentor(profile, now)
    if ms.enrollment.status == EnrollmentStatus.APPLIED:
        program_services.approve_enrollment(actor=actor, enrollment=ms.enrollment)
    audit.record(actor=actor, action="mentorship.accept", obj=ms, program_id=ms.program_id)
    queue_email(
        key=f"mentorship-accepted:{ms.pk}:{_stamp(now)}",
        to=ms.mentee,
        template="mentorship_accepted",
        context={
            "mentorship": ms,
            "program": ms.program,
            "mentor": actor,
            "url": _mentorship_url(ms),
        },
    )
    return ms


def _back_to_pool(ms: Mentorship, now: dt.datetime, reason: str) -> MentorProfile:
    profile = ms.mentor
    assert profile is not None  # noqa: S101 - guaranteed by the state constraint
    ms.declined_mentor_ids = sorted({*map(int, ms.declined_mentor_ids), profile.pk})
    ms.status = M.SUBMITTED
    ms.mentor = None
    ms.assigned_at = None
    ms.screening_due_at = None
    ms.screening_reminded_at = None
    ms.save()
    _end_assignment(ms, now, reason)
    _recount(profile.pk)
    return profile


@transaction.atomic
def decline_application(
    *, actor: User, mentorship: Mentorship, reason: str, back_to_pool: bool = True
) -> Mentorship:
    """The mentor declines: back to the pool (another mentor may fit) or closed."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please give a reason.", field="reason")
    ms = _lock(mentorship)
    _require(ms, "decline")
    profile = _require_mentor_of(actor, ms)
    now = timezone.now()
    _touch_mentor(profile, now)
    if back_to_pool:
        _back_to_pool(ms, now, f"Declined: {reason}")
        audit.record(
            actor=actor,
            action="mentorship.decline",
            obj=ms,
            program_id=ms.program_id,
            reason=reason,
            data={"back_to_pool": True, "mentor_id": actor.pk},
        )
        _notify_organisers(
            ms.program,
            key=f"mentorship-returned:{ms.pk}:{_stamp(now)}",
            template="mentorship_returned",
            context={
                "mentorship": ms,
                "mentor": actor,
                "reason": reason,
                "expired": False,
                "url": _url("manage-assign", slug=ms.program.slug),
            },
        )
        return ms
    ms.status = M.DECLINED
    ms.closing_reason = reason
    ms.ended_at = now
    ms.save()
    _end_assignment(ms, now, f"Declined: {reason}")
    _recount(profile.pk)
    audit.record(
        actor=actor,
        action="mentorship.decline",
        obj=ms,
        program_id=ms.program_id,
        reason=reason,
        data={"back_to_pool": False, "mentor_id": actor.pk},
    )
    if not _release_enrollment_on_close(ms, actor, reason):
        queue_email(
            key=f"mentorship-declined:{ms.pk}",
            to=ms.mentee,
            template="mentorship_declined",
            context={"mentorship": ms, "program": ms.program, "reason": reason},
        )
    return ms


@transaction.atomic
def expire_screening(*, mentorship: Mentorship, now: dt.datetime) -> Mentorship | None:
    """Unanswered screening past its deadline returns to the organisers (for `tick`)."""
    ms = _lock(mentorship)
    _require(ms, "expire_screening")
    if ms.screening_due_at is None or ms.screening_due_at > now:
        return None
    mentor_user = ms.mentor.user  # type: ignore[union-attr]
    _back_to_pool(ms, now, "Screening not answered in time")
    audit.record(
        actor=None,
        action="mentorship.expire_screening",
        obj=ms,
        program_id=ms.program_id,
        reason="Screening not answered in time",
        data={"mentor_id": mentor_user.pk},
    )
    _notify_organisers(
        ms.program,
        key=f"mentorship-returned:{ms.pk}:{_stamp(now)}",
        template="mentorship_returned",
        context={
            "mentorship": ms,
            "mentor": mentor_user,
            "expired": True,
            "reason": "The mentor did not answer in time.",
            "url": _url("manage-assign", slug=ms.program.slug),
        },
    )
    queue_email(
        key=f"mentorship-screening-expired:{ms.pk}:{_stamp(now)}",
        to=mentor_user,
        template="mentorship_screening_expired",
        context={"mentorship": ms, "program": ms.program},
    )
    return ms


@transaction.atomic
def close_application(*, actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
    """Organisers close an application that is waiting in the pool."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please give a reason: the applicant will read it.", field="reason")
    ms = _lock(mentorship)
    _require(ms, "close")
    _require_organizer(actor, ms.program)
    now = timezone.now()
    ms.status = M.DECLINED
    ms.closing_reason = reason
    ms.ended_at = now
    ms.save()
    audit.record(
        actor=actor, action="mentorship.close", obj=ms, program_id=ms.program_id, reason=reason
    )
    if not _release_enrollment_on_close(ms, actor, reason):
        queue_email(
            key=f"mentorship-declined:{ms.pk}",
            to=ms.mentee,
            template="mentorship_declined",
            context={"mentorship": ms, "program": ms.program, "reason": reason},
        )
    return ms


@transaction.atomic
def withdraw_application(*, actor: User, mentorship: Mentorship, reason: str = "") -> Mentorship:
    ms = _lock(mentorship)
    _require(ms, "withdraw")
    _require_mentee_of(actor, ms)
    now = timezone.now()
    profile = ms.mentor
    ms.status = M.WITHDRAWN
    ms.closing_reason = reason.strip()
    ms.ended_at = now
    ms.screening_due_at = None
    ms.save()
    if profile is not None:
        _end_assignment(ms, now, "Applicant withdrew")
        _recount(profile.pk)
        queue_email(
            key=f"mentorship-withdrawn:{ms.pk}",
            to=profile.user,
            template="mentorship_withdrawn",
            context={"mentorship": ms, "program": ms.program},
        )
    audit.record(
        actor=actor, action="mentorship.withdraw", obj=ms, program_id=ms.program_id, reason=reason
    )
    return ms


# ----------------------------------------------------------------------------- orientation
@transaction.atomic
def set_orientation_item(
    *, actor: User, mentorship: Mentorship, item: str, done: bool
) -> Mentorship:
    ms = _lock(mentorship)
    _require(ms, "orientation_item")
    if _is_party(actor, ms) is None:
        raise PermissionDenied("Only the mentee and the mentor can do that.")
    keys = [key for key, _ in ORIENTATION_ITEMS]
    if item not in keys:
        raise ServiceError(f"“{item}” is not an orientation item.")
    now = timezone.now()
    orientation = dict(ms.orientation)
    if done == (item in orientation):
        return ms  # nothing changes: no audit row, no email
    if done:
        orientation[item] = now.isoformat()
    else:
        orientation.pop(item)
    ms.orientation = orientation
    ms.save(update_fields=["orientation", "updated_at"])
    if ms.mentor is not None and ms.mentor.user_id == actor.pk:
        _touch_mentor(ms.mentor, now)
    audit.record(
        actor=actor,
        action="mentorship.orientation_item",
        obj=ms,
        program_id=ms.program_id,
        data={"item": item, "done": done},
    )
    return ms


@transaction.atomic
def update_goals(*, actor: User, mentorship: Mentorship, goals: str) -> Mentorship:
    ms = _lock(mentorship)
    _require_mentee_of(actor, ms)
    if not ms.is_open:
        raise TransitionError("This mentorship is closed; its goals are kept as they were.")
    goals = goals.strip()
    if not goals:
        raise ServiceError("Goals cannot be empty.", field="goals")
    ms.goals = goals[:5000]
    ms.save(update_fields=["goals", "updated_at"])
    audit.record(actor=actor, action="mentorship.goals", obj=ms, program_id=ms.program_id)
    return ms


@transaction.atomic
def graduate_mentee(*, actor: User, mentorship: Mentorship) -> Mentorship:
    """The mentor decides the orientation is over: the mentee becomes active."""
    ms = _lock(mentorship)
    _require(ms, "graduate")
    profile = _require_mentor_of(actor, ms)
    missing = [label for key, label in ORIENTATION_ITEMS if key not in ms.orientation]
    if missing:
        raise ServiceError("The orientation checklist is not complete: " + "; ".join(missing) + ".")
    now = timezone.now()
    ms.status = M.ACTIVE
    ms.graduated_at = now
    ms.save()
    _touch_mentor(profile, now)
    audit.record(actor=actor, action="mentorship.graduate", obj=ms, program_id=ms.program_id)
    queue_email(
        key=f"mentorship-graduated:{ms.pk}",
        to=ms.mentee,
        template="mentorship_graduated",
        context={
            "mentorship": ms,
            "program": ms.program,
            "mentor": actor,
            "url": _mentorship_url(ms),
        },
    )
    return ms


# ----------------------------------------------------------------------------- reports
def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return first_of_month(first_of_month(day) - dt.timedelta(days=1))


@transaction.atomic
def file_report(
    *,
    actor: User,
    mentorship: Mentorship,
    month: dt.date,
    did: str,
    next_steps: str = "",
    blockers: str = "",
) -> MonthlyReport:
    ms = _lock(mentorship)
    _require(ms, "file_report")
    _require_mentee_of(actor, ms)
    did = did.strip()
    if not did:
        raise ServiceError("Please say what you did this month.", field="did")
    now = timezone.now()
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate(now)):
        raise ServiceError("You cannot report on a month that has not started.", field="month")
    started = ms.accepted_at or ms.submitted_at
    if month < first_of_month(timezone.localdate(started)):
        raise ServiceError("That month is before your mentorship started.", field="month")
    if MonthlyReport.objects.filter(mentorship=ms, month=month).exists():
        raise ServiceError(f"You already filed the report for {month:%B %Y}.", field="month")
    report = MonthlyReport.objects.create(
        mentorship=ms,
        month=month,
        did=did[:10000],
        next_steps=next_steps.strip()[:10000],
        blockers=blockers.strip()[:10000],
        submitted_at=now,
    )
    audit.record(
        actor=actor,
        action="mentorship.report",
        obj=report,
        program_id=ms.program_id,
        data={"month": month.isoformat()},
    )
    if ms.mentor is not None:
        queue_email(
            key=f"mentorship-report:{report.pk}",
            to=ms.mentor.user,
            template="mentorship_report_filed",
            context={
                "mentorship": ms,
                "program": ms.program,
                "report": report,
                "url": _url("report-detail", slug=ms.program.slug, report_id=report.pk),
            },
        )
    return report


@transaction.atomic
def comment_on_report(*, actor: User, report: MonthlyReport, body: str) -> ReportComment:
    body = body.strip()
    if not body:
        raise ServiceError("Write a comment first.", field="body")
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    ms = _lock(report.mentorship)
    role = _is_party(actor, ms)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor can comment.")
    now = timezone.now()
    comment = ReportComment.objects.create(
        report=report, author=actor, body=body[:10000], created_at=now
    )
    if role == "mentor":
        if report.reviewed_at is None:
            report.reviewed_at = now
            report.reviewed_by = actor
            report.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        _touch_mentor(ms.mentor, now)  # type: ignore[arg-type]
    audit.record(
        actor=actor, action="mentorship.report_comment", obj=report, program_id=ms.program_id
    )
    other = ms.mentee if role == "mentor" else (ms.mentor.user if ms.mentor else None)
    if other is not None:
        queue_email(
            key=f"mentorship-report-comment:{comment.pk}",
            to=other,
            template="mentorship_report_comment",
            context={
                "mentorship": ms,
                "program": ms.program,
                "report": report,
                "author": actor,
                "url": _url("report-detail", slug=ms.program.slug, report_id=report.pk),
            },
        )
    return comment


# ----------------------------------------------------------------------------- requests
def parse_amount(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError("The amount must be a number.", field="amount") from None
    if value < 0 or value >= Decimal("100000000"):
        raise ServiceError("The amount must be between 0 and 99,999,999.", field="amount")
    return value


@transaction.atomic
def file_request(
    *, actor: User, mentorship: Mentorship, kind: str, amount: Any, justification: str
) -> SupportRequest:
    ms = _lock(mentorship)
    _require(ms, "file_request")
    _require_mentee_of(actor, ms)
    if kind not in RequestKind.values:
        raise ServiceError(f"“{kind}” is not a kind of request.", field="kind")
    value = parse_amount(amount)
    if kind == RequestKind.BUDGET and not value:
        raise ServiceError("A budget request needs an amount.", field="amount")
    justification = justification.strip()
    if not justification:
        raise ServiceError("Please justify the request.", field="justification")
    request = SupportRequest.objects.create(
        mentorship=ms, kind=kind, amount=value, justification=justification[:5000]
    )
    audit.record(
        actor=actor,
        action="mentorship.request",
        obj=request,
        program_id=ms.program_id,
        data={"kind": kind, "amount": str(value or "")},
    )
    if ms.mentor is not None:
        queue_email(
            key=f"mentorship-request:{request.pk}",
            to=ms.mentor.user,
            template="mentorship_request_filed",
            context={
                "mentorship": ms,
                "program": ms.program,
                "request": request,
                "url": _mentorship_url(ms),
            },
        )
    return request


@transaction.atomic
def decide_request(
    *, actor: User, request: SupportRequest, validate: bool, reason: str = ""
) -> SupportRequest:
    request = SupportRequest.objects.select_for_update().get(pk=request.pk)
    ms = _lock(request.mentorship)
    profile = _require_mentor_of(actor, ms)
    if request.status != RequestStatus.PENDING:
        raise TransitionError(f"This request was already {request.get_status_display().lower()}.")
    reason = reason.strip()
    if not validate and not reason:
        raise ServiceError("Please give a reason: the mentee will read it.", field="reason")
    now = timezone.now()
    request.status = RequestStatus.VALIDATED if validate else RequestStatus.DECLINED
    request.decided_by = actor
    request.decided_at = now
    request.decision_reason = reason[:2000]
    request.save()
    _touch_mentor(profile, now)
    audit.record(
        actor=actor,
        action=f"mentorship.request_{request.status}",
        obj=request,
        program_id=ms.program_id,
        reason=reason,
    )
    queue_email(
        key=f"mentorship-request-decided:{request.pk}",
        to=ms.mentee,
        template="mentorship_request_decided",
        context={
            "mentorship": ms,
            "program": ms.program,
            "request": request,
            "url": _mentorship_url(ms),
        },
    )
    return request


@transaction.atomic
def recognise_mentee(*, actor: User, mentorship: Mentorship, kind: str, note: str) -> Recognition:
    ms = _lock(mentorship)
    _require(ms, "recognise")
    profile = _require_mentor_of(actor, ms)
    if kind not in RecognitionKind.values:
        raise ServiceError(f"“{kind}” is not a kind of recognition.", field="kind")
    note = note.strip()
    if not note:
        raise ServiceError("Tell the organisers why.", field="note")
    now = timezone.now()
    item = Recognition.objects.create(
        mentorship=ms, kind=kind, note=note[:3000], created_by=actor, created_at=now
    )
    _touch_mentor(profile, now)
    audit.record(actor=actor, action=f"mentorship.{kind}", obj=item, program_id=ms.program_id)
    _notify_organisers(
        ms.program,
        key=f"mentorship-recognition:{item.pk}",
        template="mentorship_recognition",
        context={
            "mentorship": ms,
            "item": item,
            "mentor": actor,
            "url": _url("manage", slug=ms.program.slug),
        },
    )
    return item


# ----------------------------------------------------------------------------- changes
@transaction.atomic
def request_mentor_change(*, actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
    """Mentee or mentor asks organisers for a different mentor (any time)."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please say why, for the organisers.", field="reason")
    ms = _lock(mentorship)
    _require(ms, "request_change")
    role = _is_party(actor, ms)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor can ask for a change.")
    now = timezone.now()
    ms.reassignment_reason = f"The {role} asked for a change: {reason}"[:2000]
    ms.reassignment_requested_at = now
    ms.save()
    audit.record(
        actor=actor,
        action="mentorship.request_change",
        obj=ms,
        program_id=ms.program_id,
        reason=reason,
    )
    _notify_organisers(
        ms.program,
        key=f"mentorship-change:{ms.pk}:{_stamp(now)}",
        template="mentorship_change_requested",
        context={
            "mentorship": ms,
            "reason": ms.reassignment_reason,
            "url": _url("manage-mentorship", slug=ms.program.slug, mentorship_id=ms.pk),
        },
    )
    return ms


@transaction.atomic
def answer_term(*, actor: User, mentorship: Mentorship, choice: str) -> Mentorship:
    """Renew or change at the end of the term. Both renew → a new term; a change → organisers."""
    if choice not in TermChoice.values:
        raise ServiceError("Choose renew or change.", field="choice")
    ms = _lock(mentorship)
    _require(ms, "answer_term")
    role = _is_party(actor, ms)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor can answer.")
    now = timezone.now()
    if role == "mentee":
        ms.mentee_term_choice = choice
    else:
        ms.mentor_term_choice = choice
    audit_data: dict[str, Any] = {"role": role, "choice": choice}
    if choice == TermChoice.CHANGE:
        ms.reassignment_reason = f"The {role} chose to change mentor at the end of the term."
        ms.reassignment_requested_at = now
        _notify_organisers(
            ms.program,
            key=f"mentorship-change:{ms.pk}:{_stamp(now)}",
            template="mentorship_change_requested",
            context={
                "mentorship": ms,
                "reason": ms.reassignment_reason,
                "url": _url("manage-mentorship", slug=ms.program.slug, mentorship_id=ms.pk),
            },
        )
    elif ms.mentee_term_choice == ms.mentor_term_choice == TermChoice.RENEW:
        cfg = get_settings(ms.program)
        base = ms.term_ends_on or timezone.localdate(now)
        ms.term_ends_on = base + dt.timedelta(days=cfg.term_days)
        ms.mentee_term_choice = ms.mentor_term_choice = ""
        if ms.reassignment_reason.startswith("The term ended"):
            ms.reassignment_reason = ""
        audit_data["renewed_until"] = ms.term_ends_on.isoformat()
    ms.save()
    audit.record(
        actor=actor,
        action="mentorship.answer_term",
        obj=ms,
        program_id=ms.program_id,
        data=audit_data,
    )
    return ms


@transaction.atomic
def reassign_mentor(
    *, actor: User, mentorship: Mentorship, mentor: MentorProfile, reason: str
) -> Mentorship:
    """Organisers hand a running mentorship to another mentor; everything else is kept."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please give a reason for the change.", field="reason")
    ms = _lock(mentorship)
    _require(ms, "reassign")
    _require_organizer(actor, ms.program)
    old = ms.mentor
    assert old is not None  # noqa: S101 - running mentorships always have a mentor
    if old.pk == mentor.pk:
        raise ServiceError("Choose a different mentor.", field="mentor")
    # Lock both rows in a fixed order so two reassignments cannot deadlock.
    for pk in sorted((old.pk, mentor.pk)):
        MentorProfile.objects.select_for_update().filter(pk=pk).first()
    new = _lock_free_mentor(ms.program, mentor, ms)
    now = timezone.now()
    ms.mentor = new
    ms.reassignment_reason = ""
    ms.reassignment_requested_at = None
    ms.mentee_term_choice = ms.mentor_term_choice = ""
    if ms.term_ends_on is None or ms.term_ends_on <= timezone.localdate(now):
        ms.term_ends_on = timezone.localdate(now) + dt.timedelta(
            days=get_settings(ms.program).term_days
        )
    ms.save()
    _end_assignment(ms, now, f"Reassigned: {reason}")
    assignment = _start_assignment(ms, new, actor, now)
    _recount(old.pk)
    _recount(new.pk)
    audit.record(
        actor=actor,
        action="mentorship.reassign",
        obj=ms,
        program_id=ms.program_id,
        reason=reason,
        data={"from": old.user_id, "to": new.user_id},
    )
    context = {
        "mentorship": ms,
        "program": ms.program,
        "old_mentor": old.user,
        "new_mentor": new.user,
        "reason": reason,
    }
    for role, person in (("old", old.user), ("new", new.user), ("mentee", ms.mentee)):
        queue_email(
            key=f"mentorship-reassigned:{assignment.pk}:{role}",
            to=person,
            template="mentorship_reassigned",
            context={
                **context,
                "role": role,
                "url": _program_url(ms.program) if role == "old" else _mentorship_url(ms),
            },
        )
    return ms


@transaction.atomic
def end_mentorship(*, actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please give a reason.", field="reason")
    ms = _lock(mentorship)
    _require(ms, "end")
    role = _is_party(actor, ms)
    if role is None and not is_organizer(actor, ms.program):
        raise PermissionDenied("Only the mentee, the mentor or organisers can end it.")
    now = timezone.now()
    profile = ms.mentor
    ms.status = M.ENDED
    ms.ended_at = now
    ms.closing_reason = reason[:2000]
    ms.save()
    _end_assignment(ms, now, f"Ended: {reason}")
    if profile is not None:
        _recount(profile.pk)
    audit.record(
        actor=actor, action="mentorship.end", obj=ms, program_id=ms.program_id, reason=reason
    )
    people = [ms.mentee] + ([profile.user] if profile else [])
    for person in people:
        if person.pk != actor.pk:
            queue_email(
                key=f"mentorship-ended:{ms.pk}:{person.pk}",
                to=person,
                template="mentorship_ended",
                context={"mentorship": ms, "program": ms.program, "by": actor, "reason": reason},
            )
    return ms


# ----------------------------------------------------------------------------- mentors
@transaction.atomic
def update_mentor_profile(
    *,
    actor: User,
    profile: MentorProfile,
    expertise: str,
    languages: str,
    capacity: int,
    is_accepting: bool,
) -> MentorProfile:
    profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.user_id != actor.pk:
        raise PermissionDenied("This is not your mentor profile.")
    load = Mentorship.objects.filter(mentor=profile, status__in=LOAD_STATUSES).count()
    if capacity < load:
        raise ServiceError(
            f"You have {load} mentee(s): capacity cannot go below that.", field="capacity"
        )
    if not 0 <= capacity <= 50:
        raise ServiceError("Capacity must be between 0 and 50.", field="capacity")
    changed = {
        "capacity": [profile.capacity, capacity],
        "is_accepting": [profile.is_accepting, is_accepting],
    }
    profile.expertise = expertise.strip()[:2000]
    profile.languages = languages.strip()[:300]
    profile.capacity = capacity
    profile.load = load
    profile.is_accepting = is_accepting
    profile.last_activity_at = timezone.now()
    profile.save()
    audit.record(
        actor=actor,
        action="mentor.update",
        obj=profile,
        program_id=profile.program_id,
        data=changed,
    )
    return profile


@transaction.atomic
def nominate_mentor(
    *,
    actor: User,
    program: Program,
    nominee: User,
    statement: str,
    expertise: str = "",
    evaluator: User | None = None,
) -> MentorNomination:
    """A mentor nominates someone (→ training), or a member nominates themself (→ evaluation)."""
    if program.kind != ProgramKind.MENTORSHIP or program.status != ProgramStatus.ACTIVE:
        raise ServiceError("This programme does not take mentor nominations now.")
    statement = statement.strip()
    if not statement:
        raise ServiceError("Please say why this person would be a good mentor.", field="statement")
    is_self = actor.pk == nominee.pk
    actor_is_mentor = MentorProfile.objects.filter(
        program=program, user=actor, status=MentorStatus.ACTIVE
    ).exists()
    if not is_self and not actor_is_mentor:
        raise PermissionDenied("Only mentors can nominate someone else.")
    if MentorProfile.objects.filter(
        program=program, user=nominee, status=MentorStatus.ACTIVE
    ).exists():
        raise ServiceError(f"{nominee.name} is already a mentor.")
    if MentorNomination.objects.filter(
        program=program, nominee=nominee, status__in=NOMINATION_TRANSITIONS["withdraw"]
    ).exists():
        raise ServiceError(f"{nominee.name} already has a nomination in progress.")
    if (
        evaluator is not None
        and not MentorProfile.objects.filter(
            program=program, user=evaluator, status=MentorStatus.ACTIVE
        ).exists()
    ):
        raise ServiceError("The evaluator must be a mentor of this programme.", field="evaluator")
    nom = MentorNomination.objects.create(
        program=program,
        nominee=nominee,
        nominated_by=actor,
        kind=NominationKind.SELF if is_self else NominationKind.DIRECT,
        status=N.EVALUATION if is_self else N.TRAINING,
        statement=statement[:5000],
        expertise=expertise.strip()[:2000],
        evaluator=None if is_self and evaluator is None else (evaluator or actor),
        is_recommended=None if is_self else True,
    )
    audit.record(
        actor=actor,
        action="nomination.create",
        obj=nom,
        program_id=program.pk,
        data={"kind": nom.kind},
    )
    url = _url("nomination-detail", slug=program.slug, nomination_id=nom.pk)
    if is_self:
        if nom.evaluator is not None:
            queue_email(
                key=f"mentorship-nomination-evaluate:{nom.pk}",
                to=nom.evaluator,
                template="mentorship_nomination_evaluate",
                context={"nomination": nom, "program": program, "url": url},
            )
    else:
        queue_email(
            key=f"mentorship-nominated:{nom.pk}",
            to=nominee,
            template="mentorship_nominated",
            context={"nomination": nom, "program": program, "url": url},
        )
    return nom


def _lock_nomination(nom: MentorNomination) -> MentorNomination:
    return (
        MentorNomination.objects.select_for_update()
        .select_related("program", "nominee")
        .get(pk=nom.pk)
    )


@transaction.atomic
def evaluate_nomination(
    *, actor: User, nomination: MentorNomination, recommend: bool, evaluation: str
) -> MentorNomination:
    nom = _lock_nomination(nomination)
    if (
        actor.pk == nom.nominee_id
        or not MentorProfile.objects.filter(
            program=nom.program, user=actor, status=MentorStatus.ACTIVE
        ).exists()
    ):
        raise PermissionDenied("Only another mentor can evaluate this nomination.")
    if nom.evaluator_id is not None and nom.evaluator_id != actor.pk:
        raise PermissionDenied("Another mentor was asked to evaluate this nomination.")
    _require_nomination(nom, "evaluate")
    evaluation = evaluation.strip()
    if not evaluation:
        raise ServiceError("Please write your evaluation for the organisers.", field="evaluation")
    nom.evaluator = actor
    nom.is_recommended = recommend
    nom.evaluation = evaluation[:5000]
    nom.status = N.TRAINING if recommend else N.REVIEW
    nom.save()
    audit.record(
        actor=actor,
        action="nomination.evaluate",
        obj=nom,
        program_id=nom.program_id,
        data={"recommend": recommend},
    )
    url = _url("nomination-detail", slug=nom.program.slug, nomination_id=nom.pk)
    if recommend:
        queue_email(
            key=f"mentorship-nominated:{nom.pk}",
            to=nom.nominee,
            template="mentorship_nominated",
            context={"nomination": nom, "program": nom.program, "url": url},
        )
    else:
        _notify_organisers(
            nom.program,
            key=f"mentorship-nomination-review:{nom.pk}",
            template="mentorship_nomination_review",
            context={"nomination": nom, "url": url},
        )
    return nom


@transaction.atomic
def set_training_item(
    *, actor: User, nomination: MentorNomination, index: int, done: bool
) -> MentorNomination:
    """The nominee ticks the coaching-training checklist; all ticked → organisers decide."""
    nom = _lock_nomination(nomination)
    if actor.pk != nom.nominee_id:
        raise PermissionDenied("Only the nominee completes the training checklist.")
    _require_nomination(nom, "training_item")
    items = get_settings(nom.program).training_items
    if not 0 <= index < len(items):
        raise ServiceError("No such training item.")
    done_set = set(nom.training_done)
    if done == (index in done_set):
        return nom
    done_set.add(index) if done else done_set.discard(index)
    nom.training_done = sorted(done_set)
    if len(done_set) == len(items):
        nom.status = N.REVIEW
    nom.save()
    audit.record(
        actor=actor,
        action="nomination.training",
        obj=nom,
        program_id=nom.program_id,
        data={"item": index, "done": done},
    )
    if nom.status == N.REVIEW:
        _notify_organisers(
            nom.program,
            key=f"mentorship-nomination-review:{nom.pk}",
            template="mentorship_nomination_review",
            context={
                "nomination": nom,
                "url": _url("nomination-detail", slug=nom.program.slug, nomination_id=nom.pk),
            },
        )
    return nom


@transaction.atomic
def approve_nomination(
    *, actor: User, nomination: MentorNomination, capacity: int | None = None
) -> MentorProfile:
    """Organisers approve: the nominee's enrolment becomes role=mentor, active."""
    nom = _lock_nomination(nomination)
    _require_organizer(actor, nom.program)
    _require_nomination(nom, "approve")
    program = nom.program
    if Mentorship.objects.filter(
        program=program, mentee=nom.nominee, status__in=OPEN_STATUSES
    ).exists():
        raise ServiceError(
            f"{nom.nominee.name} still has an open mentorship as a mentee; "
            "end it before making them a mentor."
        )
    now = timezone.now()
    cfg = get_settings(program)
    enrollment = (
        Enrollment.objects.select_for_update().filter(program=program, user=nom.nominee).first()
    )
    if enrollment is None:
        enrollment = Enrollment(program=program, user=nom.nominee)
    enrollment.role = Role.MENTOR
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.joined_at = enrollment.joined_at or now
    enrollment.left_at = None
    enrollment.decided_by = actor
    enrollment.decided_at = now
    enrollment.save()
    Profile.objects.get_or_create(user=nom.nominee)
    profile = (
        MentorProfile.objects.select_for_update().filter(program=program, user=nom.nominee).first()
    )
    if profile is None:
        profile = MentorProfile(
            program=program,
            user=nom.nominee,
            enrollment=enrollment,
            capacity=capacity if capacity is not None else cfg.default_capacity,
        )
    profile.enrollment = enrollment
    profile.status = MentorStatus.ACTIVE
    profile.expertise = profile.expertise or nom.expertise
    profile.is_accepting = True
    profile.approved_at = now
    profile.last_activity_at = now
    profile.resigned_at = None
    profile.inactive_flagged_at = None
    if capacity is not None:
        profile.capacity = capacity
    profile.save()
    nom.status = N.APPROVED
    nom.decided_by = actor
    nom.decided_at = now
    nom.save()
    audit.record(actor=actor, action="nomination.approve", obj=nom, program_id=program.pk)
    audit.record(actor=actor, action="enrollment.mentor", obj=enrollment, program_id=program.pk)
    queue_email(
        key=f"mentorship-nomination-decided:{nom.pk}",
        to=nom.nominee,
        template="mentorship_nomination_decided",
        context={
            "nomination": nom,
            "program": program,
            "approved": True,
            "url": _url("mentor-dashboard", slug=program.slug),
        },
    )
    return profile


@transaction.atomic
def decline_nomination(
    *, actor: User, nomination: MentorNomination, reason: str
) -> MentorNomination:
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please give a reason: the nominee will read it.", field="reason")
    nom = _lock_nomination(nomination)
    _require_organizer(actor, nom.program)
    _require_nomination(nom, "decline")
    nom.status = N.DECLINED
    nom.decided_by = actor
    nom.decided_at = timezone.now()
    nom.decision_reason = reason[:2000]
    nom.save()
    audit.record(
        actor=actor, action="nomination.decline", obj=nom, program_id=nom.program_id, reason=reason
    )
    queue_email(
        key=f"mentorship-nomination-decided:{nom.pk}",
        to=nom.nominee,
        template="mentorship_nomination_decided",
        context={
            "nomination": nom,
            "program": nom.program,
            "approved": False,
            "reason": reason,
            "url": _program_url(nom.program),
        },
    )
    return nom


@transaction.atomic
def withdraw_nomination(*, actor: User, nomination: MentorNomination) -> MentorNomination:
    nom = _lock_nomination(nomination)
    if actor.pk != nom.nominee_id:
        raise PermissionDenied("Only the nominee can withdraw.")
    _require_nomination(nom, "withdraw")
    nom.status = N.WITHDRAWN
    nom.save()
    audit.record(actor=actor, action="nomination.withdraw", obj=nom, program_id=nom.program_id)
    return nom


@transaction.atomic
def resign_mentor(
    *, actor: User, profile: MentorProfile, reason: str, replacement: MentorProfile | None = None
) -> MentorProfile:
    """A mentor steps down and recommends a replacement; mentees wait for reassignment."""
    reason = reason.strip()
    if not reason:
        raise ServiceError("Please say why, for the organisers.", field="reason")
    profile = (
        MentorProfile.objects.select_for_update()
        .select_related("program", "user", "enrollment")
        .get(pk=profile.pk)
    )
    if profile.user_id != actor.pk:
        raise PermissionDenied("This is not your mentor profile.")
    if profile.status != MentorStatus.ACTIVE:
        raise TransitionError("You have already resigned.")
    if replacement is not None and (
        replacement.program_id != profile.program_id
        or replacement.pk == profile.pk
        or replacement.status != MentorStatus.ACTIVE
    ):
        raise ServiceError(
            "The replacement must be another active mentor of this programme.", field="replacement"
        )
    now = timezone.now()
    profile.status = MentorStatus.RESIGNED
    profile.is_accepting = False
    profile.resigned_at = now
    profile.resignation_reason = reason[:2000]
    profile.recommended_replacement = replacement
    profile.save()
    for ms in Mentorship.objects.filter(mentor=profile, status__in=("assigned", "screening")):
        ms = _lock(ms)
        _back_to_pool(ms, now, "Mentor resigned")
        audit.record(
            actor=actor,
            action="mentorship.expire_screening",
            obj=ms,
            program_id=ms.program_id,
            reason="Mentor resigned",
        )
    hint = f" Recommended replacement: {replacement.user.name}." if replacement else ""
    Mentorship.objects.filter(mentor=profile, status__in=RUNNING_STATUSES).update(
        reassignment_reason=f"The mentor resigned.{hint}"[:2000],
        reassignment_requested_at=now,
    )
    if profile.enrollment.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED):
        program_services.leave_program(user=actor, enrollment=profile.enrollment, reason=reason)
    audit.record(
        actor=actor,
        action="mentor.resign",
        obj=profile,
        program_id=profile.program_id,
        reason=reason,
        data={"replacement": replacement.user_id if replacement else None},
    )
    _notify_organisers(
        profile.program,
        key=f"mentorship-mentor-resigned:{profile.pk}:{_stamp(now)}",
        template="mentorship_mentor_resigned",
        context={
            "mentor": profile,
            "reason": reason,
            "replacement": replacement,
            "url": _url("manage", slug=profile.program.slug),
        },
    )
    return profile


@transaction.atomic
def flag_inactive_mentor(*, profile: MentorProfile, now: dt.datetime, since: dt.datetime) -> bool:
    """Tell organisers once that a mentor with mentees has gone quiet (for `tick`)."""
    profile = (
        MentorProfile.objects.select_for_update()
        .select_related("program", "user")
        .get(pk=profile.pk)
    )
    if profile.inactive_flagged_at is not None:
        return False
    profile.inactive_flagged_at = now
    profile.save(update_fields=["inactive_flagged_at", "updated_at"])
    audit.record(
        actor=None,
        action="mentor.inactive",
        obj=profile,
        program_id=profile.program_id,
        data={"last_activity": since.isoformat()},
    )
    _notify_organisers(
        profile.program,
        key=f"mentorship-mentor-inactive:{profile.pk}:{_stamp(now)}",
        template="mentorship_mentor_inactive",
        context={
            "mentor": profile,
            "since": since,
            "url": _url("manage", slug=profile.program.slug),
        },
    )
    return True


# ----------------------------------------------------------------------------- reviews
@transaction.atomic
def open_review_round(*, actor: User | None, program: Program, now: dt.datetime) -> ReviewRound:
    """Open this year's feedback round: every running pair reviews each other."""
    if actor is not None:
        _require_organizer(actor, program)
    today = timezone.localdate(now)
    if ReviewRound.objects.filter(program=program, year=today.year).exists():
        raise ServiceError(f"The {today.year} feedback round is already open.")
    cfg = get_settings(program)
    rnd = ReviewRound.objects.create(
        program=program,
        year=today.year,
        opened_at=now,
        closes_on=today + dt.timedelta(days=cfg.review_days),
    )
    pairs = Mentorship.objects.filter(
        program=program, status__in=RUNNING_STATUSES, mentor__isnull=False
    ).select_related("mentor__user", "mentee")
    reviews = []
    for ms in pairs:
        mentor = ms.mentor.user  # type: ignore[union-attr]
        reviews.append(
            Review(
                round=rnd,
                mentorship=ms,
                direction=ReviewDirection.OF_MENTEE,
                reviewer=mentor,
                reviewee=ms.mentee,
            )
        )
        reviews.append(
            Review(
                round=rnd,
                mentorship=ms,
                direction=ReviewDirection.OF_MENTOR,
                reviewer=ms.mentee,
                reviewee=mentor,
            )
        )
    Review.objects.bulk_create(reviews)
    audit.record(
        actor=actor,
        action="review_round.open",
        obj=rnd,
        program_id=program.pk,
        data={"reviews": len(reviews)},
    )
    for review in Review.objects.filter(round=rnd).select_related("reviewer", "reviewee"):
        queue_email(
            key=f"mentorship-review:{review.pk}",
            to=review.reviewer,
            template="mentorship_review_open",
            context={
                "review": review,
                "program": program,
                "round": rnd,
                "url": _url("review-edit", slug=program.slug, review_id=review.pk),
            },
        )
    return rnd


@transaction.atomic
def submit_review(
    *, actor: User, review: Review, strengths: str, improve: str, rating: int | None
) -> Review:
    review = (
        Review.objects.select_for_update()
        .select_related("round", "round__program")
        .get(pk=review.pk)
    )
    if review.reviewer_id != actor.pk:
        raise PermissionDenied("This is not your review to write.")
    if not review.round.is_open_on(timezone.localdate()):
        raise TransitionError("This feedback round is closed.")
    if rating is None or not 1 <= int(rating) <= 5:
        raise ServiceError("Choose a rating from 1 to 5.", field="rating")
    strengths, improve = strengths.strip(), improve.strip()
    if not strengths and not improve:
        raise ServiceError(
            "Write at least one strength or one thing to improve.", field="strengths"
        )
    first = review.submitted_at is None
    review.strengths = strengths[:5000]
    review.improve = improve[:5000]
    review.rating = int(rating)
    review.submitted_at = timezone.now()
    review.save()
    audit.record(
        actor=actor, action="review.submit", obj=review, program_id=review.round.program_id
    )  # no text in the audit: confidential
    if first:
        queue_email(
            key=f"mentorship-review-received:{review.pk}",
            to=review.reviewee,
            template="mentorship_review_received",
            context={
                "review": review,
                "program": review.round.program,
                "url": _url("review-list", slug=review.round.program.slug),
            },
        )
    return review


# ----------------------------------------------------------------------------- batches
def plan_batch(
    *, program: Program, method: str = "optimal", seed: int = 0, now: dt.datetime | None = None
) -> list[Any]:
    """Preview an automatic assignment of every waiting applicant (nothing is saved)."""
    from peerly.mentorship import matching_bridge

    if method not in matching_bridge.METHODS:
        raise ServiceError(f"Unknown method “{method}”: use optimal or stable.", field="method")
    now = now or timezone.now()
    waiting = list(
        Mentorship.objects.filter(program=program, status=M.SUBMITTED)
        .select_related("mentee", "mentee__profile")
        .prefetch_related("mentee__profile__windows")
        .order_by("submitted_at", "pk")
    )
    mentors = list(
        MentorProfile.objects.filter(program=program, status=MentorStatus.ACTIVE)
        .select_related("user", "user__profile")
        .prefetch_related("user__profile__windows")
        .order_by("user_id")
    )
    if not waiting:
        return []
    return matching_bridge.plan(
        waiting, mentors, method=method, seed=seed, reference=timezone.localdate(now)
    )


def apply_batch(
    *, actor: User | None, program: Program, pairs: list[tuple[int, int]]
) -> tuple[list[Mentorship], list[tuple[int, str]]]:
    """Save previewed (mentorship id, mentor profile id) pairs one by one; each is checked
    again under lock, so a pair that has become impossible is reported, not forced."""
    if actor is not None:
        _require_organizer(actor, program)
    done: list[Mentorship] = []
    failed: list[tuple[int, str]] = []
    for ms_id, mentor_id in pairs:
        ms = Mentorship.objects.filter(program=program, pk=ms_id).first()
        mentor = MentorProfile.objects.filter(program=program, pk=mentor_id).first()
        if ms is None or mentor is None:
            failed.append((ms_id, "No longer exists."))
            continue
        try:
            done.append(assign_mentor(actor=actor, mentorship=ms, mentor=mentor))
        except ServiceError as exc:
            failed.append((ms_id, exc.message))
    return done, failed
