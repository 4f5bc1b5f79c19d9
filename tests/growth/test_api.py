"""/api/v1/me/goals: the owner's goals over the API, the same rules as the pages."""

from __future__ import annotations

import pytest

from peerly.growth import services
from peerly.growth.models import CheckIn
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus

pytestmark = pytest.mark.django_db
BASE = "/api/v1/me/goals"


def test_the_owner_creates_follows_and_achieves_a_goal(personas) -> None:
    client = personas.client("member")
    created = client.post(
        BASE,
        {
            "title": "Mentor a newcomer",
            "target_on": "2027-06-30",
            "progress_mode": "milestones",
            "program": personas.program.slug,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    goal_id = created.json()["id"]
    assert created.json()["program"] == personas.program.slug
    for title in ("Find a newcomer", "Meet four times"):
        response = client.post(
            f"{BASE}/{goal_id}/milestones", {"title": title}, content_type="application/json"
        )
        assert response.status_code == 201
    first = Goal.objects.get(pk=goal_id).milestones.get(title="Find a newcomer")
    done = client.post(
        f"{BASE}/{goal_id}/milestones/{first.pk}/done",
        {"done": True},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    entry = client.post(
        f"{BASE}/{goal_id}/check-ins", {"moved": "first meeting"}, content_type="application/json"
    )
    assert entry.status_code == 201
    assert entry.json()["progress"] == 50
    listed = client.get(BASE).json()
    assert listed["count"] == 1
    assert listed["items"][0]["progress"] == 50
    assert [m["title"] for m in listed["items"][0]["milestones"]] == [
        "Find a newcomer",
        "Meet four times",
    ]
    achieved = client.post(
        f"{BASE}/{goal_id}/status", {"action": "achieve"}, content_type="application/json"
    )
    assert achieved.json()["status"] == GoalStatus.ACHIEVED
    assert achieved.json()["progress"] == 100
    assert client.get(f"{BASE}?status=active").json()["count"] == 0


@pytest.mark.parametrize("persona", ["outsider", "other_member", "organiser", "admin"])
def test_nobody_else_reads_or_changes_a_goal_over_the_api(personas, persona) -> None:
    goal = services.create_goal(
        owner=personas.member, title="ZZAPI-SECRET", program=personas.program
    )
    client = personas.client(persona)
    assert client.get(f"{BASE}/{goal.pk}").status_code == 404
    assert "ZZAPI-SECRET" not in client.get(BASE).content.decode()
    for url, body in (
        (f"{BASE}/{goal.pk}/check-ins", {"moved": "x"}),
        (f"{BASE}/{goal.pk}/milestones", {"title": "x"}),
        (f"{BASE}/{goal.pk}/status", {"action": "drop", "reason": "x"}),
    ):
        assert client.post(url, body, content_type="application/json").status_code == 404
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE
    assert not goal.milestones.exists()
    assert not CheckIn.objects.exists()


def test_anonymous_gets_401(personas) -> None:
    assert personas.client("anonymous").get(BASE).status_code == 401


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": ""}, 422),
        ({"title": "x" * 201}, 422),
        ({"title": "x", "target_on": "2027-02-30"}, 422),
        ({"title": "x", "horizon": "forever"}, 422),
        ({"title": "x", "program": "no-such-programme"}, 400),
        ({"title": "x", "target_on": "9999-01-01"}, 400),
    ],
)
def test_bad_goals_are_refused_with_the_reason_and_nothing_saved(personas, body, status) -> None:
    response = personas.client("member").post(BASE, body, content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert not Goal.objects.exists()


def test_a_programme_the_member_is_not_in_is_refused(personas) -> None:
    response = personas.client("member").post(
        BASE,
        {"title": "x", "program": personas.other_program.slug},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "program"
    assert not Goal.objects.exists()


def test_a_bad_check_in_changes_nothing(personas) -> None:
    goal = services.create_goal(owner=personas.member, title="x")
    client = personas.client("member")
    for body, status in (({"percent": 150}, 422), ({}, 400), ({"percent": "abc"}, 422)):
        response = client.post(f"{BASE}/{goal.pk}/check-ins", body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
    goal.refresh_from_db()
    assert goal.percent == 0
    assert not CheckIn.objects.exists()


def test_the_goal_list_has_the_same_queries_for_2_and_20_goals(
    personas, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("member")
    for i in range(2):
        services.create_goal(owner=personas.member, title=f"g{i}", milestones=[("a", None)])
    with CaptureQueriesContext(connection) as small:
        assert client.get(BASE).status_code == 200
    for i in range(18):
        services.create_goal(owner=personas.member, title=f"h{i}", milestones=[("a", None)])
    with django_assert_max_num_queries(len(small)):
        assert client.get(BASE).json()["count"] == 20


@pytest.mark.parametrize(
    "path", ["/api/v1/me/goals", "/api/v1/me/journal", "/api/v1/me/plans", "/api/v1/me/swots"]
)
def test_an_offset_beyond_any_integer_is_a_422_not_a_500(personas, path) -> None:
    client = personas.client("member")
    huge = client.get(path, {"offset": 2**63})  # SQLite raised OverflowError: a 500
    assert huge.status_code == 422, huge.content
    assert "offset" in huge.content.decode()
    assert client.get(path, {"offset": 2**31 - 1}).json()["items"] == []
