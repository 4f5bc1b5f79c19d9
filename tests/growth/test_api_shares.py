"""/api/v1/me/swots, /me/plans and sharing over the API (/me/audiences, /me/shares): the same
services and rules as the pages (only the owner; anybody else's is a 404), errors as 400
`{"detail", "field"}` or 422, nothing saved on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerly.growth import plans
from peerly.growth import services
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import JournalEntry
from peerly.growth.models import Share
from peerly.growth.models import Swot
from tests.mentorship.conftest import World

pytestmark = pytest.mark.django_db
JSON = "application/json"
SECRET = "ZZAPI-PLAN 6610"


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


# ----------------------------------------------------------------------------- SWOT
def test_swot_versions_over_the_api(personas) -> None:
    client = personas.client("member")
    first = client.post(
        "/api/v1/me/swots",
        {"label": "2025", "strengths": ["writing", "listening"], "threats": ["reorg"]},
        content_type=JSON,
    )
    assert first.status_code == 201, first.content
    assert first.json()["strengths"] == ["writing", "listening"]
    second = client.post(
        "/api/v1/me/swots", {"label": "2026", "threats": []}, content_type=JSON
    ).json()
    assert second["strengths"] == ["writing", "listening"]  # copied forward
    assert second["threats"] == []  # given: replaced
    listed = client.get("/api/v1/me/swots").json()
    assert [(s["label"], s["is_current"]) for s in listed["items"]] == [
        ("2026", True),
        ("2025", False),
    ]
    patched = client.patch(
        f"/api/v1/me/swots/{second['id']}", {"weaknesses": ["saying no"]}, content_type=JSON
    )
    assert patched.status_code == 200
    assert patched.json()["weaknesses"] == ["saying no"]
    assert patched.json()["strengths"] == ["writing", "listening"]
    earlier = client.patch(
        f"/api/v1/me/swots/{first.json()['id']}", {"strengths": ["x"]}, content_type=JSON
    )
    assert earlier.status_code == 400
    assert Swot.objects.get(label="2025").strengths == "writing\nlistening"
    assert client.get(f"/api/v1/me/swots/{first.json()['id']}").json()["is_current"] is False
    assert client.delete(f"/api/v1/me/swots/{second['id']}").status_code == 204
    assert client.get("/api/v1/me/swots").json()["items"][0]["is_current"] is True


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"label": ""}, 422, None),
        ({"strengths": ["x"]}, 422, None),
        ({"label": "x", "strengths": [f"s{i}" for i in range(51)]}, 422, None),
        ({"label": "x", "strengths": "not a list"}, 422, None),
        ({"label": "x", "threats": ["t" * 301]}, 400, "threats"),
        ({"label": "taken"}, 400, "label"),
    ],
)
def test_a_bad_swot_is_refused_and_nothing_saved(personas, body, status, field) -> None:
    plans.create_swot(owner=personas.member, label="taken")
    response = personas.client("member").post("/api/v1/me/swots", body, content_type=JSON)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    if field:
        assert response.json()["field"] == field
    assert Swot.objects.count() == 1


# ----------------------------------------------------------------------------- plans
def test_plans_over_the_api(personas) -> None:
    goal = services.create_goal(owner=personas.member, title="Lead", milestones=[("a", None)])
    client = personas.client("member")
    created = client.post(
        "/api/v1/me/plans",
        {
            "title": SECRET,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "focus_areas": ["feedback"],
            "goals": [goal.pk],
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["goals"] == [{"id": goal.pk, "title": "Lead", "status": "active", "progress": 0}]
    assert plan["focus_areas"] == ["feedback"]
    patched = client.patch(
        f"/api/v1/me/plans/{plan['id']}",
        {"goals": [], "review_on": "2027-06-30"},
        content_type=JSON,
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["goals"], patched.json()["review_on"]) == ([], "2027-06-30")
    assert patched.json()["title"] == SECRET
    assert client.get(f"/api/v1/me/plans/{plan['id']}").json()["review_on"] == "2027-06-30"
    assert client.get("/api/v1/me/plans").json()["count"] == 1
    assert client.delete(f"/api/v1/me/plans/{plan['id']}").status_code == 204
    assert not DevelopmentPlan.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": "", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}, 422, None),
        ({"title": "x", "starts_on": "2027-01-01"}, 422, None),
        ({"title": "x", "starts_on": "2027-02-30", "ends_on": "2027-12-31"}, 422, None),
        ({"title": "x", "starts_on": "2027-01-01", "ends_on": "2026-01-01"}, 400, "ends_on"),
        ({"title": "x", "starts_on": "1990-01-01", "ends_on": "2026-01-01"}, 400, "starts_on"),
        (
            {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "goals": [0]},
            400,
            "goals",
        ),
        (
            {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "goals": [10**20]},
            400,
            "goals",
        ),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_saved(personas, body, status, field) -> None:
    response = personas.client("member").post("/api/v1/me/plans", body, content_type=JSON)
    assert response.status_code == status, response.content
    if field:
        assert response.json()["field"] == field
    assert not DevelopmentPlan.objects.exists()


def test_a_plan_cannot_take_another_members_goal_or_a_null_title(personas) -> None:
    theirs = services.create_goal(owner=personas.other_member, title="theirs")
    plan = plans.create_plan(
        owner=personas.member,
        title=SECRET,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 2, 1),
    )
    client = personas.client("member")
    for body, field in (({"goals": [theirs.pk]}, "goals"), ({"title": None}, "title")):
        response = client.patch(f"/api/v1/me/plans/{plan.pk}", body, content_type=JSON)
        assert response.status_code == 400, response.content
        assert response.json()["field"] == field
    plan.refresh_from_db()
    assert plan.title == SECRET
    assert not plan.goals.exists()


@pytest.mark.parametrize("persona", ["outsider", "other_member", "organiser", "admin"])
def test_nobody_else_reads_or_changes_a_plan_or_swot_over_the_api(personas, persona) -> None:
    plan = plans.create_plan(
        owner=personas.member,
        title=SECRET,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 2, 1),
    )
    swot = plans.create_swot(owner=personas.member, label=SECRET)
    client = personas.client(persona)
    for url in (f"/api/v1/me/plans/{plan.pk}", f"/api/v1/me/swots/{swot.pk}"):
        assert client.get(url).status_code == 404
        assert client.patch(url, {"title": "x", "label": "x"}, content_type=JSON).status_code == 404
        assert client.delete(url).status_code == 404
    for url in ("/api/v1/me/plans", "/api/v1/me/swots", "/api/v1/me/shares"):
        assert SECRET not in client.get(url).content.decode()
    assert DevelopmentPlan.objects.get().title == SECRET
    assert Swot.objects.get().label == SECRET


def test_anonymous_gets_401_everywhere(personas) -> None:
    client = personas.client("anonymous")
    for url in (
        "/api/v1/me/swots",
        "/api/v1/me/plans",
        "/api/v1/me/shares",
        "/api/v1/me/audiences",
    ):
        assert client.get(url).status_code == 401
    assert client.post("/api/v1/me/shares", {}, content_type=JSON).status_code == 401


def test_the_lists_run_the_same_queries_for_2_and_20(
    personas, django_assert_max_num_queries
) -> None:
    client = personas.client("member")

    def make(start: int, end: int) -> None:
        for i in range(start, end):
            goal = services.create_goal(
                owner=personas.member, title=f"g{i}", milestones=[("a", None)]
            )
            plans.create_plan(
                owner=personas.member,
                title=f"p{i}",
                starts_on=dt.date(2027, 1, 1),
                ends_on=dt.date(2027, 2, 1),
                goals=[goal],
            )
            plans.create_swot(owner=personas.member, label=f"s{i}")

    make(0, 2)
    counts = {}
    for url in ("/api/v1/me/plans", "/api/v1/me/swots"):
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        counts[url] = len(small)
    make(2, 20)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).json()["count"] == 20


# ----------------------------------------------------------------------------- sharing
def test_sharing_every_kind_over_the_api_and_withdrawing(world: World, reach) -> None:
    ms = reach("active")
    key = f"mentorship:{ms.pk}"
    goal = services.create_goal(owner=world.mentee, title="ZZGOAL shared")
    plan = plans.create_plan(
        owner=world.mentee, title=SECRET, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 2, 1)
    )
    swot = plans.create_swot(owner=world.mentee, label="2026")
    entry = JournalEntry.objects.create(
        owner=world.mentee, written_on=dt.date(2026, 11, 30), text="ZZENTRY"
    )
    client = _login(world.mentee)
    audiences = client.get("/api/v1/me/audiences").json()
    assert [a["key"] for a in audiences] == [key]
    made = {}
    for subject, obj in (("goal", goal), ("plan", plan), ("swot", swot), ("entry", entry)):
        response = client.post(
            "/api/v1/me/shares",
            {"subject": subject, "id": obj.pk, "audience": key},
            content_type=JSON,
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["subject"], body["subject_id"], body["audience"]) == (subject, obj.pk, key)
        assert world.mentor.user.name in body["audience_label"]
        made[subject] = body["id"]
    assert (
        made["plan"]
        and client.post(  # sharing again: the same share
            "/api/v1/me/shares",
            {"subject": "plan", "id": plan.pk, "audience": key},
            content_type=JSON,
        ).json()["id"]
        == made["plan"]
    )
    assert Share.objects.count() == 4
    listed = client.get("/api/v1/me/shares").json()
    assert listed["count"] == 4
    only = client.get(f"/api/v1/me/shares?subject=swot&id={swot.pk}").json()
    assert [s["subject_title"] for s in only["items"]] == ["2026"]
    # the mentor now reads the plan's page; nobody deletes the mentee's share but the mentee
    mentor = _login(world.mentor.user)
    assert mentor.get(f"/growth/shared/plans/{plan.pk}/").status_code == 200
    assert mentor.get("/api/v1/me/shares").json()["count"] == 0
    assert mentor.delete(f"/api/v1/me/shares/{made['plan']}").status_code == 404
    assert client.delete(f"/api/v1/me/shares/{made['plan']}").status_code == 204
    assert client.delete(f"/api/v1/me/shares/{made['plan']}").status_code == 404  # gone already
    assert mentor.get(f"/growth/shared/plans/{plan.pk}/").status_code == 404
    assert Share.objects.count() == 3


def test_bad_shares_are_refused_and_nothing_saved(world: World, reach) -> None:
    ms = reach("active")
    other = reach("active", user=world.other_mentee, mentor=world.other_mentor)
    goal = services.create_goal(owner=world.mentee, title="mine")
    theirs = services.create_goal(owner=world.other_mentee, title="theirs")
    client = _login(world.mentee)
    cases = [
        ({"subject": "goal", "id": goal.pk, "audience": f"mentorship:{other.pk}"}, 400),
        ({"subject": "goal", "id": goal.pk, "audience": "nonsense"}, 400),
        ({"subject": "goal", "id": theirs.pk, "audience": f"mentorship:{ms.pk}"}, 404),
        ({"subject": "journal", "id": goal.pk, "audience": f"mentorship:{ms.pk}"}, 422),
        ({"subject": "goal", "id": "x", "audience": f"mentorship:{ms.pk}"}, 422),
        ({"subject": "plan", "id": goal.pk, "audience": f"mentorship:{ms.pk}"}, 404),
    ]
    for body, status in cases:
        response = client.post("/api/v1/me/shares", body, content_type=JSON)
        assert response.status_code == status, (body, response.content)
        if status == 400:
            assert response.json()["field"] == "audience"
    assert not Share.objects.exists()


def test_the_share_list_runs_the_same_queries_for_2_and_12(
    world: World, reach, django_assert_max_num_queries
) -> None:
    ms = reach("active")
    [audience] = [a for a in services.audiences_for(world.mentee) if a.mentorship == ms]
    client = _login(world.mentee)

    def make(n: int) -> None:
        for i in range(n):
            goal = services.create_goal(owner=world.mentee, title=f"g{i}")
            services.share(subject=goal, actor=world.mentee, audience=audience)
            swot = plans.create_swot(owner=world.mentee, label=f"s{n}-{i}")
            services.share(subject=swot, actor=world.mentee, audience=audience)

    make(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/me/shares").json()["count"] == 2
    make(5)
    with django_assert_max_num_queries(len(small)):
        assert client.get("/api/v1/me/shares").json()["count"] == 12
