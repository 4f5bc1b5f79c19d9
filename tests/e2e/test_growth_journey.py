"""A member sets a goal with two milestones, ticks one, checks in, and achieves it; every page
is audited by axe-core (conftest). Another member cannot open it."""

import pytest

from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_sets_and_achieves_a_goal(page, login):
    program = ProgramFactory(name="Mentoring Circle", slug="mentoring")
    member = UserFactory(display_name="Mia Member")
    EnrollmentFactory(program=program, user=member)
    login(member)

    page.goto("/home/")
    page.get_by_role("link", name="My growth").click()
    page.get_by_text("No active goals yet").wait_for()
    page.get_by_role("link", name="New goal").click()
    page.get_by_label("Goal").fill("Speak at the meet-up")
    page.get_by_label("How you will know it is done").fill("A ten-minute talk given")
    page.get_by_label("Target date").fill("2027-03-01")
    page.get_by_label("Progress is measured by").select_option("milestones")
    page.get_by_label("Programme it belongs to").select_option(label="Mentoring Circle")
    page.get_by_role("button", name="Save goal").click()
    page.get_by_text("Goal saved.").wait_for()

    for title in ("Pick a topic", "Rehearse with my mentor"):
        page.get_by_label("Milestone").fill(title)
        page.get_by_role("button", name="Add milestone").click()
        page.get_by_text("Milestone added.").wait_for()
    page.get_by_role("button", name="Mark “Pick a topic” as done").click()
    page.get_by_role("button", name="Mark “Pick a topic” as not done").wait_for()

    page.get_by_label("What moved").fill("Chose accessibility as the topic.")
    page.get_by_role("button", name="Save check-in").click()
    page.get_by_text("Check-in saved.").wait_for()
    page.get_by_text("50 %").first.wait_for()

    page.get_by_role("button", name="Mark as achieved").click()
    page.get_by_text("Well done: goal achieved.").wait_for()
    goal = Goal.objects.get(owner=member)
    assert goal.status == GoalStatus.ACHIEVED
    assert goal.program == program
    assert goal.milestones.filter(done_at__isnull=False).count() == 1

    other = UserFactory(display_name="Noor Neighbour")
    login(other)
    response = page.goto(f"/growth/goals/{goal.pk}/")
    assert response is not None
    assert response.status == 404
