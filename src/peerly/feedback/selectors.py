"""Permission-scoped reads of the feedback instruments, and the organisers' aggregates.

The rule for organisers (docs/feedback.md): a survey's figures are shown from MIN_PEOPLE
(5) responses on, never fewer; free texts of anonymous and confidential surveys only in
that aggregate, sorted (never in the order they came in) and without names; only an
attributed survey shows who said what.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Prefetch
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.aggregates import MIN_PEOPLE
from peerly.feedback.models import Answer
from peerly.feedback.models import PeerFeedback
from peerly.feedback.models import Question
from peerly.feedback.models import QuestionType
from peerly.feedback.models import Receipt
from peerly.feedback.models import Response
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyKind
from peerly.feedback.models import SurveyStatus
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.access import access_program
from peerly.programs.models import Program


def _id(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404("No such survey.") from None
    if not 0 < number < 2**63:
        raise Http404("No such survey.")
    return number


def get_survey_for_member(*, user: User, survey_id: Any) -> Survey:
    """A pulse or NPS survey of a programme `user` is a member of (404 for anybody else)."""
    survey = (
        Survey.objects.filter(
            pk=_id(survey_id),
            kind__in=(SurveyKind.PULSE, SurveyKind.NPS),
            program__enrollments__user=user,
            program__enrollments__status__in=MEMBER_STATUSES,
        )
        .select_related("program")
        .prefetch_related("questions")
        .first()
    )
    if survey is None:
        raise Http404("No such survey.")
    return survey


def get_survey_for_organiser(*, user: User, slug: str, survey_id: Any) -> Survey:
    """A survey of the programme `slug`, which `user` organises (404 / 403 from the gateway)."""
    access = access_program(user, slug, need="organiser")
    survey = (
        Survey.objects.filter(pk=_id(survey_id), program=access.program)
        .select_related("program")
        .first()
    )
    if survey is None:
        raise Http404("No such survey.")
    return survey


def get_standing_survey(*, program: Program, kind: str) -> Survey | None:
    """The programme's after-session or exit survey if it exists yet (reads never create it)."""
    return Survey.objects.filter(program=program, kind=kind).first()


def list_open_surveys_for_user(*, user: User) -> list[Survey]:
    """The open pulse and NPS surveys of `user`'s programmes, each with `has_answered`; a
    survey with an audience (an end-of-season NPS) only for the people in it."""
    found = list(
        Survey.objects.filter(
            status=SurveyStatus.OPEN,
            kind__in=(SurveyKind.PULSE, SurveyKind.NPS),
            program__enrollments__user=user,
            program__enrollments__status__in=MEMBER_STATUSES,
        )
        .annotate(
            has_answered=Exists(
                Receipt.objects.filter(survey=OuterRef("pk"), user=user, occasion="")
            )
        )
        .select_related("program")
        .order_by("closes_at", "pk")[:100]
    )
    return [s for s in found if not s.audience or user.pk in s.audience]


def list_surveys_for_program(*, program: Program) -> QuerySet[Survey]:
    """Every survey of the programme with its number of responses (organisers)."""
    return (
        Survey.objects.filter(program=program)
        .annotate(response_count=Count("responses", distinct=True))
        .order_by("-opens_at", "-pk")
    )


def list_feedback_received(*, user: User) -> QuerySet[PeerFeedback]:
    return (
        PeerFeedback.objects.filter(recipient=user)
        .select_related("author", "program")
        .order_by("-created_at", "-pk")
    )


# ----------------------------------------------------------------------------- aggregates
@dataclass
class QuestionFigures:
    question: Question
    answers: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)  # (value or label, n)
    nps: float | None = None
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    texts: list[str] = field(default_factory=list)


@dataclass
class Attributed:
    name: str
    submitted_on: Any
    answers: list[tuple[str, str]]  # (question, answer)


@dataclass
class SurveyFigures:
    survey: Survey
    responses: int
    shown: bool  # at least MIN_PEOPLE responses: the figures may be shown
    questions: list[QuestionFigures]
    attributed: list[Attributed] = field(default_factory=list)

    @property
    def min_people(self) -> int:
        return MIN_PEOPLE


def nps_of(scores: list[int]) -> tuple[float | None, int, int, int]:
    """(NPS, promoters, passives, detractors) of 0-10 scores: % 9-10 minus % 0-6."""
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    passives = len(scores) - promoters - detractors
    if not scores:
        return None, 0, 0, 0
    value = round(100 * (promoters - detractors) / len(scores), 1)
    return value, promoters, passives, detractors


def _answer_text(question: Question, answer: Answer) -> str:
    if question.is_numeric:
        return "" if answer.number is None else str(answer.number)
    if question.type == QuestionType.CHOICE:
        return question.choice_labels.get(answer.choice, answer.choice)
    return answer.text


def survey_figures(survey: Survey) -> SurveyFigures:
    """The aggregate of `survey` for its organisers (three queries whatever its size).

    Below MIN_PEOPLE people nothing but that count is filled in. People: the responses of an
    anonymous survey (one per member), else the distinct respondents (after-session and exit
    surveys take one answer per occasion, so a member may answer many times)."""
    questions = list(survey.questions.all())
    responses = Response.objects.filter(survey=survey)
    if survey.is_anonymous:  # one response per member (the receipts), nobody to count twice
        people = responses.count()
    else:  # a member answers once per occasion (after a session, each time they leave)
        people = responses.exclude(respondent=None).values("respondent").distinct().count()
    figures = SurveyFigures(
        survey=survey,
        responses=people,
        shown=people >= MIN_PEOPLE,
        questions=[QuestionFigures(q) for q in questions],
    )
    if survey.is_attributed:  # members were told: organisers see who said what
        figures.attributed = _attributed(survey, questions)
    if not figures.shown:
        return figures
    by_question: dict[int, list[Answer]] = {q.pk: [] for q in questions}
    for answer in Answer.objects.filter(response__in=responses).only(
        "question_id", "number", "choice", "text"
    ):
        by_question.setdefault(answer.question_id, []).append(answer)
    for fig in figures.questions:
        q, answers = fig.question, by_question.get(fig.question.pk, [])
        fig.answers = len(answers)
        if q.is_numeric:
            numbers = [a.number for a in answers if a.number is not None]
            low, high = q.bounds
            fig.distribution = [(str(v), numbers.count(v)) for v in range(low, high + 1)]
            fig.mean = round(sum(numbers) / len(numbers), 2) if numbers else None
            if q.type == QuestionType.NPS:
                fig.nps, fig.promoters, fig.passives, fig.detractors = nps_of(numbers)
        elif q.type == QuestionType.CHOICE:
            counts = dict.fromkeys(q.choice_labels, 0)
            for a in answers:
                counts[a.choice] = counts.get(a.choice, 0) + 1
            fig.distribution = [(q.choice_labels.get(c, c), n) for c, n in counts.items()]
        elif len(answers) >= MIN_PEOPLE:  # texts: only from 5 answers on, sorted, nameless
            fig.texts = sorted((a.text for a in answers if a.text), key=str.casefold)
    return figures


def _attributed(survey: Survey, questions: list[Question]) -> list[Attributed]:
    names = {q.pk: q for q in questions}
    rows = (
        Response.objects.filter(survey=survey)
        .select_related("respondent")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("question_id")))
        .order_by("respondent__display_name", "submitted_on")
    )
    return [
        Attributed(
            name=r.respondent.name if r.respondent else _("Former member"),
            submitted_on=r.submitted_on,
            answers=[
                (names[a.question_id].text, _answer_text(names[a.question_id], a))
                for a in r.answers.all()
                if a.question_id in names
            ],
        )
        for r in rows
    ]


def require_organiser_of(user: User, survey: Survey) -> None:
    from peerly.programs.access import is_organiser

    if not is_organiser(user, survey.program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))
