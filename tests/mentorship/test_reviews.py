"""Yearly reviews are confidential: a persona table of who may read a review's text."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerly.core.errors import ServiceError
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.models import Review
from peerly.programs.models import Role
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory
from tests.mentorship.conftest import make_mentor

pytestmark = pytest.mark.django_db
SECRET = "Listens patiently — confidential strength"


@pytest.fixture
def reviewed(world):
    ms = world.reach("active")
    world.reach("active", user=world.other_mentee, mentor=world.other_mentor)
    services.open_review_round(actor=world.organiser, program=world.program, now=timezone.now())
    review = Review.objects.get(mentorship=ms, reviewer=world.mentee)  # mentee → mentor
    services.submit_review(
        actor=world.mentee, review=review, strengths=SECRET, improve="Answer faster", rating=4
    )
    return review


PEOPLE = {
    "reviewed (mentor)": (lambda w: w.mentor.user, True),
    "reviewer (mentee)": (lambda w: w.mentee, True),
    "other mentor": (lambda w: w.other_mentor.user, False),
    "other mentee": (lambda w: w.other_mentee, False),
    "outsider": (lambda w: w.personas.outsider, False),
    "organiser": (lambda w: w.organiser, False),
    "admin": (lambda w: w.personas.admin, False),
}


@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_who_can_read_the_review_text(world, reviewed, who):
    get_user, can_read = PEOPLE[who]
    client = Client()
    client.force_login(get_user(world))
    slug = world.program.slug
    pages = [
        reverse("mentorship:review-list", kwargs={"slug": slug}),
        reverse("mentorship:review-edit", kwargs={"slug": slug, "review_id": reviewed.pk}),
        reverse("mentorship:program", kwargs={"slug": slug}),
    ]
    if who in ("organiser", "admin"):
        pages += [
            reverse("mentorship:manage-reviews", kwargs={"slug": slug}),
            reverse("mentorship:manage", kwargs={"slug": slug}),
        ]
    seen = any(SECRET in client.get(page).content.decode() for page in pages)
    assert seen is can_read


def test_organisers_see_aggregates_only(world, reviewed):
    """One answer: the count, but no average (it would be that one mentee's rating)."""
    rows = selectors.review_aggregates(program=world.program)
    assert {r["direction"]: (r["submitted"], r["total"], r["mean"]) for r in rows} == {
        "of_mentor": (1, 2, None),
        "of_mentee": (0, 2, None),
    }
    client = Client()
    client.force_login(world.organiser)
    body = client.get(
        reverse("mentorship:manage-reviews", kwargs={"slug": world.program.slug})
    ).content.decode()
    assert "1 / 2" in body
    assert "fewer than 5 answers: not shown" in body
    assert "4.0" not in body and SECRET not in body


def test_an_average_rating_is_shown_from_five_answers(world):
    mentors = [world.mentor, world.other_mentor, make_mentor(world.program, capacity=2)]
    mentees = [world.mentee, world.other_mentee]
    for _ in range(3):
        user = UserFactory()
        EnrollmentFactory(program=world.program, user=user, role=Role.MENTEE)
        mentees.append(user)
    for i, mentee in enumerate(mentees):
        world.reach("active", user=mentee, mentor=mentors[i % 3])
    services.open_review_round(actor=world.organiser, program=world.program, now=timezone.now())
    for rating, mentee in zip((5, 4, 4, 3, 4), mentees, strict=True):
        review = Review.objects.get(reviewer=mentee, direction="of_mentor")
        services.submit_review(
            actor=mentee, review=review, strengths="s", improve="", rating=rating
        )
    [row] = [
        r
        for r in selectors.review_aggregates(program=world.program)
        if r["direction"] == "of_mentor"
    ]
    assert (row["submitted"], row["mean"], row["too_few"]) == (5, 4.0, False)


def test_review_needs_a_rating_and_an_open_round(world, reviewed):
    with pytest.raises(ServiceError, match="rating"):
        services.submit_review(
            actor=world.mentee, review=reviewed, strengths="x", improve="", rating=None
        )
    reviewed.round.closes_on = timezone.localdate().replace(year=2000)
    reviewed.round.save()
    with pytest.raises(ServiceError, match="closed"):
        services.submit_review(
            actor=world.mentee, review=reviewed, strengths="x", improve="", rating=3
        )


def test_one_round_per_year(world, reviewed):
    with pytest.raises(ServiceError, match="already open"):
        services.open_review_round(actor=world.organiser, program=world.program, now=timezone.now())
