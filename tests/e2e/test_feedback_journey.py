"""A circle member gives feedback after a session (and passes it on to the circle); the
organiser schedules a pulse survey, `peerly tick` opens it, five members answer and the
organiser sees the aggregate (Chromium, no mocks; every page audited by axe-core)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from peerly.circles.models import CircleSession
from peerly.feedback.models import PeerFeedback
from peerly.feedback.models import Survey
from peerly.feedback.ticks import tick
from tests.circles.conftest import add_members  # noqa: F401 (a fixture)
from tests.circles.conftest import member_users
from tests.circles.conftest import organiser  # noqa: F401 (a fixture)
from tests.circles.conftest import program  # noqa: F401 (a fixture)
from tests.circles.conftest import publish  # noqa: F401 (a fixture)
from tests.circles.conftest import scheduled_circle  # noqa: F401 (a fixture)
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_session_feedback_and_a_pulse_survey(page, login, request):  # type: ignore[no-untyped-def]
    circle = request.getfixturevalue("scheduled_circle")  # tests/circles/conftest.py
    boss = request.getfixturevalue("organiser")
    circle_program = circle.program
    session = circle.sessions.order_by("number").first()
    CircleSession.objects.filter(pk=session.pk).update(status="held", held_at=timezone.now())
    me, *others = member_users(circle)

    # 1. a circle member gives feedback after the session, and shares it with the circle
    login(me)
    page.goto(f"/programs/{circle_program.slug}/circles/sessions/{session.pk}/")
    page.get_by_role("link", name=re.compile("How was this session")).click()
    page.get_by_role("group", name=re.compile("How useful was it")).get_by_label("5").check()
    page.get_by_label("One thing that helped").fill("The open questions")
    page.get_by_label(re.compile("Also send these two answers")).check()
    page.get_by_role("button", name="Send my feedback").click()
    page.get_by_text("Thank you for your feedback.").wait_for()
    assert PeerFeedback.objects.filter(author=me).count() == len(others)

    login(others[0])
    page.goto("/feedback/")
    page.get_by_text("The open questions").wait_for()

    # 2. the organiser schedules a pulse survey, opening today
    for _ in range(3):
        EnrollmentFactory(program=circle_program, user=UserFactory())
    login(boss)
    page.goto(f"/programs/{circle_program.slug}/")
    page.get_by_role("link", name="Surveys", exact=True).click()
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title").fill("Mid-season pulse")
    page.get_by_label(re.compile("Anonymous: no link")).check()
    today = timezone.localdate()
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes at the end of").fill((today + timezone.timedelta(days=7)).isoformat())
    page.get_by_label("The programme is worth the time I give it").check()
    page.get_by_label("What would make it better?").check()
    page.get_by_role("button", name="Schedule survey").click()
    page.get_by_text("Survey scheduled.").wait_for()
    survey = Survey.objects.get(title="Mid-season pulse")
    assert tick(now=timezone.now())["opened"] == 1  # what `peerly tick` does

    # 3. five members answer it from "My surveys"
    members = [u.user for u in circle_program.enrollments.select_related("user")][:5]
    for n, member in enumerate(members):
        login(member)
        page.goto("/feedback/")
        page.get_by_role("link", name="Mid-season pulse").click()
        scale = page.get_by_role("group", name=re.compile("worth the time"))
        scale.get_by_label(str(1 + n % 5)).check()
        page.get_by_label("What would make it better?").fill(f"idea {n}")
        page.get_by_role("button", name="Send my answers").click()
        page.get_by_text("Thank you for your answers.").wait_for()
    assert survey.responses.count() == 5

    # 4. the organiser sees the aggregate: the mean, the counts and the texts without names
    login(boss)
    page.goto(f"/feedback/programs/{circle_program.slug}/manage/")
    page.get_by_role("link", name="Mid-season pulse").click()
    page.get_by_test_id("responses").get_by_text("5").wait_for()
    page.get_by_text("mean 3.0").wait_for()
    page.get_by_text("idea 4").wait_for()
    assert me.name not in page.content()
