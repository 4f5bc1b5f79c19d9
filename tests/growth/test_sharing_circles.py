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
