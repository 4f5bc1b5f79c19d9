"""The feedback metrics of the KPI dictionary (evaluation/kpi.py, docs/metrics.md): NPS and
the after-session usefulness, each computed by one function, per programme and overall.

Both look at the answers of the last 365 days, or from a start date (`since`: answers whose
response date — the day it came in, or an anonymous survey's opening day — is on or after it).
Neither reads a text. Neither honours the team filter (kpi.TEAM): anonymous answers have no
respondent to place in a team, and a figure that mixed attributed answers of one team with
nothing of the anonymous ones would not mean what its name says."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from peerly.evaluation import kpi
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.feedback import bank
from peerly.feedback.models import Answer
from peerly.feedback.models import SurveyKind
from peerly.feedback.selectors import nps_of
from peerly.programs.models import Program

WINDOW_DAYS = 365


def _answers(
    code: str, program: Program | None, today: dt.date, since: dt.date | None = None
) -> QuerySet[Answer]:
    """The numeric answers to the question `code` dated in the last 365 days up to today, or
    from `since` (inclusive) up to today."""
    period = (
        Q(response__submitted_on__gte=since)
        if since is not None
        else Q(response__submitted_on__gt=today - dt.timedelta(days=WINDOW_DAYS))
    )
    answers = Answer.objects.filter(
        period, question__code=code, number__isnull=False, response__submitted_on__lte=today
    )
    return answers if program is None else answers.filter(response__survey__program=program)


def nps(program: Program | None, today: dt.date, *, since: dt.date | None = None) -> Figure:
    """% promoters (9-10) - % detractors (0-6) of the 0-10 recommend answers of the last 365
    days. People: at least the largest number of answers to one survey (each member answers a
    survey once; an anonymous answer cannot be told apart across surveys), or the distinct
    known respondents when there are more. `since`: from that day instead."""
    answers = _answers(bank.NPS, program, today, since)
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


def session_usefulness(
    program: Program | None, today: dt.date, *, since: dt.date | None = None
) -> Figure:
    """The mean 1-5 "How useful was it for you?" of the after-session feedback of the last 365
    days. People: the distinct members who answered (after-session feedback is confidential,
    so they are known). `since`: from that day instead."""
    answers = _answers(bank.USEFUL, program, today, since).filter(
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
        "the last 365 days (from a start date: from that day on), in NPS surveys and pulse "
        "surveys that ask it; per programme its surveys, overall every programme's. From −100 "
        "to 100. People: at least the largest number of answers to one survey, or the "
        "distinct known respondents when more."
    ),
    unit=Unit.SCORE,
    unknowns=gettext_lazy(
        "Members who did not answer are not counted. Passives (7 and 8) count in the total "
        "only. No answer in the window: no figure. An anonymous answer is dated by its "
        "survey's opening day. No team filter: anonymous answers have no respondent to place "
        "in a team."
    ),
    compute=nps,
    filters=frozenset({kpi.SINCE}),
)
SESSION_USEFULNESS = Metric(
    key="session_usefulness",
    name=gettext_lazy("Session usefulness (mean, 1–5)"),
    definition=gettext_lazy(
        "The mean answer to “How useful was it for you?” (1–5) of the after-session feedback "
        "given in the last 365 days (from a start date: from that day on), after circle "
        "sessions, mentoring months and coffee meetings; per programme its own, overall every "
        "programme's. People: the members who answered."
    ),
    unit=Unit.MEAN_OF_5,
    unknowns=gettext_lazy(
        "Sessions nobody gave feedback on are not counted. Each answer counts once, so a member "
        "who answers after every session weighs more. No answer in the window: no figure. No "
        "team filter, as for the NPS: feedback figures are never split by team."
    ),
    compute=session_usefulness,
    filters=frozenset({kpi.SINCE}),
)

METRICS = (NPS, SESSION_USEFULNESS)
