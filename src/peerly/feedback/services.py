"""Every write of the feedback instruments: one function per action, atomic (docs/feedback.md).

Anonymity is decided here, once: `submit_response` stores the respondent and the occasion only
for confidential and attributed surveys, writes no audit row for an anonymous answer, and keeps
"has answered" in a `Receipt` that names no response.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core import audit
from peerly.core.errors import ServiceError
from peerly.feedback import bank
from peerly.feedback.models import NPS_DAYS_MAX
from peerly.feedback.models import NPS_EVERY_ROUNDS_MAX
from peerly.feedback.models import NPS_MAX
from peerly.feedback.models import NPS_MIN
from peerly.feedback.models import SCALE_MAX
from peerly.feedback.models import SCALE_MIN
from peerly.feedback.models import STANDING_KINDS
from peerly.feedback.models import Anonymity
from peerly.feedback.models import Answer
from peerly.feedback.models import FeedbackSettings
from peerly.feedback.models import PeerFeedback
from peerly.feedback.models import Question
from peerly.feedback.models import QuestionType
from peerly.feedback.models import Receipt
from peerly.feedback.models import Response
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyCadence
from peerly.feedback.models import SurveyKind
from peerly.feedback.models import SurveyStatus
from peerly.programs import kinds
from peerly.programs import services as program_services
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.access import is_organiser
from peerly.programs.kinds import Occasion
from peerly.programs.models import Enrollment
from peerly.programs.models import Program

MAX_QUESTIONS = 20
MAX_TEXT = 2000
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)

STANDING_TITLES = {
    SurveyKind.AFTER_SESSION: ("After a session", bank.AFTER_SESSION),
    SurveyKind.EXIT: ("Leaving the programme", bank.EXIT),
}


# ----------------------------------------------------------------------------- surveys
def _add_questions(survey: Survey, questions: Iterable[Mapping[str, Any]]) -> None:
    Question.objects.bulk_create(
        Question(survey=survey, position=n, **fields) for n, fields in enumerate(questions, 1)
    )


def standing_survey(*, program: Program, kind: str) -> Survey:
    """The programme's one after-session or exit survey (confidential, always open), created
    the first time somebody answers it."""
    if kind not in STANDING_KINDS:
        raise ValueError(f"{kind!r} is not a standing survey kind")
    existing = Survey.objects.filter(program=program, kind=kind).first()
    if existing is not None:
        return existing
    title, questions = STANDING_TITLES[SurveyKind(kind)]
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                program=program,
                kind=kind,
                title=title,
                anonymity=Anonymity.CONFIDENTIAL,
                status=SurveyStatus.OPEN,
            )
            _add_questions(survey, (q.as_fields() for q in questions))
    except IntegrityError:  # created at the same moment by another request
        return Survey.objects.get(program=program, kind=kind)
    return survey


@dataclass(frozen=True)
class OwnQuestion:
    """A question an organiser writes: its type, text and (for a choice) one option a line."""

    type: str
    text: str
    choices: tuple[str, ...] = ()


def _check_dates(opens_at: dt.datetime, closes_at: dt.datetime, remind_at: dt.datetime | None):
    for name, value in (("opens_at", opens_at), ("closes_at", closes_at), ("remind_at", remind_at)):
        if value is not None and not (EARLIEST <= value <= LATEST):
            raise ServiceError(_("Choose a date between 2000 and 2200."), field=name)
    if closes_at <= opens_at:
        raise ServiceError(_("The survey must close after it opens."), field="closes_at")
    if remind_at is not None and not (opens_at < remind_at < closes_at):
        raise ServiceError(
            _("The reminder must fall between the opening and the closing."), field="remind_at"
        )


def _own_question_fields(own: OwnQuestion) -> dict[str, Any]:
    text = (own.text or "").strip()[:300]
    if not text:
        raise ServiceError(_("Each question needs a text."), field="questions")
    if own.type not in QuestionType.values:
        raise ServiceError(_("Unknown kind of question."), field="questions")
    fields: dict[str, Any] = {"type": own.type, "text": text, "code": "", "choices": []}
    if own.type == QuestionType.CHOICE:
        options = [c.strip()[:100] for c in own.choices if c.strip()]
        if not 2 <= len(options) <= 12:
            raise ServiceError(_("A choice question needs 2 to 12 options."), field="questions")
        fields["choices"] = [[f"c{n}", label] for n, label in enumerate(options, 1)]
    return fields


@transaction.atomic
def create_survey(
    *,
    actor: User,
    program: Program,
    kind: str,
    title: str,
    anonymity: str,
    cadence: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    remind_at: dt.datetime | None = None,
    intro: str = "",
    bank_codes: Iterable[str] = (),
    own_questions: Iterable[OwnQuestion] = (),
) -> Survey:
    """A pulse or NPS survey of `program`, scheduled: `peerly tick` opens it (inviting the
    members), reminds those who have not answered and closes it; a monthly or quarterly one
    is then scheduled again."""
    if not is_organiser(actor, program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))
    if kind not in (SurveyKind.PULSE, SurveyKind.NPS):
        raise ServiceError(_("Choose a pulse or an NPS survey."), field="kind")
    if anonymity not in Anonymity.values:
        raise ServiceError(_("Choose how answers are stored."), field="anonymity")
    if cadence not in SurveyCadence.values:
        raise ServiceError(_("Choose how often it runs."), field="cadence")
    title = (title or "").strip()[:200]
    if not title:
        raise ServiceError(_("Give the survey a title."), field="title")
    _check_dates(opens_at, closes_at, remind_at)
    if cadence != SurveyCadence.ONCE and closes_at - opens_at > dt.timedelta(days=28):
        raise ServiceError(
            _("A survey that repeats must close within 28 days of opening."), field="closes_at"
        )
    if kind == SurveyKind.NPS:
        questions = [q.as_fields() for q in bank.NPS_QUESTIONS]
    else:
        codes = list(dict.fromkeys(bank_codes))
        unknown = [c for c in codes if c not in bank.BY_CODE]
        if unknown:
            raise ServiceError(_("Unknown question in the bank."), field="bank_codes")
        questions = [bank.BY_CODE[c].as_fields() for c in codes]
        questions += [_own_question_fields(q) for q in own_questions]
    if not questions:
        raise ServiceError(_("Add at least one question."), field="bank_codes")
    if len(questions) > MAX_QUESTIONS:
        raise ServiceError(_("At most %(n)d questions.") % {"n": MAX_QUESTIONS})
    survey = Survey.objects.create(
        program=program,
        kind=kind,
        anonymity=anonymity,
        cadence=cadence,
        title=title,
        intro=(intro or "").strip()[:2000],
        opens_at=opens_at,
        closes_at=closes_at,
        remind_at=remind_at,
        created_by=actor,
    )
    _add_questions(survey, questions)
    audit.record(actor=actor, action="survey.create", obj=survey)
    return survey


@transaction.atomic
def close_survey(*, actor: User, survey: Survey) -> Survey:
    """Close an open or scheduled survey now (organisers). A repeating survey is not
    scheduled again when closed by hand."""
    if not is_organiser(actor, survey.program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))
    if survey.is_standing:
        raise ServiceError(_("This survey is always open."))
    updated = Survey.objects.filter(
        pk=survey.pk, status__in=(SurveyStatus.SCHEDULED, SurveyStatus.OPEN)
    ).update(status=SurveyStatus.CLOSED, closed_at=timezone.now(), cadence=SurveyCadence.ONCE)
    survey.refresh_from_db()
    if updated:
        audit.record(actor=actor, action="survey.close", obj=survey)
    return survey


# ----------------------------------------------------------------------------- answers
def _clean_answer(question: Question, raw: Any) -> dict[str, Any] | None:
    """The Answer fields for `raw` (a number, a choice code or a text), None for no answer."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if question.required:
            raise ServiceError(
                _("Please answer: %(q)s") % {"q": question.text}, field=f"q{question.pk}"
            )
        return None
    if question.is_numeric:
        low, high = (
            (NPS_MIN, NPS_MAX) if question.type == QuestionType.NPS else (SCALE_MIN, SCALE_MAX)
        )
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high or isinstance(raw, bool):
            raise ServiceError(
                _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
                field=f"q{question.pk}",
            )
        return {"number": number}
    if question.type == QuestionType.CHOICE:
        if str(raw) not in question.choice_labels:
            raise ServiceError(_("Choose one of the options."), field=f"q{question.pk}")
        return {"choice": str(raw)}
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise ServiceError(
            _("At most %(n)d characters.") % {"n": MAX_TEXT}, field=f"q{question.pk}"
        )
    return {"text": text}


def _check_open(survey: Survey, now: dt.datetime) -> None:
    if survey.is_standing:
        return
    if survey.status != SurveyStatus.OPEN or (survey.closes_at and survey.closes_at <= now):
        raise ServiceError(_("This survey is not open."))


def _check_member(user: User, program: Program) -> None:
    if not Enrollment.objects.filter(
        program=program, user=user, status__in=MEMBER_STATUSES
    ).exists():
        raise PermissionDenied(_("Only the programme's members can answer."))


@transaction.atomic
def submit_response(
    *,
    survey: Survey,
    user: User,
    answers: Mapping[int, Any],
    occasion: str = "",
    now: dt.datetime | None = None,
    check_member: bool = True,
) -> Response:
    """`user`'s answers to `survey` ({question id: value}), once per survey and occasion.

    Anonymous survey: the response has no respondent and no occasion, no audit row is
    written, and the receipt that stops a second answer names no response and no time."""
    now = now or timezone.now()
    survey = Survey.objects.select_related("program").get(pk=survey.pk)  # its status now
    _check_open(survey, now)
    if check_member:
        _check_member(user, survey.program)
    if survey.audience and user.pk not in survey.audience:
        raise ServiceError(_("This survey asks the people of one season only."))
    if survey.is_anonymous and occasion:
        raise ValueError("an anonymous survey has no occasions")
    questions = list(survey.questions.all())
    known = {q.pk for q in questions}
    if any(int(k) not in known for k in answers):
        raise ServiceError(_("That question is not in this survey."))
    cleaned = [(q, _clean_answer(q, answers.get(q.pk))) for q in questions]
    if all(fields is None for _q, fields in cleaned):
        raise ServiceError(_("Answer at least one question."))
    try:
        with transaction.atomic():
            Receipt.objects.create(survey=survey, user=user, occasion=occasion)
    except IntegrityError:
        raise ServiceError(_("You have already answered this.")) from None
    response = Response.objects.create(
        survey=survey,
        respondent=None if survey.is_anonymous else user,
        occasion="" if survey.is_anonymous else occasion,
        submitted_on=_dated(survey, now),
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=q, **fields) for q, fields in cleaned if fields
    )
    if not survey.is_anonymous:
        audit.record(actor=user, action="survey.answer", obj=survey, data={"occasion": occasion})
    return response


def _dated(survey: Survey, now: dt.datetime) -> dt.date:
    """The date a response carries: the day it came in, except for an anonymous survey, whose
    responses all carry the day it opened (an answer's day, set beside who was reminded when,
    could single somebody out)."""
    if survey.is_anonymous and survey.opens_at is not None:
        return timezone.localdate(survey.opens_at)
    return timezone.localdate(now)


def has_answered(*, survey: Survey, user: User, occasion: str = "") -> bool:
    return Receipt.objects.filter(survey=survey, user=user, occasion=occasion).exists()


# ----------------------------------------------------------------------------- after a session
def occasion_key(kind_code: str, ref: str) -> str:
    return f"{kind_code}:{ref}"


def resolve_occasion(*, kind_code: str, ref: str, user: User) -> Occasion | None:
    """The occasion `ref` of the programme kind `kind_code` that `user` took part in."""
    kind = kinds.get(kind_code)
    if kind is None or len(ref) > 60:
        return None
    return kind.feedback_occasion(ref, user=user)


@transaction.atomic
def submit_session_feedback(
    *,
    user: User,
    kind_code: str,
    occasion: Occasion,
    useful: int | None,
    helped: str = "",
    change: str = "",
    share: bool = False,
) -> Response:
    """The short after-session form: usefulness 1-5 and two texts, into the programme's
    (confidential) after-session survey; with `share`, the two texts also go to the other
    people of the occasion as feedback they can read."""
    if user.pk not in occasion.people:
        raise PermissionDenied(_("You were not part of this."))
    survey = standing_survey(program=occasion.program, kind=SurveyKind.AFTER_SESSION)
    by_code = {q.code: q for q in survey.questions.all()}
    values = {bank.USEFUL: useful, bank.HELPED: helped, bank.CHANGE: change}
    answers = {by_code[code].pk: value for code, value in values.items() if code in by_code}
    key = occasion_key(kind_code, occasion.ref)
    response = submit_response(survey=survey, user=user, answers=answers, occasion=key)
    helped, change = (helped or "").strip()[:MAX_TEXT], (change or "").strip()[:MAX_TEXT]
    if share and (helped or change):
        PeerFeedback.objects.bulk_create(
            [
                PeerFeedback(
                    program=occasion.program,
                    author=user,
                    recipient_id=person,
                    occasion=key,
                    occasion_label=occasion.label[:200],
                    helped=helped,
                    change=change,
                )
                for person in occasion.people
                if person != user.pk
            ],
            ignore_conflicts=True,
        )
    return response


# ----------------------------------------------------------------------------- exit
EXIT_CODES = tuple(code for code, _label in bank.EXIT_REASONS)


def record_exit(
    *, user: User, program: Program, occasion: str, reason: str = "", text: str = ""
) -> Response | None:
    """The exit survey's answer (why, and optional words), confidential; None when the member
    said nothing or already answered for this occasion."""
    if reason and reason not in EXIT_CODES:
        raise ServiceError(_("Choose one of the reasons."), field="reason")
    if not reason and not (text or "").strip():
        return None
    survey = standing_survey(program=program, kind=SurveyKind.EXIT)
    by_code = {q.code: q for q in survey.questions.all()}
    answers = {by_code[bank.EXIT_REASON].pk: reason, by_code[bank.EXIT_TEXT].pk: text}
    if has_answered(survey=survey, user=user, occasion=occasion):
        return None
    return submit_response(
        survey=survey, user=user, answers=answers, occasion=occasion, check_member=False
    )


@transaction.atomic
def leave_with_reason(
    *, user: User, enrollment: Enrollment, reason: str = "", text: str = ""
) -> Enrollment:
    """Leave the programme (programs.services.leave_program, with the reason's code in the
    audit row) and record why in the programme's exit survey."""
    if reason and reason not in EXIT_CODES:
        raise ServiceError(_("Choose one of the reasons."), field="reason")
    if enrollment.user_id != user.pk:
        raise PermissionDenied(_("You can only leave for yourself."))
    was_left = enrollment.status == "left"
    enrollment = program_services.leave_program(user=user, enrollment=enrollment, reason=reason)
    if not was_left:
        record_exit(
            user=user,
            program=enrollment.program,
            occasion=f"leave-{enrollment.pk}-{timezone.localdate().isoformat()}",
            reason=reason,
            text=text,
        )
    return enrollment


def with_exit_reason(service: Callable[..., Any]) -> Callable[..., Any]:
    """A kind's closing action `service(actor=…, mentorship=…, …)` (ending a mentorship,
    withdrawing an application) that also takes `exit_reason` (a code of the exit survey's
    reasons, optional) and records it, in the same transaction, as the actor's confidential
    exit answer for that object. The action's own free-text reason is not copied: it is
    shown to the other people of the mentorship, the exit answer is not."""

    @functools.wraps(service)
    def run(*, actor: User, exit_reason: str = "", **kwargs: Any) -> Any:
        if exit_reason and exit_reason not in EXIT_CODES:
            raise ServiceError(_("Choose one of the reasons."), field="exit_reason")
        with transaction.atomic():
            result = service(actor=actor, **kwargs)
            target = result if hasattr(result, "program_id") else kwargs["mentorship"]
            record_exit(
                user=actor,
                program=target.program,
                occasion=f"{target._meta.model_name}-{target.pk}",
                reason=exit_reason,
            )
        return result

    return run


# ----------------------------------------------------------------------------- settings
def feedback_settings(program: Program) -> FeedbackSettings:
    """The programme's feedback settings (defaults when never saved; reads create nothing)."""
    found = FeedbackSettings.objects.filter(program=program).first()
    return found or FeedbackSettings(program=program)


@transaction.atomic
def save_feedback_settings(
    *, actor: User, program: Program, nps_at_end: bool, nps_days: int, nps_every_rounds: int
) -> FeedbackSettings:
    """Organisers switch the end-of-season NPS survey on or off (docs/feedback.md)."""
    if not is_organiser(actor, program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))
    if not 1 <= nps_days <= NPS_DAYS_MAX:
        raise ServiceError(_("Choose between 1 and %(n)d days.") % {"n": NPS_DAYS_MAX})
    if not 1 <= nps_every_rounds <= NPS_EVERY_ROUNDS_MAX:
        raise ServiceError(_("Choose between 1 and %(n)d rounds.") % {"n": NPS_EVERY_ROUNDS_MAX})
    found, _created = FeedbackSettings.objects.update_or_create(
        program=program,
        defaults={
            "nps_at_end": bool(nps_at_end),
            "nps_days": nps_days,
            "nps_every_rounds": nps_every_rounds,
        },
    )
    audit.record(
        actor=actor,
        action="feedback.settings",
        obj=program,
        data={"nps_at_end": found.nps_at_end, "nps_days": nps_days},
    )
    return found
