"""Issue 13's journey through a mentorship: a mentee in orientation sets a goal with two
milestones from the orientation step and shares it with the mentor, records progress in a
monthly report; the mentor sees it (title, progress) on the mentorship and report pages; the
organiser's members page shows the programme's goal figures (from 5 members) and never the
goal's title. Every page is audited by axe-core (conftest)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peerly.growth import services as growth_services
from peerly.growth.models import CheckIn
from peerly.growth.models import Goal
from peerly.growth.models import Share
from peerly.mentorship import services
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.programs.models import ProgramKind
from peerly.programs.models import Role
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TITLE = "Host the spring meet-up"


def _world() -> tuple[object, ...]:
    organiser = UserFactory(display_name="Olga Organiser")
    program = ProgramFactory(
        kind=ProgramKind.MENTORSHIP, name="Mentoring", slug="mentoring", organisers=[organiser]
    )
    mentor = UserFactory(display_name="Mona Mentor")
    profile = MentorProfile.objects.create(
        program=program,
        user=mentor,
        capacity=2,
        enrollment=EnrollmentFactory(program=program, user=mentor, role=Role.MENTOR),
    )
    mentee = UserFactory(display_name="Abel Applicant")
    ms = services.submit_application(
        user=mentee, program=program, goals="Organise events\nand speak at one"
    )
    ms = services.assign_mentor(actor=organiser, mentorship=ms, mentor=profile)
    ms = services.accept_application(actor=mentor, mentorship=ms)
    # five other members with goals due in the programme: the figures need 5 people
    for i in range(5):
        member = UserFactory(display_name=f"Member {i}")
        EnrollmentFactory(program=program, user=member, role=Role.MENTEE)
        goal = growth_services.create_goal(
            owner=member,
            title=f"Other goal {i}",
            program=program,
            target_on=timezone.localdate() - dt.timedelta(days=10),
        )
        if i < 2:
            growth_services.achieve_goal(goal=goal, actor=member)
    return organiser, program, mentor, mentee, ms


def test_a_mentee_sets_a_goal_at_orientation_and_the_mentor_follows_it(page, login):
    organiser, program, mentor, mentee, ms = _world()
    base = f"/programs/{program.slug}/mentorship/"  # type: ignore[attr-defined]
    detail = f"{base}m/{ms.pk}/"  # type: ignore[attr-defined]

    # 1. the mentee sets the goal from the orientation checklist, shared with the mentor
    login(mentee)
    page.goto(detail)
    page.get_by_role("link", name="Set your goals").click()
    page.get_by_label("Goal").fill(TITLE)
    page.get_by_label("How you will know it is done").fill("Forty people came")
    page.get_by_label("Milestone 1", exact=True).fill("Book a venue")
    page.get_by_label("Milestone 1 due").fill("2027-02-01")
    page.get_by_label("Milestone 2", exact=True).fill("Invite two speakers")
    assert page.get_by_label("Share it with my mentor").is_checked()
    page.get_by_role("button", name="Save goal").click()
    page.get_by_text("Goal saved.").wait_for()
    page.get_by_role("button", name="Untick Personal goals set").wait_for()
    goal = Goal.objects.get(owner=mentee)
    assert goal.program_id == program.pk  # type: ignore[attr-defined]
    assert goal.milestones.count() == 2
    assert Share.objects.filter(goal=goal, mentorship=ms).exists()

    # 2. progress in a monthly report
    page.get_by_role("link", name="File a monthly report").click()
    page.get_by_label("What I did").fill("Visited two venues.")
    page.get_by_label(f"“{TITLE}”: progress now (%)").fill("40")
    page.get_by_label(f"“{TITLE}”: what moved").fill("Shortlisted the library hall.")
    page.get_by_role("button", name="File report").click()
    page.get_by_text("Report filed. Your mentor has been told.").wait_for()
    assert CheckIn.objects.get(goal=goal).progress == 40

    # 3. the mentor sees the goal and its progress
    login(mentor)
    page.goto(detail)
    page.get_by_role("heading", name="Shared goals").wait_for()
    page.get_by_role("link", name=TITLE).wait_for()
    month = timezone.localdate().strftime("%B %Y")
    page.get_by_role("link", name=month).click()
    page.get_by_role("heading", name="Progress on shared goals").wait_for()
    page.get_by_text(TITLE).wait_for()
    page.get_by_text("Shortlisted the library hall.").wait_for()
    assert "40 %" in page.content()

    # 4. the organiser sees figures, never the goal
    login(organiser)
    page.goto(f"/programs/{program.slug}/manage/")  # type: ignore[attr-defined]
    page.get_by_role("heading", name="Goals linked to this programme").wait_for()
    html = page.content()
    assert "Too few people yet" not in html
    row = page.get_by_role("row", name="Goal attainment (achieved ÷ due)")
    assert "40 %" in row.inner_text()  # 2 achieved of the 5 goals due
    assert "2 of 5" in row.inner_text()
    assert TITLE not in html
    assert "Other goal" not in html
    response = page.goto(f"{base}reports/{ms.reports.get().pk}/")  # type: ignore[attr-defined]
    assert response is not None
    assert response.status == 404
    assert TITLE not in page.content()
    assert Mentorship.objects.get(pk=ms.pk).status == "orientation"  # type: ignore[attr-defined]
