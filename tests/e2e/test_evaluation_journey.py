"""An organiser opens a coffee programme's network page, computes it, sees the team matrix,
then turns a success measure into a target and sees its status (Chromium, no mocks)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_evaluation_journey(page, login):  # type: ignore[no-untyped-def]
    organiser = UserFactory(display_name="Olga Organiser")
    program = ProgramFactory(
        slug="coffee", name="Coffee Roulette", kind=ProgramKind.COFFEE, organisers=[organiser]
    )
    people = [UserFactory() for _ in range(10)]
    for i, user in enumerate(people):
        EnrollmentFactory(program=program, user=user)
        user.profile.team = "Sales" if i % 2 else "Research"
        user.profile.save()
    today = timezone.localdate()
    round_ = Round.objects.create(
        program=program,
        number=1,
        published_at=timezone.now(),
        meets_from=today - dt.timedelta(days=20),
        meet_by=today - dt.timedelta(days=2),
    )
    for g in range(5):
        group = RoundGroup.objects.create(round=round_, number=g + 1)
        for user in people[2 * g : 2 * g + 2]:
            GroupMember.objects.create(group=group, round=round_, user=user, answer="all")

    # 1. the network page, from the programme's navigation: not computed yet, then computed
    login(organiser)
    page.goto("/programs/coffee/coffee/manage/report/")
    page.get_by_role("link", name="Network").click()
    page.get_by_text("Not computed yet").wait_for()
    page.get_by_role("button", name="Compute again now").click()
    page.get_by_text("The network figures are up to date.").wait_for()
    assert page.get_by_role("img", name="New ties between teams").count() == 1
    assert page.get_by_role("row", name="Research 5 0 5").count() == 1

    # 2. a target from the success measures: met rate at least 70 %
    page.get_by_role("link", name="Targets").click()
    page.get_by_text("No targets yet").wait_for()
    page.get_by_label("Metric").select_option("met_rate")
    page.get_by_label("Comparison").select_option("at_least")
    page.get_by_label("Target").fill("70")
    page.get_by_role("button", name="Save target").click()
    page.get_by_text("Target saved.").wait_for()
    row = page.get_by_role("row").filter(has_text="Met rate")
    assert "On track" in row.inner_text() and "100 %" in row.inner_text()

    # 3. the evaluation page from the navigation: the headline figure, the chart and its table,
    # then a team filter, and a bad date named by its field
    page.get_by_role("link", name="Evaluation").click()
    page.get_by_role("heading", name="Coffee Roulette: evaluation").wait_for()
    figure = page.get_by_role("row").filter(has_text="Met rate").first
    assert "100 %" in figure.inner_text() and "10 people" in figure.inner_text()
    assert page.get_by_role("img").count() >= 1  # the chart over time, with its text
    page.get_by_label("Team").select_option("Research")
    page.get_by_role("button", name="Show").click()
    assert "Team: Research." in page.content()
    figure = page.get_by_role("row").filter(has_text="Met rate").first
    assert "100 %" in figure.inner_text() and "5 people" in figure.inner_text()
    page.goto(f"/metrics/dashboard/coffee/?since={(today + dt.timedelta(days=3)).isoformat()}")
    page.get_by_text("From: choose a date no later than today.").wait_for()

    # 4. the overview across programmes, from the metrics page
    page.goto("/metrics/")
    page.get_by_role("link", name="Your programmes' figures side by side: the overview").click()
    page.get_by_role("link", name="Coffee Roulette").first.wait_for()
