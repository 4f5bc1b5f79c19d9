"""Sign up → confirm email → profile and availability → ask to join → organiser approves."""

import re

import pytest
from django.core import mail

from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentMode
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_newcomer_joins_and_is_approved(page, login):
    organiser = UserFactory(display_name="Olive Organiser")
    program = ProgramFactory(
        name="Coffee Roulette",
        slug="coffee-roulette",
        enrollment_mode=EnrollmentMode.APPROVAL,
        expectations="One conversation each round.",
        organisers=[organiser],
    )

    page.goto("/accounts/signup/")
    page.get_by_label("Your name").fill("Nova Newcomer")
    page.get_by_label("Email").fill("nova@example.org")
    page.get_by_label("Time zone").fill("America/Sao_Paulo")
    page.get_by_label("Password").fill("a-long-and-happy-passphrase")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your email").wait_for()

    link = re.search(r"https?://\S+?(/accounts/confirm/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_role("heading", name="Edit your profile").wait_for()
    page.get_by_label("Team", exact=True).fill("Localization")
    page.get_by_label("Skills", exact=True).fill("Translation, Python")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Profile saved.").wait_for()

    page.goto("/accounts/profile/availability/")
    page.get_by_label("Tue 10:00–11:00").check()
    page.get_by_label("Tue 11:00–12:00").check()
    page.get_by_role("button", name="Save availability").click()
    page.get_by_text("1 weekly window.").wait_for()

    page.goto(f"/programs/{program.slug}/")
    page.get_by_role("link", name="Ask to join").click()
    page.get_by_label("I have read the agreement above and commit to it.").check()
    page.get_by_role("button", name="Send request").click()
    page.get_by_text("waiting for an organiser").wait_for()

    login(organiser)
    page.goto(f"/programs/{program.slug}/manage/approvals/")
    page.get_by_role("button", name="Approve Nova Newcomer").click()
    page.get_by_text("Nova Newcomer approved.").wait_for()
    enrollment = Enrollment.objects.get(program=program, user__email="nova@example.org")
    assert enrollment.status == "active"
    assert any("Welcome to Coffee Roulette" in m.subject for m in mail.outbox)
