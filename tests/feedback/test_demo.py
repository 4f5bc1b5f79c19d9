"""The demo's surveys (feedback/demo.py): a closed confidential pulse survey in the coffee
programme whose figures the organiser sees, an open NPS survey the demo member can answer,
after-session answers with one passed on to the demo member; through the services (audited),
silent, and the same for the same seed."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.db import transaction
from django.test import Client
from django.urls import reverse

from peerly.accounts.models import User
from peerly.core.models import AuditEvent
from peerly.feedback import selectors
from peerly.feedback import services
from peerly.feedback.models import Anonymity
from peerly.feedback.models import PeerFeedback
from peerly.feedback.models import Response
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyKind
from peerly.feedback.models import SurveyStatus
from peerly.notifications.models import OutboundEmail
from peerly.programs import demo
from peerly.programs.demo import build_demo
from peerly.programs.models import Program

pytestmark = pytest.mark.django_db


def _people() -> tuple[User, User, Program]:
    return (
        User.objects.get(email=demo.ORGANISER_EMAIL),
        User.objects.get(email=demo.MEMBER_EMAIL),
        Program.objects.get(kind="coffee"),
    )


def test_demo_pulse_survey_is_closed_and_its_figures_are_shown_to_the_organiser():
    build_demo(members=12, seed=1)
    organiser, member, coffee = _people()
    pulse = Survey.objects.get(program=coffee, kind=SurveyKind.PULSE)
    assert pulse.status == SurveyStatus.CLOSED and pulse.anonymity == Anonymity.CONFIDENTIAL
    respondents = set(pulse.responses.values_list("respondent_id", flat=True))
    assert len(respondents) >= 6 and member.pk in respondents
    figures = selectors.survey_figures(pulse)
    assert figures.shown and figures.responses >= 6
    assert all(q.answers for q in figures.questions if q.question.is_numeric)
    client = Client()
    client.force_login(organiser)
    page = client.get(
        reverse("feedback:results", kwargs={"slug": coffee.slug, "survey_id": pulse.pk})
    )
    assert page.status_code == 200


def test_demo_nps_survey_is_open_and_the_member_can_answer_it():
    build_demo(members=12, seed=1)
    _organiser, member, coffee = _people()
    nps = Survey.objects.get(program=coffee, kind=SurveyKind.NPS)
    assert nps.status == SurveyStatus.OPEN
    assert [(s.pk, s.has_answered) for s in selectors.list_open_surveys_for_user(user=member)] == [
        (nps.pk, False)
    ]
    client = Client()
    client.force_login(member)
    assert client.get(reverse("feedback:answer", kwargs={"survey_id": nps.pk})).status_code == 200
    question = nps.questions.get(code="nps")
    services.submit_response(survey=nps, user=member, answers={question.pk: 9})
    assert services.has_answered(survey=nps, user=member)


def test_demo_after_session_feedback_is_passed_on_to_the_member():
    build_demo(members=12, seed=1)
    _organiser, member, _coffee = _people()
    after = Survey.objects.get(kind=SurveyKind.AFTER_SESSION)
    assert after.responses.count() >= 2
    received = PeerFeedback.objects.filter(recipient=member)
    assert received.count() == 1 and received.get().helped
    client = Client()
    client.force_login(member)
    page = client.get(reverse("feedback:home"))
    assert page.status_code == 200 and received.get().helped in page.content.decode()


def test_demo_after_session_feedback_is_in_the_circles_with_a_circle_mate():
    build_demo(seed=0)
    _organiser, member, _coffee = _people()
    circles = Program.objects.get(kind="circle")
    after = Survey.objects.get(kind=SurveyKind.AFTER_SESSION)
    assert after.program == circles
    assert after.responses.values("respondent").distinct().count() >= 5
    shared = PeerFeedback.objects.get(recipient=member)
    assert shared.program == circles and shared.occasion.startswith("circle:session-")
    assert shared.author != member
    assert shared.author.circle_memberships.filter(circle__memberships__user=member).exists()


def test_demo_surveys_are_audited_and_silent():
    build_demo(members=12, seed=1)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"survey.create", "survey.answer"} <= actions
    answers = Response.objects.filter(respondent__isnull=False).count()
    assert AuditEvent.objects.filter(action="survey.answer").count() == answers
    assert not OutboundEmail.objects.filter(key__startswith="feedback.").exists()


def _rewind_sequences() -> None:
    """Every id sequence back to its table's highest id, as in a fresh database: PostgreSQL
    does not roll sequences back (the demo's draws, like the real ones, depend on ids)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _signature() -> dict[str, Any]:
    """What the demo's surveys hold, apart from random keys."""
    _rewind_sequences()
    with transaction.atomic():
        build_demo(members=12, seed=1)
        signature = {
            "surveys": sorted(
                (s.kind, s.status, s.title, s.responses.count()) for s in Survey.objects.all()
            ),
            "texts": sorted(
                Response.objects.filter(answers__text__gt="").values_list(
                    "respondent__email", "answers__text"
                )
            ),
            "numbers": sorted(
                Response.objects.filter(answers__number__isnull=False).values_list(
                    "respondent__email", "answers__question__code", "answers__number"
                )
            ),
            "shared": sorted(
                PeerFeedback.objects.values_list("author__email", "recipient__email", "helped")
            ),
        }
        transaction.set_rollback(True)
    return signature


def test_demo_surveys_are_the_same_for_the_same_seed():
    first = _signature()
    assert first["surveys"] and first["texts"] and first["shared"]
    assert _signature() == first
