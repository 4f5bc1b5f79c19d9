"""Organiser forms circles → a member picks a slot → the note-taker fills a block → the
coachee sees the action item at the next session (Chromium, no mocks)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from peerly.circles.models import Block
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.programs.models import ProgramKind
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_circles_journey(page, login):  # type: ignore[no-untyped-def]
    organiser = UserFactory(display_name="Olga Organiser")
    program = ProgramFactory(
        kind=ProgramKind.CIRCLE,
        group_size=3,
        organisers=[organiser],
        slug="coaching",
        name="Coaching Circles",
    )
    members = [UserFactory(display_name=n) for n in ("Ana", "Ben", "Chloé")]
    for user in members:
        for day in (0, 2):
            WindowFactory(
                profile=user.profile, weekday=day, start_minute=9 * 60, end_minute=17 * 60
            )
        EnrollmentFactory(program=program, user=user)

    # 1. the organiser previews and publishes
    login(organiser)
    page.goto("/programs/coaching/circles/manage/")
    page.get_by_role("link", name="Form circles").click()
    page.get_by_role("heading", name="Preview").wait_for()
    assert page.get_by_text("never met before").count() >= 1
    page.get_by_role("button", name="Publish season 1").click()
    page.get_by_text("Season 1 published").wait_for()

    # 2. a member picks a slot and closes the vote
    ana = members[0]
    login(ana)
    page.goto("/programs/coaching/circles/")
    page.get_by_role("link", name="Pick the slots that suit you").click()
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save my choice").click()
    page.get_by_text("your choice is saved").wait_for()
    page.get_by_role("button", name="Close the vote now").click()
    page.get_by_text("slot decided").wait_for()
    circle = Circle.objects.get(program=program)
    assert circle.sessions.count() >= 5

    # 3. session 1 is happening now: record attendance, the note-taker fills a block
    first = circle.sessions.get(number=1)
    CircleSession.objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - dt.timedelta(minutes=10)
    )
    page.goto(f"/programs/coaching/circles/sessions/{first.pk}/")
    page.get_by_role("button", name="Start the session").click()
    page.get_by_text("Attendance saved").wait_for()
    block = Block.objects.filter(session=first, note_taker=ana).get()
    coachee = block.coachee
    section = page.locator(f"#block-{block.position}")
    section.get_by_label("1. Current issue").fill("Reviews of my patches take weeks.")
    section.get_by_label("2. Desired outcome").fill("A review within three days.")
    section.get_by_label("3a. Blocks in the coachee").fill("I do not ask for help.")
    section.get_by_label("5. Agreed approach").fill("Ask for a named reviewer.")
    section.get_by_label("New action 1").fill("Ask Sam for a review of PR 42")
    section.get_by_role("button", name=f"Save block {block.position}").click()
    page.get_by_text(f"Block {block.position} saved").wait_for()

    # 4. the coachee opens the next session and sees the action to review
    login(coachee)
    second = circle.sessions.get(number=2)
    page.goto(f"/programs/coaching/circles/sessions/{second.pk}/")
    review = page.locator("#review")
    review.get_by_text("Ask Sam for a review of PR 42").wait_for()
    review.get_by_label("Status of “Ask Sam for a review of PR 42”").select_option("done")
    review.get_by_role("button", name="Update").click()
    page.get_by_text("Action updated").wait_for()
    assert block.actions.get().status == "done"
