"""Browser journey: apply → organiser assigns from suggestions → mentor accepts →
orientation checklist → graduate → monthly report → mentor comments."""

from __future__ import annotations

import re

import pytest

from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.programs.models import ProgramKind
from peerly.programs.models import QuestionKind
from peerly.programs.models import Role
from peerly.programs.models import SignupQuestion
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_mentorship_journey(page, login):
    organiser = UserFactory(display_name="Olga Organiser")
    program = ProgramFactory(
        kind=ProgramKind.MENTORSHIP, name="Mentoring", slug="mentoring", organisers=[organiser]
    )
    SignupQuestion.objects.create(
        program=program, label="Why do you want a mentor?", kind=QuestionKind.TEXT
    )
    mentor = UserFactory(display_name="Mona Mentor")
    MentorProfile.objects.create(
        program=program,
        user=mentor,
        capacity=2,
        expertise="Public speaking, Python",
        enrollment=EnrollmentFactory(program=program, user=mentor, role=Role.MENTOR),
    )
    applicant = UserFactory(display_name="Abel Applicant")
    base = f"/programs/{program.slug}/mentorship/"

    # 1. apply
    login(applicant)
    page.goto(base)
    page.get_by_role("link", name="Apply for a mentor").click()
    page.get_by_label("Why do you want a mentor?").fill("To speak at conferences.")
    page.get_by_label("Your goals for the coming year").fill("Give my first talk.")
    page.get_by_label("Areas you want help with").fill("Public speaking")
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_url(f"**{base}")
    assert page.get_by_test_id("application-status").inner_text() == "Submitted"

    # 2. organiser assigns from the suggestions
    login(organiser)
    page.goto(base + "manage/assign/")
    page.get_by_text("Shared expertise: Public speaking").wait_for()
    page.get_by_role("button", name="Assign Abel Applicant to Mona Mentor").click()
    page.get_by_text("Abel Applicant is assigned to Mona Mentor.").wait_for()

    # 3. mentor accepts, runs the orientation and graduates the mentee
    login(mentor)
    page.goto(base + "mentor/")
    page.get_by_role("link", name="Abel Applicant").first.click()
    page.get_by_role("button", name="Accept Abel Applicant").click()
    assert page.get_by_test_id("mentorship-status").inner_text() == "Accepted: orientation"
    for label in (
        "Agreement signed",
        "Profile completed",
        "Responsibilities learned, including monthly reports",
        "First activity done",
        "Personal goals set",
    ):
        page.get_by_role("button", name=f"Mark done: {label}").click()
        page.get_by_role("button", name=f"Untick {label}").wait_for()
    page.get_by_role("button", name="Graduate Abel Applicant").click()
    assert page.get_by_test_id("mentorship-status").inner_text() == "Active"

    # 4. the mentee files a monthly report
    login(applicant)
    page.goto(base)
    page.get_by_role("link", name="Open my mentorship").click()
    page.get_by_role("link", name="File a monthly report").click()
    page.get_by_label("What I did").fill("Submitted a talk proposal.")
    page.get_by_label("What blocks me").fill("Stage fright.")
    page.get_by_role("button", name="File report").click()
    page.get_by_text("Report filed. Your mentor has been told.").wait_for()

    # 5. the mentor reads it and comments
    login(mentor)
    page.goto(base + "mentor/")
    page.get_by_role("link", name=re.compile(r"Abel Applicant — ")).click()
    page.get_by_text("Submitted a talk proposal.").wait_for()
    page.get_by_label("Comment").fill("Great start: let's rehearse on Friday.")
    page.get_by_role("button", name="Add comment").click()
    page.get_by_text("Great start: let's rehearse on Friday.").wait_for()
    ms = Mentorship.objects.get(mentee=applicant)
    assert ms.status == "active"
    report = ms.reports.get()
    assert report.reviewed_by == mentor and report.comments.count() == 1
