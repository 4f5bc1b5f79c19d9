"""Sharing a goal with one's circle: its other members see it on the circle's page and can
open it; members of other circles and the organiser cannot."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from peerly.growth import services

pytestmark = pytest.mark.django_db
SECRET = "ZZCIRCLE-GOAL 7719"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_goal_shared_with_a_circle_is_seen_by_its_members_only(
    add_members, publish, program, organiser
) -> None:
    add_members(6)
    season = publish()
    first, second = season.circles.order_by("number")
    owner, *mates = [m.user for m in first.memberships.select_related("user")]
    stranger = second.memberships.select_related("user").first().user
    goal = services.create_goal(owner=owner, title=SECRET)
    audience = next(a for a in services.audiences_for(owner) if a.circle == first)
    services.share(subject=goal, actor=owner, audience=audience)

    circle_url = reverse("circles:circle", kwargs={"slug": program.slug, "circle_id": first.pk})
    shared_url = reverse("growth:shared-goal", kwargs={"goal_id": goal.pk})
    for mate in mates:
        client = _client(mate)
        assert SECRET in client.get(circle_url).content.decode()
        assert client.get(shared_url).status_code == 200
    assert _client(stranger).get(shared_url).status_code == 404
    assert _client(organiser).get(shared_url).status_code == 404
    organiser_view = _client(organiser).get(circle_url)
    assert SECRET not in organiser_view.content.decode()
    # the owner sees it on the circle page too, linked to their own goal page
    assert reverse("growth:goal-detail", kwargs={"goal_id": goal.pk}) in (
        _client(owner).get(circle_url).content.decode()
    )


@pytest.mark.parametrize("who_leaves", ["owner", "viewer"])
def test_a_circle_share_ends_when_its_owner_or_reader_leaves_the_programme(
    who_leaves, add_members, publish, program
) -> None:
    """Leaving the programme ends what one shares with the circle and what one can read of it:
    neither the circle page nor the item's own URL shows it any more."""
    from peerly.programs import services as program_services
    from peerly.programs.models import Enrollment

    add_members(6)
    season = publish()
    first = season.circles.order_by("number").first()
    owner, mate, *_ = [m.user for m in first.memberships.select_related("user")]
    goal = services.create_goal(owner=owner, title=SECRET)
    audience = next(a for a in services.audiences_for(owner) if a.circle == first)
    services.share(subject=goal, actor=owner, audience=audience)
    shared_url = reverse("growth:shared-goal", kwargs={"goal_id": goal.pk})
    circle_url = reverse("circles:circle", kwargs={"slug": program.slug, "circle_id": first.pk})
    assert _client(mate).get(shared_url).status_code == 200

    leaver = owner if who_leaves == "owner" else mate
    enrollment = Enrollment.objects.get(program=program, user=leaver)
    program_services.leave_program(user=leaver, enrollment=enrollment)

    assert _client(mate).get(shared_url).status_code == 404
    page = _client(mate).get(circle_url)
    assert SECRET not in page.content.decode()
