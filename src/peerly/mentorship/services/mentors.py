"""Mentors: their profiles, nominations (evaluation → training → review), resignation and the
inactivity flag."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.mentorship import emails
from peerly.mentorship.models import LOAD_STATUSES
from peerly.mentorship.models import OPEN_STATUSES
from peerly.mentorship.models import RUNNING_STATUSES
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.models import NominationKind
from peerly.mentorship.services._common import NOMINATION_TRANSITIONS
from peerly.mentorship.services._common import N
from peerly.mentorship.services._common import _back_to_pool
from peerly.mentorship.services._common import _lock
from peerly.mentorship.services._common import _lock_nomination
from peerly.mentorship.services._common import _require_nomination
from peerly.mentorship.services._common import _require_organiser
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import finish
from peerly.mentorship.services._common import required
from peerly.mentorship.services.configuration import get_settings
from peerly.programs import services as program_services
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.programs.models import Role


def _lock_profile(profile: MentorProfile, *related: str) -> MentorProfile:
    """`profile` re-read under a row lock (with `related` joined in)."""
    return relock(profile, *related)


def _is_active_mentor(program: Program, user: User) -> bool:
    return MentorProfile.objects.filter(
        program=program, user=user, status=MentorStatus.ACTIVE
    ).exists()


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
    profile = _lock_profile(profile)
    if profile.user_id != actor.pk:
        raise PermissionDenied(_("This is not your mentor profile."))
    load = Mentorship.objects.filter(mentor=profile, status__in=LOAD_STATUSES).count()
    if capacity < load:
        raise ServiceError(
            ngettext(
                "You have %(load)s mentee: capacity cannot go below that.",
                "You have %(load)s mentees: capacity cannot go below that.",
                load,
            )
            % {"load": load},
            field="capacity",
        )
    if not 0 <= capacity <= 50:
        raise ServiceError(_("Capacity must be between 0 and 50."), field="capacity")
    changed = {
        "capacity": [profile.capacity, capacity],
        "is_accepting": [profile.is_accepting, is_accepting],
    }
    profile.expertise = expertise.strip()[:2000]
    profile.languages = languages.strip()[:300]
    profile.capacity = capacity
    profile.load = load
    profile.is_accepting = is_accepting
    profile.last_activity_at = current_time()
    finish(profile, actor=actor, action="mentor.update", data=changed)
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
        raise ServiceError(_("This programme does not take mentor nominations now."))
    statement = required(
        statement, "Please say why this person would be a good mentor.", field="statement"
    )
    is_self = actor.pk == nominee.pk
    if not is_self and not _is_active_mentor(program, actor):
        raise PermissionDenied(_("Only mentors can nominate someone else."))
    if _is_active_mentor(program, nominee):
        raise ServiceError(_("%(name)s is already a mentor.") % {"name": nominee.name})
    if MentorNomination.objects.filter(
        program=program, nominee=nominee, status__in=NOMINATION_TRANSITIONS["withdraw"]
    ).exists():
        raise ServiceError(
            _("%(name)s already has a nomination in progress.") % {"name": nominee.name}
        )
    if evaluator is not None and not _is_active_mentor(program, evaluator):
        raise ServiceError(
            _("The evaluator must be a mentor of this programme."), field="evaluator"
        )
    nom = MentorNomination(
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
    finish(
        nom, actor=actor, action="nomination.create", program_id=program.pk, data={"kind": nom.kind}
    )
    if not is_self:
        emails.nominated(nom=nom)
    elif nom.evaluator is not None:
        emails.nomination_to_evaluate(nom=nom, evaluator=nom.evaluator)
    return nom


@transaction.atomic
def evaluate_nomination(
    *, actor: User, nomination: MentorNomination, recommend: bool, evaluation: str
) -> MentorNomination:
    nom = _lock_nomination(nomination)
    if actor.pk == nom.nominee_id or not _is_active_mentor(nom.program, actor):
        raise PermissionDenied(_("Only another mentor can evaluate this nomination."))
    if nom.evaluator_id is not None and nom.evaluator_id != actor.pk:
        raise PermissionDenied(_("Another mentor was asked to evaluate this nomination."))
    _require_nomination(nom, "evaluate")
    evaluation = required(
        evaluation, "Please write your evaluation for the organisers.", field="evaluation"
    )
    nom.evaluator = actor
    nom.is_recommended = recommend
    nom.evaluation = evaluation[:5000]
    nom.status = N.TRAINING if recommend else N.REVIEW
    finish(
        nom,
        actor=actor,
        action="nomination.evaluate",
        data={"recommend": recommend},
    )
    if recommend:
        emails.nominated(nom=nom)
    else:
        emails.nomination_to_review(nom=nom)
    return nom


@transaction.atomic
def set_training_item(
    *, actor: User, nomination: MentorNomination, index: int, done: bool
) -> MentorNomination:
    """The nominee ticks the coaching-training checklist; all ticked → organisers decide."""
    nom = _lock_nomination(nomination)
    if actor.pk != nom.nominee_id:
        raise PermissionDenied(_("Only the nominee completes the training checklist."))
    _require_nomination(nom, "training_item")
    items = get_settings(nom.program).training_items
    if not 0 <= index < len(items):
        raise ServiceError(_("No such training item."))
    done_set = set(nom.training_done)
    if done == (index in done_set):
        return nom
    done_set.add(index) if done else done_set.discard(index)
    nom.training_done = sorted(done_set)
    if len(done_set) == len(items):
        nom.status = N.REVIEW
    finish(
        nom,
        actor=actor,
        action="nomination.training",
        data={"item": index, "done": done},
    )
    if nom.status == N.REVIEW:
        emails.nomination_to_review(nom=nom)
    return nom


def _activate_mentor(
    *, program: Program, user: User, actor: User | None, capacity: int | None, expertise: str
) -> tuple[MentorProfile, Enrollment]:
    """Make `user` an active mentor: enrolment role=mentor, active; the mentor profile
    created or reactivated (inside the caller's transaction; the caller audits)."""
    if capacity is not None and not 0 <= capacity <= 50:
        raise ServiceError(_("Capacity must be between 0 and 50."), field="capacity")
    now = current_time()
    cfg = get_settings(program)
    enrollment = Enrollment.objects.select_for_update().filter(program=program, user=user).first()
    if enrollment is None:
        enrollment = Enrollment(program=program, user=user)
    enrollment.role = Role.MENTOR
    enrollment.status = EnrollmentStatus.ACTIVE
    enrollment.joined_at = enrollment.joined_at or now
    enrollment.left_at = None
    enrollment.decided_by = actor
    enrollment.decided_at = now
    enrollment.save()
    Profile.objects.get_or_create(user=user)
    profile = MentorProfile.objects.select_for_update().filter(program=program, user=user).first()
    if profile is None:
        profile = MentorProfile(
            program=program,
            user=user,
            enrollment=enrollment,
            capacity=capacity if capacity is not None else cfg.default_capacity,
        )
    profile.enrollment = enrollment
    profile.status = MentorStatus.ACTIVE
    profile.expertise = profile.expertise or expertise.strip()[:2000]
    profile.is_accepting = True
    profile.approved_at = now
    profile.last_activity_at = now
    profile.resigned_at = None
    profile.inactive_flagged_at = None
    if capacity is not None:
        profile.capacity = capacity
    profile.save()
    return profile, enrollment


@transaction.atomic
def add_mentor(
    *,
    actor: User | None,
    program: Program,
    user: User,
    capacity: int | None = None,
    expertise: str = "",
) -> MentorProfile:
    """Organisers (actor None: the demo or the CLI) make a member a mentor directly, without
    the nomination steps — e.g. a programme's founding mentors."""
    if actor is not None:
        _require_organiser(actor, program)
    if program.kind != ProgramKind.MENTORSHIP:
        raise ServiceError(_("This programme has no mentoring."))
    if _is_active_mentor(program, user):
        raise ServiceError(_("%(name)s is already a mentor.") % {"name": user.name})
    if Mentorship.objects.filter(program=program, mentee=user, status__in=OPEN_STATUSES).exists():
        raise ServiceError(
            _(
                "%(name)s still has an open mentorship as a mentee; end it before making them a "
                "mentor."
            )
            % {"name": user.name}
        )
    profile, enrollment = _activate_mentor(
        program=program, user=user, actor=actor, capacity=capacity, expertise=expertise
    )
    finish(
        profile,
        actor=actor,
        action="mentor.add",
        program_id=program.pk,
        data={"capacity": profile.capacity},
        save=False,
    )
    finish(enrollment, actor=actor, action="enrollment.mentor", program_id=program.pk, save=False)
    return profile


@transaction.atomic
def approve_nomination(
    *, actor: User, nomination: MentorNomination, capacity: int | None = None
) -> MentorProfile:
    """Organisers approve: the nominee's enrolment becomes role=mentor, active."""
    nom = _lock_nomination(nomination)
    _require_organiser(actor, nom.program)
    _require_nomination(nom, "approve")
    program = nom.program
    if Mentorship.objects.filter(
        program=program, mentee=nom.nominee, status__in=OPEN_STATUSES
    ).exists():
        raise ServiceError(
            _(
                "%(name)s still has an open mentorship as a mentee; end it before making them a "
                "mentor."
            )
            % {"name": nom.nominee.name}
        )
    profile, enrollment = _activate_mentor(
        program=program, user=nom.nominee, actor=actor, capacity=capacity, expertise=nom.expertise
    )
    now = current_time()
    nom.status = N.APPROVED
    nom.decided_by = actor
    nom.decided_at = now
    finish(nom, actor=actor, action="nomination.approve", program_id=program.pk)
    finish(enrollment, actor=actor, action="enrollment.mentor", program_id=program.pk, save=False)
    emails.nomination_decided(nom=nom, approved=True)
    return profile


@transaction.atomic
def decline_nomination(
    *, actor: User, nomination: MentorNomination, reason: str
) -> MentorNomination:
    reason = required(reason, "Please give a reason: the nominee will read it.", field="reason")
    nom = _lock_nomination(nomination)
    _require_organiser(actor, nom.program)
    _require_nomination(nom, "decline")
    nom.status = N.DECLINED
    nom.decided_by = actor
    nom.decided_at = current_time()
    nom.decision_reason = reason[:2000]
    finish(nom, actor=actor, action="nomination.decline", reason=reason)
    emails.nomination_decided(nom=nom, approved=False, reason=reason)
    return nom


@transaction.atomic
def withdraw_nomination(*, actor: User, nomination: MentorNomination) -> MentorNomination:
    nom = _lock_nomination(nomination)
    if actor.pk != nom.nominee_id:
        raise PermissionDenied(_("Only the nominee can withdraw."))
    _require_nomination(nom, "withdraw")
    nom.status = N.WITHDRAWN
    finish(nom, actor=actor, action="nomination.withdraw")
    return nom


@transaction.atomic
def resign_mentor(
    *, actor: User, profile: MentorProfile, reason: str, replacement: MentorProfile | None = None
) -> MentorProfile:
    """A mentor steps down and recommends a replacement; mentees wait for reassignment."""
    reason = required(reason, "Please say why, for the organisers.", field="reason")
    profile = _lock_profile(profile, "program", "user", "enrollment")
    if profile.user_id != actor.pk:
        raise PermissionDenied(_("This is not your mentor profile."))
    if profile.status != MentorStatus.ACTIVE:
        raise TransitionError(_("You have already resigned."))
    if replacement is not None and (
        replacement.program_id != profile.program_id
        or replacement.pk == profile.pk
        or replacement.status != MentorStatus.ACTIVE
    ):
        raise ServiceError(
            _("The replacement must be another active mentor of this programme."),
            field="replacement",
        )
    now = current_time()
    profile.status = MentorStatus.RESIGNED
    profile.is_accepting = False
    profile.resigned_at = now
    profile.resignation_reason = reason[:2000]
    profile.recommended_replacement = replacement
    profile.save()
    for ms in Mentorship.objects.filter(mentor=profile, status__in=("assigned", "screening")):
        ms = _lock(ms)
        _back_to_pool(ms, now, "Mentor resigned")
        finish(
            ms,
            actor=actor,
            action="mentorship.expire_screening",
            reason="Mentor resigned",
            save=False,
        )
    hint = f" Recommended replacement: {replacement.user.name}." if replacement else ""
    Mentorship.objects.filter(mentor=profile, status__in=RUNNING_STATUSES).update(
        reassignment_reason=f"The mentor resigned.{hint}"[:2000],
        reassignment_requested_at=now,
    )
    if profile.enrollment.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED):
        program_services.leave_program(user=actor, enrollment=profile.enrollment, reason=reason)
    finish(
        profile,
        actor=actor,
        action="mentor.resign",
        reason=reason,
        data={"replacement": replacement.user_id if replacement else None},
        save=False,
    )
    emails.mentor_resigned(profile=profile, reason=reason, replacement=replacement, now=now)
    return profile


def _set_inactive_flag(
    profile: MentorProfile, *, flagged_at: dt.datetime | None, action: str, since: dt.datetime
) -> None:
    profile.inactive_flagged_at = flagged_at
    finish(
        profile,
        actor=None,
        action=action,
        data={"last_activity": since.isoformat()},
        fields=["inactive_flagged_at"],
    )


@transaction.atomic
def flag_inactive_mentor(*, profile: MentorProfile, now: dt.datetime, since: dt.datetime) -> bool:
    """Tell organisers once that a mentor with mentees has gone quiet (for `tick`)."""
    profile = _lock_profile(profile, "program", "user")
    if profile.inactive_flagged_at is not None:
        return False
    _set_inactive_flag(profile, flagged_at=now, action="mentor.inactive", since=since)
    emails.mentor_inactive(profile=profile, since=since, now=now)
    return True


@transaction.atomic
def clear_inactive_flag(*, profile: MentorProfile, since: dt.datetime) -> bool:
    """A flagged mentor who became active again loses the flag (for `tick`)."""
    profile = _lock_profile(profile)
    if profile.inactive_flagged_at is None or since <= profile.inactive_flagged_at:
        return False
    _set_inactive_flag(profile, flagged_at=None, action="mentor.active_again", since=since)
    return True
