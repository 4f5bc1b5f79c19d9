"""NPS and session usefulness in the KPI dictionary: hand-made answers with a known result,
nothing shown from fewer than 5 people."""

from __future__ import annotations

import datetime as dt

import pytest

from peerly.evaluation import kpi
from peerly.feedback import bank
from peerly.feedback import services
from peerly.feedback.models import SurveyKind
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.feedback.conftest import DURING
from tests.feedback.conftest import enrol
from tests.feedback.conftest import make_survey
from tests.feedback.conftest import opened

pytestmark = pytest.mark.django_db
TODAY = DURING.date()


def _nps_survey(scores: list[int]):  # type: ignore[no-untyped-def]
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    members = enrol(program, len(scores))
    survey = opened(make_survey(program, boss, kind="nps", bank_codes=[]))
    question = survey.questions.get(code=bank.NPS)
    for member, score in zip(members, scores, strict=True):
        services.submit_response(
            survey=survey, user=member, answers={question.pk: score}, now=DURING
        )
    return program


def test_nps_is_defined_once_and_computed_from_the_answers() -> None:
    metric = kpi.get("nps")
    program = _nps_survey([10, 9, 9, 7, 3, 0])
    figure = metric.figure(program=program, today=TODAY)
    assert figure.people == 6
    assert figure.value == pytest.approx(100 * (3 - 2) / 6, abs=0.1)
    assert figure.denominator == 6
    # far later the answers are out of the 365-day window
    assert metric.figure(program=program, today=TODAY + dt.timedelta(days=400)).value is None


def test_nps_of_fewer_than_five_is_not_shown() -> None:
    program = _nps_survey([10, 10, 10, 10])
    figure = kpi.get("nps").figure(program=program, today=TODAY)
    assert figure.value is None and figure.numerator is None and figure.denominator is None


def test_session_usefulness_is_the_mean_of_five_people_or_nothing(scheduled_circle) -> None:
    from peerly.circles.models import CircleSession
    from tests.circles.conftest import member_users

    metric = kpi.get("session_usefulness")
    program = scheduled_circle.program
    sessions = list(scheduled_circle.sessions.order_by("number")[:2])
    CircleSession.objects.filter(pk__in=[s.pk for s in sessions]).update(status="held")
    people = member_users(scheduled_circle)
    scores = iter([5, 4, 3, 2, 5, 4])
    for session in sessions:
        for person in people:
            occasion = services.resolve_occasion(
                kind_code="circle", ref=f"session-{session.pk}", user=person
            )
            services.submit_session_feedback(
                user=person, kind_code="circle", occasion=occasion, useful=next(scores)
            )
    figure = metric.figure(program=program, today=dt.date.today())
    assert figure.people == 3 and figure.value is None  # 6 answers, but 3 people
    raw = metric.compute(program, dt.date.today())
    assert raw.value == pytest.approx(23 / 6, abs=0.01) and raw.people == 3
    assert program.surveys.get().kind == SurveyKind.AFTER_SESSION


def test_both_metrics_are_in_the_dictionary() -> None:
    keys = {m.key for m in kpi.registry()}
    assert {"nps", "session_usefulness"} <= keys
    assert kpi.get("nps").unit is kpi.Unit.SCORE
