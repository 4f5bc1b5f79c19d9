"""The survey mechanism's services: creating, answering once, refusing bad input, the exit
survey on leaving, NPS as defined."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.feedback import services
from peerly.feedback.models import Receipt
from peerly.feedback.models import Response
from peerly.feedback.models import SurveyKind
from peerly.feedback.selectors import nps_of
from peerly.feedback.selectors import survey_figures
from peerly.programs.models import Enrollment
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.feedback.conftest import CLOSES
from tests.feedback.conftest import DURING
from tests.feedback.conftest import OPENS
from tests.feedback.conftest import answers_for
from tests.feedback.conftest import enrol
from tests.feedback.conftest import make_survey

pytestmark = pytest.mark.django_db


def test_nps_is_promoters_minus_detractors_in_per_cent() -> None:
    assert nps_of([10, 9, 8, 7, 6, 0]) == (0.0, 2, 2, 2)
    assert nps_of([10, 10, 10, 5]) == (50.0, 3, 0, 1)
    assert nps_of([]) == (None, 0, 0, 0)


def test_only_organisers_create_surveys_and_dates_must_make_sense() -> None:
    boss, member = UserFactory(), UserFactory()
    program = ProgramFactory(organisers=[boss])
    enrol(program, 1)
    with pytest.raises(PermissionDenied):
        make_survey(program, member)
    with pytest.raises(ServiceError, match="close after"):
        make_survey(program, boss, closes_at=OPENS)
    with pytest.raises(ServiceError, match="reminder"):
        make_survey(program, boss, remind_at=CLOSES + dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="Unknown question"):
        make_survey(program, boss, bank_codes=["nope"])
    with pytest.raises(ServiceError, match="at least one"):
        make_survey(program, boss, bank_codes=[])
    with pytest.raises(ServiceError, match="28 days"):
        make_survey(program, boss, cadence="monthly", closes_at=OPENS + dt.timedelta(days=40))
    own = services.OwnQuestion(type="choice", text="Pick", choices=("only one",))
    with pytest.raises(ServiceError, match="2 to 12"):
        make_survey(program, boss, own_questions=[own])
    assert not program.surveys.exists()


def test_an_nps_survey_asks_the_recommend_question_and_why() -> None:
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    survey = make_survey(program, boss, kind="nps", bank_codes=[])
    assert [(q.code, q.type) for q in survey.questions.all()] == [
        ("nps", "nps"),
        ("nps_why", "text"),
    ]


def test_a_member_answers_once_and_bad_answers_change_nothing(pulse_world) -> None:
    _program, _boss, members, survey = pulse_world(anonymity="confidential")
    scale = survey.questions.get(code="pulse_value")
    with pytest.raises(ServiceError, match="from 1 to 5"):
        services.submit_response(survey=survey, user=members[0], answers={scale.pk: 9}, now=DURING)
    with pytest.raises(ServiceError, match="from 1 to 5"):
        services.submit_response(
            survey=survey, user=members[0], answers={scale.pk: "abc"}, now=DURING
        )
    choice = survey.questions.get(code="pulse_cadence")
    with pytest.raises(ServiceError, match="one of the options"):
        services.submit_response(
            survey=survey, user=members[0], answers={choice.pk: "x"}, now=DURING
        )
    with pytest.raises(ServiceError, match="not in this survey"):
        services.submit_response(survey=survey, user=members[0], answers={10**9: 1}, now=DURING)
    with pytest.raises(ServiceError, match="at least one"):
        services.submit_response(survey=survey, user=members[0], answers={}, now=DURING)
    assert not Receipt.objects.exists() and not Response.objects.exists()

    services.submit_response(
        survey=survey, user=members[0], answers=answers_for(survey), now=DURING
    )
    with pytest.raises(ServiceError, match="already answered"):
        services.submit_response(
            survey=survey, user=members[0], answers=answers_for(survey), now=DURING
        )
    assert Response.objects.filter(survey=survey).count() == 1
    assert Response.objects.get().respondent == members[0]  # confidential: stored


def test_outsiders_cannot_answer_and_a_closed_survey_takes_no_answer(pulse_world) -> None:
    _program, _boss, members, survey = pulse_world()
    with pytest.raises(PermissionDenied):
        services.submit_response(
            survey=survey, user=UserFactory(), answers=answers_for(survey), now=DURING
        )
    with pytest.raises(ServiceError, match="not open"):
        services.submit_response(
            survey=survey, user=members[0], answers=answers_for(survey), now=CLOSES
        )


def test_leaving_records_the_reason_in_the_audit_and_the_exit_survey() -> None:
    program = ProgramFactory()
    (member,) = enrol(program, 1)
    enrollment = Enrollment.objects.get(user=member)
    with pytest.raises(ServiceError):
        services.leave_with_reason(user=member, enrollment=enrollment, reason="bogus")
    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    services.leave_with_reason(
        user=member, enrollment=enrollment, reason="no_time", text="Busy quarter"
    )
    enrollment.refresh_from_db()
    assert enrollment.status == "left"
    assert AuditEvent.objects.get(action="enrollment.leave").reason == "no_time"
    survey = program.surveys.get(kind=SurveyKind.EXIT)
    (response,) = survey.responses.all()
    assert sorted((a.choice, a.text) for a in response.answers.all()) == [
        ("", "Busy quarter"),
        ("no_time", ""),
    ]
    # leaving without a word records no exit answer
    other_program = ProgramFactory()
    (quiet,) = enrol(other_program, 1)
    services.leave_with_reason(user=quiet, enrollment=Enrollment.objects.get(user=quiet))
    assert not other_program.surveys.exists()


def test_figures_hide_below_five_and_show_from_five(pulse_world) -> None:
    _program, _boss, members, survey = pulse_world(anonymity="confidential")
    for i, member in enumerate(members[:4]):
        services.submit_response(
            survey=survey, user=member, answers=answers_for(survey, text=f"t{i}"), now=DURING
        )
    figures = survey_figures(survey)
    assert figures.responses == 4 and not figures.shown
    assert all(f.answers == 0 and not f.texts and f.mean is None for f in figures.questions)
    services.submit_response(
        survey=survey, user=members[4], answers=answers_for(survey, value=2, text="b"), now=DURING
    )
    figures = survey_figures(survey)
    assert figures.shown
    value = next(f for f in figures.questions if f.question.code == "pulse_value")
    assert value.mean == 3.6 and dict(value.distribution)["4"] == 4
    texts = next(f for f in figures.questions if f.question.code == "pulse_better")
    assert texts.texts == ["b", "t0", "t1", "t2", "t3"]  # sorted, never in submission order
    assert figures.attributed == []  # confidential: no names
