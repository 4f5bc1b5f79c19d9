"""API: my circles, my sessions, my action items, with permissions and query counts."""

from __future__ import annotations

import json

import pytest

from peerly.circles import services
from peerly.growth.models import ActionItem
from tests.circles.conftest import member_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_action(scheduled_circle):  # type: ignore[no-untyped-def]
    a, b, c = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    services.record_attendance(
        actor=a, session=first, present_ids=[a.pk, b.pk, c.pk], now=first.starts_at
    )
    block = first.blocks.get(position=1)
    services.save_block(
        actor=a,
        block=block,
        notes={"issue": "x"},
        new_actions=[{"text": "Do the thing", "owner_id": a.pk}],
    )
    return scheduled_circle, ActionItem.objects.get()


def test_my_circles_sessions_and_actions(with_action, client, django_assert_max_num_queries):
    circle, _action = with_action
    a, b, _ = member_users(circle)
    client.force_login(a)
    with django_assert_max_num_queries(8):
        mine = client.get("/api/v1/circles/mine").json()
    assert [c["id"] for c in mine] == [circle.pk]
    assert len(mine[0]["members"]) == 3
    with django_assert_max_num_queries(6):
        sessions = client.get("/api/v1/circles/sessions?upcoming=false").json()
    assert [s["number"] for s in sessions] == [1, 2, 3, 4, 5, 6]
    with django_assert_max_num_queries(6):
        actions = client.get("/api/v1/circles/actions").json()
    assert [x["text"] for x in actions] == ["Do the thing"]
    client.force_login(b)
    assert client.get("/api/v1/circles/actions").json() == []


def test_update_status_by_owner_only(with_action, client):
    circle, action = with_action
    a, b, _ = member_users(circle)
    url = f"/api/v1/circles/actions/{action.pk}"
    client.force_login(b)
    response = client.post(url, json.dumps({"status": "done"}), content_type="application/json")
    assert response.status_code == 404
    client.force_login(a)
    response = client.post(
        url, json.dumps({"status": "in_progress"}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    response = client.post(url, json.dumps({"status": "bogus"}), content_type="application/json")
    assert response.status_code in (400, 422)
    action.refresh_from_db()
    assert action.status == "in_progress"


@pytest.mark.parametrize(
    "path", ["/api/v1/circles/mine", "/api/v1/circles/sessions", "/api/v1/circles/actions"]
)
def test_anonymous_is_refused(client, path):
    assert client.get(path).status_code == 401


def test_organiser_and_admin_get_nothing_private(with_action, client, organiser):
    _circle, action = with_action
    for user in (organiser,):
        client.force_login(user)
        assert client.get("/api/v1/circles/actions").json() == []
        assert client.get("/api/v1/circles/mine").json() == []
        response = client.post(
            f"/api/v1/circles/actions/{action.pk}",
            json.dumps({"status": "done"}),
            content_type="application/json",
        )
        assert response.status_code == 404
