"""Programme and enrolment state changes: one function per transition, atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import models
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.links import absolute_url
from peerly.notifications.services import queue_email
from peerly.programs import kinds
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentMode
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from peerly.programs.models import QuestionKind
from peerly.programs.models import Role
from peerly.programs.models import SignupQuestion

S = EnrollmentStatus

DrawT = TypeVar("DrawT", bound=models.Model)


def roles_for(program: Program) -> tuple[str, ...]:
    """Roles a member may take in a programme of this kind (the kind's `roles`)."""
    kind = kinds.get(program.kind)
    if kind is not None:
        return kind.roles
    if program.kind == ProgramKind.MENTORSHIP:
        return (Role.MENTEE, Role.MENTOR)
    return (Role.PARTICIPANT,)


PROGRAM_TEXT_FIELDS = (  # the long texts members read before joining
    "purpose",
    "objectives",
    "expectations",
    "format",
    "matching_description",
    "success_measures",
)
PROGRAM_FIELDS = (
    "kind",
    "name",
    "slug",
    *PROGRAM_TEXT_FIELDS,
    "cadence",
    "starts_on",
    "ends_on",
    "group_size",
    "enrollment_mode",
    "status",
    "private_text_retention_days",
)


@transaction.atomic
def _check_program(program: Program, kind: kinds.Kind) -> None:
    """Model validation, then what the programme's kind can run with; the first problem
    becomes a ServiceError naming its field."""
    try:
        program.full_clean(exclude=["organisers"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(" ".join(messages), field=field) from None
    for field, message in kind.clean_program(program).items():
        raise ServiceError(message, field=field)


def unique_slug(name: str, *, max_length: int = 60) -> str:
    """A web address made from `name` that no programme has yet ("lunch", "lunch-2", …)."""
    base = slugify(name)[: max_length - 4].strip("-") or "programme"
    slug, n = base, 1
    while Program.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_program(
    *, actor: User | None, values: Mapping[str, Any], organisers: Iterable[User] = ()
) -> Program:
    """Create a programme of a registered kind with its settings row(s), in one transaction:
    the kind's `create_settings` runs here, so no page ever creates settings on read.
    `actor` (if any) becomes an organiser, with `organisers`. Audited."""
    kind = kinds.get(str(values.get("kind", "")))
    if kind is None:
        raise ServiceError(
            _("“%(get)s” is not a kind of programme.") % {"get": values.get("kind", "")},
            field="kind",
        )
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise ServiceError(
            ngettext(
                "Unknown programme field: %(join)s.",
                "Unknown programme fields: %(join)s.",
                len(unknown),
            )
            % {"join": ", ".join(sorted(unknown))}
        )
    if not values.get("slug"):
        values = {**values, "slug": unique_slug(str(values.get("name", "")))}
    if Program.objects.filter(slug=values.get("slug", "")).exists():
        raise ServiceError(_("A programme with this web address already exists."), field="slug")
    program = Program(**values)
    _check_program(program, kind)
    program.save()
    people = [*([actor] if actor is not None else []), *organisers]
    if people:
        program.organisers.add(*people)
    kind.create_settings(program)
    audit.record(
        actor=actor,
        action="programs.create",
        obj=program,
        data={"kind": program.kind, "slug": program.slug},
    )
    return program


@transaction.atomic
def update_program(*, actor: User, program: Program, values: Mapping[str, Any]) -> Program:
    """Change a programme's design (the organisers' form). One audit row lists what changed.
    The kind's settings read cadence and group size from the programme (one source of
    truth), so nothing is copied here."""
    unknown = set(values) - set(PROGRAM_FIELDS)
    if unknown:
        raise ServiceError(
            ngettext(
                "Unknown programme field: %(join)s.",
                "Unknown programme fields: %(join)s.",
                len(unknown),
            )
            % {"join": ", ".join(sorted(unknown))}
        )
    locked = Program.objects.select_for_update().get(pk=program.pk)
    if "kind" in values and values["kind"] != locked.kind:
        # Rounds, circles and mentorships belong to the kind they were made in.
        raise ServiceError(
            _("The kind of a programme cannot change after it is created; create a new one."),
            field="kind",
        )
    changed: dict[str, str] = {}
    for name, value in values.items():
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed[name] = str(value)
    if not changed:
        return locked
    _check_program(locked, kinds.kind_of(locked))
    audit.saved(locked, actor=actor, action="programs.update", data=changed)
    return locked


@transaction.atomic
def add_question(*, actor: User, program: Program, question: SignupQuestion) -> SignupQuestion:
    """Append an (unsaved, validated) sign-up question to the programme's form."""
    Program.objects.select_for_update().get(pk=program.pk)
    question.program = program
    question.position = program.questions.count()
    audit.saved(
        question, actor=actor, action="programs.question_add", data={"label": question.label}
    )
    return question


@transaction.atomic
def delete_question(*, actor: User, program: Program, question_id: int) -> None:
    """Remove a sign-up question (answers already given stay in the enrolments)."""
    question = (
        SignupQuestion.objects.select_for_update().filter(program=program, pk=question_id).first()
    )
    if question is None:
        raise Http404("No such question.")
    audit.record(
        actor=actor,
        action="programs.question_delete",
        obj=question,
        data={"label": question.label},
    )
    question.delete()


def published_draw(
    model: type[DrawT], *, program: Program, number: int, expected: int, message: str
) -> DrawT | None:
    """Publishing draw `number` (a round, a season), under the caller's programme lock: the
    draw already published with that number (publishing twice returns it), else None once
    `number` is checked to be the `expected` next one (ServiceError `message`, which names
    `%(expected)s`, when it is not)."""
    existing = model._default_manager.filter(program=program, number=number).first()
    if existing is None and number != expected:
        raise ServiceError(message % {"expected": expected})
    return existing


def default_role(program: Program) -> str:
    return roles_for(program)[0]


def clean_answers(program: Program, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate answers keyed by question id (str). Raises ServiceError naming the question."""
    answers: dict[str, Any] = {}
    for question in program.questions.all():
        key = str(question.pk)
        value = raw.get(key)
        empty = value in (None, "", [], ())
        if empty:
            if question.required:
                raise ServiceError(
                    _("Please answer “%(label)s”.") % {"label": question.label}, field=f"q_{key}"
                )
            continue
        if question.kind == QuestionKind.TEXT:
            answers[key] = str(value).strip()[:5000]
        elif question.kind == QuestionKind.CHOICE:
            if value not in question.choice_list:
                raise ServiceError(
                    _("“%(value)s” is not a choice of “%(label)s”.")
                    % {"value": value, "label": question.label}
                )
            answers[key] = value
        elif question.kind == QuestionKind.MULTI:
            values = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
            bad = [v for v in values if v not in question.choice_list]
            if bad:
                raise ServiceError(
                    _("“%(bad)s” is not a choice of “%(label)s”.")
                    % {"bad": bad[0], "label": question.label}
                )
            answers[key] = values
        else:
            try:
                number = int(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise ServiceError(
                    _("“%(label)s” needs a number.") % {"label": question.label}
                ) from None
            if not question.scale_min <= number <= question.scale_max:
                raise ServiceError(
                    _("“%(label)s” must be between %(scale_min)s and %(scale_max)s.")
                    % {
                        "label": question.label,
                        "scale_min": question.scale_min,
                        "scale_max": question.scale_max,
                    }
                )
            answers[key] = number
    return answers


def _locked(enrollment: Enrollment) -> Enrollment:
    return relock(enrollment, "program", "user")


def _require(enrollment: Enrollment, allowed: tuple[str, ...], action: str) -> None:
    if enrollment.status not in allowed:
        raise TransitionError(
            _("Cannot %(action)s an enrolment that is %(get_status_display)s.")
            % {"action": action, "get_status_display": enrollment.get_status_display().lower()}
        )


def _program_url(program: Program) -> str:
    return absolute_url("programs:detail", slug=program.slug)


@transaction.atomic
def join_program(
    *,
    user: User,
    program: Program,
    answers: Mapping[str, Any] | None = None,
    accept_agreement: bool = False,
    role: str | None = None,
    invitation: Invitation | None = None,
) -> Enrollment:
    """Join (open) or ask to join (approval). Rejoining after leaving or a decline is allowed."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != ProgramStatus.ACTIVE:
        raise ServiceError(_("This programme is not open for enrolment."))
    if program.enrollment_mode == EnrollmentMode.INVITATION and invitation is None:
        raise ServiceError(_("This programme is by invitation only."))
    role = role or (invitation.role if invitation else default_role(program))
    if role not in roles_for(program):
        raise ServiceError(
            _("“%(role)s” is not a role in this programme.") % {"role": role}, field="role"
        )
    if role == Role.MENTOR and invitation is None:
        raise ServiceError(
            _(
                "Mentors are nominated and approved by the organisers; ask a mentor to nominate "
                "you."
            ),
            field="role",
        )
    if program.expectations.strip() and not accept_agreement:
        raise ServiceError(_("Please accept the programme's agreement to join."), field="agreement")
    cleaned = clean_answers(program, answers or {})
    needs_approval = program.enrollment_mode == EnrollmentMode.APPROVAL and invitation is None
    now = timezone.now()
    enrollment = Enrollment.objects.select_for_update().filter(program=program, user=user).first()
    if enrollment is not None:
        # An invitation also settles a pending request to join.
        allowed = (S.LEFT, S.DECLINED, S.APPLIED) if invitation else (S.LEFT, S.DECLINED)
        _require(enrollment, allowed, "join again")
    else:
        enrollment = Enrollment(program=program, user=user)
    enrollment.role = role
    enrollment.answers = cleaned
    enrollment.agreement_accepted_at = now if program.expectations.strip() else None
    enrollment.status = S.APPLIED if needs_approval else S.ACTIVE
    enrollment.joined_at = None if needs_approval else now
    enrollment.left_at = None
    enrollment.decline_reason = ""
    enrollment.paused_until = None
    enrollment.save()
    Profile.objects.get_or_create(user=user)
    audit.record(
        actor=user,
        action="enrollment.apply" if needs_approval else "enrollment.join",
        obj=enrollment,
        data={"role": role},
    )
    if needs_approval:
        for organiser in program.organisers.all():
            queue_email(
                key=f"enrollment-applied:{enrollment.pk}:{now:%Y%m%d%H%M%S}:{organiser.pk}",
                to=organiser,
                template="enrollment_pending",
                context={
                    "enrollment": enrollment,
                    "program": program,
                    "url": absolute_url("programs:manage-approvals", slug=program.slug),
                },
            )
    return enrollment


@transaction.atomic
def approve_enrollment(*, actor: User, enrollment: Enrollment) -> Enrollment:
    enrollment = _locked(enrollment)
    if enrollment.status == S.ACTIVE:
        return enrollment  # idempotent: approving twice changes nothing
    _require(enrollment, (S.APPLIED,), "approve")
    enrollment.joined_at = now = timezone.now()
    url = _program_url(enrollment.program)
    return _decide(enrollment, actor=actor, now=now, status=S.ACTIVE, context={"url": url})


@transaction.atomic
def decline_enrollment(*, actor: User, enrollment: Enrollment, reason: str) -> Enrollment:
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Please give a reason: the member will read it."), field="reason")
    enrollment = _locked(enrollment)
    _require(enrollment, (S.APPLIED,), "decline")
    enrollment.decline_reason = reason
    now = timezone.now()
    context = {"reason": reason}
    return _decide(
        enrollment, actor=actor, now=now, status=S.DECLINED, context=context, reason=reason
    )


def _decide(
    enrollment: Enrollment,
    *,
    actor: User,
    now: dt.datetime,
    status: str,
    context: dict[str, Any],
    reason: str = "",
) -> Enrollment:
    """An organiser's decision on a request to join (approved: ACTIVE, declined: DECLINED):
    the new status, who decided and when, the audit row and the email telling the member."""
    verb = "approve" if status == S.ACTIVE else "decline"
    enrollment.status = status
    enrollment.decided_by = actor
    enrollment.decided_at = now
    audit.saved(enrollment, actor=actor, action=f"enrollment.{verb}", reason=reason)
    queue_email(
        key=f"enrollment-{verb}d:{enrollment.pk}:{now:%Y%m%d%H%M%S}",
        to=enrollment.user,
        template=f"enrollment_{verb}d",
        context={"program": enrollment.program, **context},
    )
    return enrollment


@transaction.atomic
def pause_enrollment(*, user: User, enrollment: Enrollment, until: dt.date | None) -> Enrollment:
    enrollment = _locked(enrollment)
    _require(enrollment, (S.ACTIVE, S.PAUSED), "pause")
    if until is not None and until < timezone.localdate():
        raise ServiceError(_("The pause must end today or later."), field="until")
    enrollment.status = S.PAUSED
    enrollment.paused_until = until
    audit.saved(
        enrollment,
        actor=user,
        action="enrollment.pause",
        data={"until": until.isoformat() if until else None},
    )
    return enrollment


@transaction.atomic
def resume_enrollment(*, user: User, enrollment: Enrollment) -> Enrollment:
    enrollment = _locked(enrollment)
    if enrollment.status == S.ACTIVE:
        return enrollment
    _require(enrollment, (S.PAUSED,), "resume")
    enrollment.status = S.ACTIVE
    enrollment.paused_until = None
    audit.saved(enrollment, actor=user, action="enrollment.resume")
    return enrollment


@transaction.atomic
def leave_program(*, user: User, enrollment: Enrollment, reason: str = "") -> Enrollment:
    enrollment = _locked(enrollment)
    if enrollment.status == S.LEFT:
        return enrollment
    _require(enrollment, (S.APPLIED, S.ACTIVE, S.PAUSED), "leave")
    enrollment.status = S.LEFT
    enrollment.left_at = timezone.now()
    audit.saved(enrollment, actor=user, action="enrollment.leave", reason=reason)
    return enrollment


def resume_due_enrollments(*, today: dt.date | None = None) -> int:
    """Paused enrolments whose pause date has passed become active again (for `peerly tick`)."""
    today = today or timezone.localdate()
    count = 0
    for enrollment in Enrollment.objects.filter(status=S.PAUSED, paused_until__lt=today):
        resume_enrollment(user=enrollment.user, enrollment=enrollment)
        count += 1
    return count


def invitation_expires_at(invitation: Invitation) -> dt.datetime:
    return invitation.created_at + dt.timedelta(days=settings.INVITATION_DAYS)


def invitation_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Invitations created before this moment have expired."""
    return (now or timezone.now()) - dt.timedelta(days=settings.INVITATION_DAYS)


class InvitationError(ServiceError):
    """An invitation link that cannot be used; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def check_invitation(*, token: str, user: User, lock: bool = False) -> Invitation:
    """The open, unexpired invitation behind `token`, addressed to `user`; else InvitationError.

    Nothing is changed. Used by the accept page before it shows anything and by
    `accept_invitation` (with `lock`) before it enrols anybody.
    """
    qs = Invitation.objects.select_related("program")
    if lock:
        qs = qs.select_for_update(of=("self",))
    invitation = qs.filter(token=token).first() if token else None
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError(
            "This invitation is not valid: it may have been withdrawn.", status=404
        )
    if invitation.email.lower() != user.email.lower():
        raise InvitationError(
            f"This invitation was sent to {invitation.email}; you are signed in as {user.email}. "
            "Log in with the invited address, or ask the organiser to invite this one.",
            status=403,
        )
    if invitation.accepted_at is not None:
        raise InvitationError("This invitation was used already.", status=400)
    if invitation.created_at < invitation_cutoff():
        raise InvitationError(
            "This invitation has expired; ask the organiser for a new one.", status=400
        )
    return invitation


@transaction.atomic
def invite_member(
    *, actor: User | None, program: Program, email: str, role: str | None = None
) -> Invitation:
    """Invite an address; inviting the same address again returns the open invitation.

    An expired open invitation is withdrawn and replaced by a fresh one (new link, new email).
    `actor` is None for the operator's `peerly import members`.
    """
    email = email.strip().lower()
    role = role or default_role(program)
    if role not in roles_for(program):
        raise ServiceError(
            _("“%(role)s” is not a role in this programme.") % {"role": role}, field="role"
        )
    if Enrollment.objects.filter(
        program=program, user__email__iexact=email, status__in=[S.ACTIVE, S.PAUSED]
    ).exists():
        raise ServiceError(
            _("%(email)s is already a member of this programme.") % {"email": email}, field="email"
        )
    existing = (
        Invitation.objects.select_for_update()
        .filter(program=program, email=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if existing is not None and existing.created_at >= invitation_cutoff():
        return existing
    if existing is not None:
        existing.revoked_at = timezone.now()
        audit.saved(
            existing,
            actor=actor,
            action="invitation.expire",
            update_fields=["revoked_at", "updated_at"],
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                program=program, email=email, role=role, invited_by=actor
            )
    except IntegrityError:
        return Invitation.objects.get(
            program=program, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        )
    audit.record(actor=actor, action="invitation.create", obj=invitation)
    queue_email(
        key=f"invitation:{invitation.pk}",
        to=email,
        template="invitation",
        context={
            "program": program,
            "inviter": actor,
            "url": absolute_url("programs:invitation", token=invitation.token),
        },
    )
    return invitation


@transaction.atomic
def accept_invitation(
    *,
    user: User,
    token: str,
    answers: Mapping[str, Any] | None = None,
    accept_agreement: bool = False,
) -> Enrollment:
    """Enrol `user` through the invitation behind `token`: checked first, used once.

    The agreement is shown on the accept page and recorded on the enrolment by `join_program`.
    Accepting twice (a double submit) returns the enrolment the first accept made.
    """
    used = Invitation.objects.filter(token=token, accepted_at__isnull=False).first()
    if used is not None and used.email.lower() == user.email.lower():
        existing = Enrollment.objects.filter(program_id=used.program_id, user=user).first()
        if existing is not None and existing.status in (S.ACTIVE, S.PAUSED):
            return existing
    invitation = check_invitation(token=token, user=user, lock=True)
    enrollment = join_program(
        user=user,
        program=invitation.program,
        answers=answers,
        accept_agreement=accept_agreement,
        invitation=invitation,
    )
    invitation.accepted_at = timezone.now()
    audit.saved(
        invitation,
        actor=user,
        action="invitation.accept",
        update_fields=["accepted_at", "updated_at"],
    )
    return enrollment
