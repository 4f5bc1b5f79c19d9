"""A member joins coffee rounds → the organiser draws a round → the member opens the match
and proposes a time → the partner confirms it → after the week the member answers
"did you meet?" (Chromium, no mocks)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_rounds_journey(page, login):  # type: ignore[no-untyped-def]
    organiser = UserFactory(display_name="Olga Organiser")
    ProgramFactory(
        slug="coffee",
        name="Coffee Roulette",
        organisers=[organiser],
        expectations="One conversation of 30–60 minutes each round.",
    )
    from peerly.programs.models import Program

    program = Program.objects.get(slug="coffee")
    mia = UserFactory(display_name="Mia Member")
    noor = UserFactory(display_name="Noor Neighbour")
    for user, zone in ((mia, "Europe/Berlin"), (noor, "America/New_York")):
        user.profile.timezone = zone
        user.profile.interests = "chess, climbing"
        user.profile.save()
        for day in range(7):
            WindowFactory(
                profile=user.profile, weekday=day, start_minute=8 * 60, end_minute=20 * 60
            )
    EnrollmentFactory(program=program, user=noor)

    # 1. Mia joins, accepting the commitment
    login(mia)
    page.goto("/programs/coffee/")
    page.get_by_role("link", name="Join").click()
    page.get_by_label("I have read the agreement above and commit to it.").check()
    page.get_by_role("button", name="Join").click()
    page.get_by_role("link", name="Open coffee rounds").click()
    page.get_by_role("heading", name="My coffee rounds").wait_for()
    assert page.get_by_role("button", name="Skip the next round").is_visible()

    # 2. the organiser previews and publishes round 1
    login(organiser)
    page.goto("/programs/coffee/coffee/manage/")
    page.get_by_role("link", name="Preview round 1").click()
    assert page.get_by_text("never met before").count() == 1
    page.get_by_role("button", name="Publish round 1").click()
    page.get_by_text("Round 1 is published").wait_for()
    assert Round.objects.filter(program=program).count() == 1

    # 3. Mia opens her match and proposes the first suggested time
    login(mia)
    page.goto("/programs/coffee/coffee/")
    page.get_by_role("link", name="Open my match").click()
    page.get_by_role("heading", name="Round 1: you meet Noor Neighbour").wait_for()
    assert page.get_by_text("(Europe/Berlin)").count() >= 1
    page.get_by_label("Suggested time").select_option(index=1)
    page.get_by_role("button", name="Propose this time").click()
    page.get_by_text("Time proposed").wait_for()

    # 4. Noor accepts: the meeting is confirmed for both
    login(noor)
    page.goto("/programs/coffee/coffee/")
    page.get_by_role("link", name="Open my match").click()
    page.get_by_role("button", name="Accept this time").click()
    page.get_by_text("Confirmed: the calendar invitation is in your email.").wait_for()
    assert page.get_by_role("link", name="Download the invitation (.ics)").is_visible()

    # 5. the meeting week passes; Mia answers the check-in
    today = timezone.localdate()
    Round.objects.filter(program=program).update(
        meets_from=today - dt.timedelta(days=8), meet_by=today - dt.timedelta(days=1)
    )
    login(mia)
    page.goto("/programs/coffee/coffee/")
    page.get_by_role("link", name="Open my match").click()
    page.get_by_label("Yes, all of us met").check()
    page.get_by_label("How was it? (optional)").select_option("5")
    page.get_by_label("Did you know each other before? (optional)").select_option("no")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("Thank you! Your answer is saved.").wait_for()
    answer = GroupMember.objects.get(user=mia)
    assert (answer.answer, answer.rating, answer.knew_before) == ("all", 5, False)
