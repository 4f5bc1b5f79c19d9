"""Applications: submit, assign, screen, accept or decline, close, withdraw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.mentorship import emails
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.services._common import M
from peerly.mentorship.services._common import _back_to_pool
from peerly.mentorship.services._common import _end_assignment
from peerly.mentorship.services._common import _lock
from peerly.mentorship.services._common import _lock_free_mentor
from peerly.mentorship.services._common import _recount
from peerly.mentorship.services._common import _release_enrollment_on_close
from peerly.mentorship.services._common import _require_mentee_of
from peerly.mentorship.services._common import _require_mentor_of
from peerly.mentorship.services._common import _require_organiser
from peerly.mentorship.services._common import _start_assignment
from peerly.mentorship.services._common import _touch_mentor
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import finish
from peerly.mentorship.services._common import lock_for
from peerly.mentorship.services._common import required
from peerly.mentorship.services.configuration import get_settings
from peerly.programs import services as program_services
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.programs.models import Role


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
        raise ServiceError(_("This programme has no mentoring."))
    if program.status != ProgramStatus.ACTIVE:
        raise ServiceError(_("This programme is not open for applications."))
    goals = required(goals, "Please describe your goals: mentors read them first.", field="goals")
    if Mentorship.objects.filter(program=program, mentee=user, status__in=OPEN_STATUSES).exists():
        raise ServiceError(_("You already have an application or a mentorship in this programme."))
    if MentorProfile.objects.filter(
        program=program, user=user, status=MentorStatus.ACTIVE
    ).exists():
        raise ServiceError(_("You are a mentor in this programme."))
    enrollment = Enrollment.objects.filter(program=program, user=user).first()
    created_pending = False
    live = (EnrollmentStatus.ACTIVE, EnrollmentStatus.APPLIED, EnrollmentStatus.PAUSED)
    if enrollment is not None and enrollment.status in live:
        if enrollment.role != Role.MENTEE:
            raise ServiceError(_("You are enrolled in this programme as a mentor."))
    else:
        enrollment = program_services.join_program(
            user=user,
            program=program,
            answers=answers,
            accept_agreement=accept_agreement,
            role=Role.MENTEE,
        )
        created_pending = enrollment.status == EnrollmentStatus.APPLIED
    ms = Mentorship(
        program=program,
        mentee=user,
        enrollment=enrollment,
        goals=goals[:5000],
        wants=wants.strip()[:2000],
        submitted_at=current_time(),
    )
    finish(ms, actor=user, action="mentorship.submit", program_id=program.pk)
    if not created_pending:  # join_program already told organisers about pending requests
        emails.submitted(ms=ms)
    return ms


@transaction.atomic
def assign_mentor(
    *, actor: User | None, mentorship: Mentorship, mentor: MentorProfile
) -> Mentorship:
    """Organiser assigns an applicant to a mentor with a free place (actor None = the CLI)."""
    ms = lock_for(mentorship, "assign")
    if actor is not None:
        _require_organiser(actor, ms.program)
    if mentor.pk in [int(i) for i in ms.declined_mentor_ids]:
        raise ServiceError(
            _("This mentor already declined or let this application lapse."), field="mentor"
        )
    profile = _lock_free_mentor(ms.program, mentor, ms)
    now = current_time()
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
    finish(
        ms,
        actor=actor,
        action="mentorship.assign",
        data={"mentor_id": profile.user_id},
        save=False,
    )
    emails.assigned(ms=ms, assignment=assignment, mentor=profile.user)
    return ms


@transaction.atomic
def start_screening(*, actor: User, mentorship: Mentorship) -> Mentorship:
    ms = lock_for(mentorship, "start_screening")
    profile = _require_mentor_of(actor, ms)
    ms.status = M.SCREENING
    _touch_mentor(profile, current_time())
    finish(ms, actor=actor, action="mentorship.start_screening")
    return ms


@transaction.atomic
def remind_screening(*, mentorship: Mentorship, now: dt.datetime) -> bool:
    """Remind the mentor once before the screening deadline (for `tick`); True if reminded."""
    ms = _lock(mentorship)
    if (
        ms.status not in (M.ASSIGNED, M.SCREENING)
        or ms.screening_reminded_at is not None
        or ms.screening_due_at is None
        or ms.screening_due_at <= now
    ):
        return False
    ms.screening_reminded_at = now
    finish(
        ms,
        actor=None,
        action="mentorship.screening_reminder",
        fields=["screening_reminded_at"],
    )
    emails.screening_reminder(ms=ms)
    return True


@transaction.atomic
def accept_application(*, actor: User, mentorship: Mentorship) -> Mentorship:
    """The mentor accepts: orientation starts and the term clock begins."""
    ms = lock_for(mentorship, "accept")
    profile = _require_mentor_of(actor, ms)
    now = current_time()
    cfg = get_settings(ms.program)
    ms.status = M.ORIENTATION
    ms.accepted_at = now
    ms.screening_due_at = None
    ms.term_ends_on = timezone.localdate(now) + dt.timedelta(days=cfg.term_days)
    ms.save()
    _touch_mentor(profile, now)
    if ms.enrollment.status == EnrollmentStatus.APPLIED:
        program_services.approve_enrollment(actor=actor, enrollment=ms.enrollment)
    finish(ms, actor=actor, action="mentorship.accept", save=False)
    emails.accepted(ms=ms, mentor=actor, now=now)
    return ms


@transaction.atomic
def decline_application(
    *, actor: User, mentorship: Mentorship, reason: str, back_to_pool: bool = True
) -> Mentorship:
    """The mentor declines: back to the pool (another mentor may fit) or closed."""
    reason = required(reason, "Please give a reason.", field="reason")
    ms = lock_for(mentorship, "decline")
    profile = _require_mentor_of(actor, ms)
    now = current_time()
    _touch_mentor(profile, now)
    if back_to_pool:
        _back_to_pool(ms, now, f"Declined: {reason}")
    else:
        ms.status = M.DECLINED
        ms.closing_reason = reason
        ms.ended_at = now
        ms.save()
        _end_assignment(ms, now, f"Declined: {reason}")
        _recount(profile.pk)
    finish(
        ms,
        actor=actor,
        action="mentorship.decline",
        reason=reason,
        data={"back_to_pool": back_to_pool, "mentor_id": actor.pk},
        save=False,
    )
    if back_to_pool:
        emails.returned_to_pool(ms=ms, mentor=actor, reason=reason, expired=False, now=now)
    elif not _release_enrollment_on_close(ms, actor, reason):
        emails.declined(ms=ms, reason=reason)
    return ms


@transaction.atomic
def expire_screening(*, mentorship: Mentorship, now: dt.datetime) -> Mentorship | None:
    """Unanswered screening past its deadline returns to the organisers (for `tick`)."""
    ms = lock_for(mentorship, "expire_screening")
    if ms.screening_due_at is None or ms.screening_due_at > now:
        return None
    mentor_user = ms.mentor.user  # type: ignore[union-attr]
    reason = "Screening not answered in time"
    _back_to_pool(ms, now, reason)
    finish(
        ms,
        actor=None,
        action="mentorship.expire_screening",
        reason=reason,
        data={"mentor_id": mentor_user.pk},
        save=False,
    )
    emails.returned_to_pool(
        ms=ms,
        mentor=mentor_user,
        reason="The mentor did not answer in time.",
        expired=True,
        now=now,
    )
    emails.screening_expired(ms=ms, mentor=mentor_user, now=now)
    return ms


@transaction.atomic
def close_application(*, actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
    """Organisers close an application that is waiting in the pool."""
    reason = required(reason, "Please give a reason: the applicant will read it.", field="reason")
    ms = lock_for(mentorship, "close")
    _require_organiser(actor, ms.program)
    ms.status = M.DECLINED
    ms.closing_reason = reason
    ms.ended_at = current_time()
    finish(ms, actor=actor, action="mentorship.close", reason=reason)
    if not _release_enrollment_on_close(ms, actor, reason):
        emails.declined(ms=ms, reason=reason)
    return ms


@transaction.atomic
def withdraw_application(*, actor: User, mentorship: Mentorship, reason: str = "") -> Mentorship:
    ms = lock_for(mentorship, "withdraw")
    _require_mentee_of(actor, ms)
    now = current_time()
    profile = ms.mentor
    ms.status = M.WITHDRAWN
    ms.closing_reason = reason.strip()
    ms.ended_at = now
    ms.screening_due_at = None
    ms.save()
    if profile is not None:
        _end_assignment(ms, now, "Applicant withdrew")
        _recount(profile.pk)
        emails.withdrawn(ms=ms, mentor=profile.user)
    finish(
        ms,
        actor=actor,
        action="mentorship.withdraw",
        reason=reason,
        save=False,
    )
    return ms
