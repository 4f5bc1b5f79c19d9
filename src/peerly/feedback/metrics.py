"""The feedback metrics of the KPI dictionary (evaluation/kpi.py, docs/metrics.md): NPS and
the after-session usefulness, each computed by one function, per programme and overall.

Both look at the answers of the last 365 days. Neither reads a text."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.feedback import bank
from peerly.feedback.models import Answer
from peerly.feedback.models import SurveyKind
from peerly.feedback.selectors import nps_of
from peerly.programs.models import Program

WINDOW_DAYS = 365


def _answers(code: str, program: Program | None, today: dt.date) -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        question__code=code,
        number__isnull=False,
        response__submitted_on__gt=today - dt.timedelta(days=WINDOW_DAYS),
        response__submitted_on__lte=today,
    )
    return answers if program is None else answers.filter(response__survey__program=program)


def nps(program: Program | None, today: dt.date) -> Figure:
    """% promoters (9-10) - % detractors (0-6) of the 0-10 recommend answers of the last 365
    days. People: at least the largest number of answers to one survey (each member answers a
    survey once; an anonymous answer cannot be told apart across surveys), or the distinct
    known respondents when there are more."""
    answers = _answers(bank.NPS, program, today)
    scores = [n for n in answers.values_list("number", flat=True) if n is not None]
    per_survey = answers.values("response__survey").annotate(n=Count("id")).order_by("-n").first()
    known = (
        answers.exclude(response__respondent=None).values("response__respondent").distinct().count()
    )
    value, promoters, _passives, detractors = nps_of(scores)
    people = max(per_survey["n"] if per_survey else 0, known)
    return Figure(
        value=value, people=people, numerator=promoters - detractors, denominator=len(scores)
    )


def session_usefulness(program: Program | None, today: dt.date) -> Figure:
    """The mean 1-5 "How useful was it for you?" of the after-session feedback of the last 365
    days. People: the distinct members who answered (after-session feedback is confidential,
    so they are known)."""
    answers = _answers(bank.USEFUL, program, today).filter(
        response__survey__kind=SurveyKind.AFTER_SESSION
    )
    numbers = [n for n in answers.values_list("number", flat=True) if n is not None]
    people = answers.values("response__respondent").distinct().count()
    value = round(sum(numbers) / len(numbers), 2) if numbers else None
    return Figure(value=value, people=people, numerator=sum(numbers), denominator=len(numbers))


NPS = Metric(
    key="nps",
    name=gettext_lazy("Net Promoter Score"),
    definition=gettext_lazy(
        "Per cent of promoters (9 or 10) minus per cent of detractors (0 to 6) among the answers "
        "to “How likely are you to recommend this programme to a colleague?” (0–10) given in "
        "the last 365 days, in NPS surveys and pulse surveys that ask it; per programme its "
        "surveys, overall every programme's. From −100 to 100. People: at least the largest "
        "number of answers to one survey, or the distinct known respondents when more."
    ),
    unit=Unit.SCORE,
    unknowns=gettext_lazy(
        "Members who did not answer are not counted. Passives (7 and 8) count in the total "
        "only. No answer in the window: no figure."
    ),
    compute=nps,
)
SESSION_USEFULNESS = Metric(
    key="session_usefulness",
    name=gettext_lazy("Session usefulness (mean, 1–5)"),
    definition=gettext_lazy(
        "The mean answer to “How useful was it for you?” (1–5) of the after-session feedback "
        "given in the last 365 days, after circle sessions, mentoring months and coffee "
        "meetings; per programme its own, overall every programme's. People: the members who "
        "answered."
    ),
    unit=Unit.MEAN_OF_5,
    unknowns=gettext_lazy(
        "Sessions nobody gave feedback on are not counted. Each answer counts once, so a member "
        "who answers after every session weighs more. No answer in the window: no figure."
    ),
    compute=session_usefulness,
)

METRICS = (NPS, SESSION_USEFULNESS)
