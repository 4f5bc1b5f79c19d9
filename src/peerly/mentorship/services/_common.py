"""What every mentorship service shares: the transition tables, locks, checks, and `finish`,
the one ending (save → audit) each write goes through before it sends its emails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.statemachine import Transitions
from peerly.mentorship.models import LOAD_STATUSES
from peerly.mentorship.models import MentorAssignment
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.models import NominationStatus
from peerly.programs import services as program_services
from peerly.programs.access import is_organiser
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program

M = MentorshipStatus
N = NominationStatus

_CLOCK: ContextVar[dt.datetime | None] = ContextVar("mentorship_clock", default=None)


def current_time() -> dt.datetime:
    """ "Now" for every mentorship service: the real time, or the moment set by `clock`."""
    return _CLOCK.get() or timezone.now()


@contextmanager
def clock(moment: dt.datetime) -> Iterator[None]:
    """Run services as if it were `moment` (the demo replays months of history this way)."""
    token = _CLOCK.set(moment)
    try:
        yield
    finally:
        _CLOCK.reset(token)


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
    "assign": gettext_lazy("assign a mentor to"),
    "start_screening": gettext_lazy("start screening"),
    "accept": gettext_lazy("accept"),
    "decline": gettext_lazy("decline"),
    "expire_screening": gettext_lazy("expire the screening of"),
    "close": gettext_lazy("close"),
    "withdraw": gettext_lazy("withdraw"),
    "orientation_item": gettext_lazy("change the orientation of"),
    "graduate": gettext_lazy("graduate"),
    "file_report": gettext_lazy("file a report for"),
    "file_request": gettext_lazy("file a request for"),
    "recognise": gettext_lazy("recognise the mentee of"),
    "request_change": gettext_lazy("ask for a new mentor for"),
    "answer_term": gettext_lazy("answer the term question of"),
    "reassign": gettext_lazy("reassign"),
    "end": gettext_lazy("end"),
}
NOMINATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "evaluate": (N.EVALUATION,),
    "training_item": (N.TRAINING,),
    "approve": (N.REVIEW,),
    "decline": (N.EVALUATION, N.TRAINING, N.REVIEW),
    "withdraw": (N.EVALUATION, N.TRAINING, N.REVIEW),
}

# The tables as state machines (core.statemachine): one message format for every refusal.
MACHINE = Transitions(TRANSITIONS, labels=M, words=ACTION_WORDS, noun=gettext_lazy("mentorship"))
NOMINATION_MACHINE = Transitions(NOMINATION_TRANSITIONS, labels=N, noun=gettext_lazy("nomination"))


def required(value: str, message: str, *, field: str) -> str:
    """`value` stripped, or a ServiceError on `field` with `message` when it is empty."""
    value = value.strip()
    if not value:
        raise ServiceError(message, field=field)
    return value


def finish(
    obj: models.Model,
    *,
    actor: User | None,
    action: str,
    program_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: list[str] | None = None,
    save: bool = True,
) -> None:
    """The common ending of a write: save the locked row, then one audit row for the action,
    filed under `program_id` (default: the row's own programme).
    (The caller sends its emails after this, through `peerly.mentorship.emails`.)"""
    if save:
        if fields is not None:
            obj.save(update_fields=[*fields, "updated_at"])
        else:
            obj.save()
    if program_id is None:
        program_id = obj.program_id  # type: ignore[attr-defined]  # every mentorship row has one
    audit.record(
        actor=actor, action=action, obj=obj, program_id=program_id, reason=reason, data=data
    )


def lock_for(mentorship: Mentorship, action: str) -> Mentorship:
    """Lock the mentorship row and check `action` may start from its state."""
    ms = _lock(mentorship)
    _require(ms, action)
    return ms


def _lock(ms: Mentorship) -> Mentorship:
    return relock(ms, "program", "mentee", "mentor", "mentor__user", "enrollment")


def _require(ms: Mentorship, action: str) -> None:
    MACHINE.check(ms.status, action)


def _require_nomination(nom: MentorNomination, action: str) -> None:
    NOMINATION_MACHINE.check(nom.status, action)


def _require_organiser(actor: User, program: Program) -> None:
    if not is_organiser(actor, program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))


def _require_mentor_of(actor: User, ms: Mentorship) -> MentorProfile:
    if ms.mentor is None or ms.mentor.user_id != actor.pk:
        raise PermissionDenied(_("Only the assigned mentor can do that."))
    return ms.mentor


def _require_mentee_of(actor: User, ms: Mentorship) -> None:
    if ms.mentee_id != actor.pk:
        raise PermissionDenied(_("Only the mentee can do that."))


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
        raise ServiceError(_("This mentor is not part of this programme."), field="mentor")
    name = profile.user.name
    if profile.status != MentorStatus.ACTIVE:
        raise ServiceError(_("%(name)s is no longer a mentor.") % {"name": name}, field="mentor")
    if not profile.is_accepting:
        raise ServiceError(
            _("%(name)s is not accepting new mentees.") % {"name": name}, field="mentor"
        )
    if profile.user_id == ms.mentee_id:
        raise ServiceError(_("Nobody can mentor themselves."), field="mentor")
    count = Mentorship.objects.filter(mentor=profile, status__in=LOAD_STATUSES).count()
    if count >= profile.capacity:
        raise ServiceError(
            _("%(name)s has no free place (%(count)s of %(capacity)s taken).")
            % {"name": name, "count": count, "capacity": profile.capacity},
            field="mentor",
        )
    return profile


def _release_enrollment_on_close(ms: Mentorship, actor: User | None, reason: str) -> bool:
    """Close the mentee's pending enrolment too; True if the programme emailed the reason."""
    enrollment = Enrollment.objects.get(pk=ms.enrollment_id)
    if enrollment.status == EnrollmentStatus.APPLIED and actor is not None:
        program_services.decline_enrollment(actor=actor, enrollment=enrollment, reason=reason)
        return True
    return False


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


def _lock_nomination(nom: MentorNomination) -> MentorNomination:
    return relock(nom, "program", "nominee")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    return first_of_month(first_of_month(day) - dt.timedelta(days=1))
