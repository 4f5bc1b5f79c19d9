"""`peerly tick` opens, reminds and closes surveys once, whatever the number of runs; the
invitation and the reminder go through the outbox once per member, honouring opt-outs and the
member's chosen frequency; a repeating survey is scheduled again once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from peerly.core.management.commands.tick import run_ticks
from peerly.feedback import services
from peerly.feedback.models import Survey
from peerly.feedback.ticks import add_months
from peerly.feedback.ticks import tick
from peerly.notifications.categories import Category
from peerly.notifications.models import EmailOptOut
from peerly.notifications.models import OutboundEmail
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.feedback.conftest import CLOSES
from tests.feedback.conftest import DURING
from tests.feedback.conftest import OPENS
from tests.feedback.conftest import REMINDS
from tests.feedback.conftest import answers_for
from tests.feedback.conftest import enrol
from tests.feedback.conftest import make_survey

pytestmark = pytest.mark.django_db


def test_add_months_keeps_the_day_or_takes_the_last() -> None:
    jan31 = dt.datetime(2030, 1, 31, 9, tzinfo=dt.UTC)
    assert add_months(jan31, 1) == dt.datetime(2030, 2, 28, 9, tzinfo=dt.UTC)
    assert add_months(jan31, 3) == dt.datetime(2030, 4, 30, 9, tzinfo=dt.UTC)
    assert add_months(dt.datetime(2030, 11, 15, tzinfo=dt.UTC), 3).month == 2


def test_open_remind_close_once_each(django_capture_on_commit_callbacks) -> None:
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    answered, quiet, opted_out, rarely = enrol(program, 4)
    EmailOptOut.objects.create(user=opted_out, category=Category.FEEDBACK_REQUESTS)
    rarely.profile.frequency = "quarterly"
    rarely.profile.save()
    survey = make_survey(program, boss)

    before = OPENS - dt.timedelta(minutes=1)
    assert tick(now=before)["opened"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = tick(now=DURING)
        second = tick(now=DURING)
    assert (first["opened"], second["opened"]) == (1, 0)
    sent = {m.to[0] for m in mail.outbox}
    assert sent == {answered.email, quiet.email, rarely.email}  # the opt-out is skipped
    assert OutboundEmail.objects.filter(key__startswith="feedback.invite:").count() == 4

    services.submit_response(survey=survey, user=answered, answers=answers_for(survey), now=DURING)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tick(now=REMINDS)["reminded"] == 1
        assert tick(now=REMINDS)["reminded"] == 0
    assert [m.to[0] for m in mail.outbox] == [quiet.email]  # not answered, not "quarterly"

    assert tick(now=CLOSES)["closed"] == 1
    assert tick(now=CLOSES)["closed"] == 0
    survey.refresh_from_db()
    assert survey.status == "closed" and not Survey.objects.filter(previous=survey).exists()


def test_a_monthly_survey_is_scheduled_again_once(django_capture_on_commit_callbacks) -> None:
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    enrol(program, 2)
    survey = make_survey(program, boss, cadence="monthly")
    with django_capture_on_commit_callbacks(execute=True):
        tick(now=DURING)
        counts = [tick(now=CLOSES)["scheduled"] for _ in range(3)]
    assert counts == [1, 0, 0]
    nxt = Survey.objects.get(previous=survey)
    assert nxt.status == "scheduled"
    assert nxt.opens_at == add_months(OPENS, 1)
    assert [q.code for q in nxt.questions.all()] == [q.code for q in survey.questions.all()]


def test_peerly_tick_runs_the_feedback_step() -> None:
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    make_survey(
        program,
        boss,
        opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2020, 1, 5, tzinfo=dt.UTC),
        remind_at=None,
    )
    summary = run_ticks()
    assert summary["feedback.opened"] == 1 and summary["feedback.closed"] == 1
    assert not [k for k in summary if k.startswith("failed.")]
