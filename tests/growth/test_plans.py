"""Personal development plans (issue 13): the owner's only, goals chosen from their own, a
printable page; a plan shared with the mentor or circle is read-only for them and nobody
else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.growth import plans
from peerly.growth import services
from peerly.growth.models import DevelopmentPlan
from peerly.growth.models import Goal
from peerly.growth.models import Share
from tests.mentorship.conftest import World

SECRET = "ZZPLAN-5521 become a team lead"
GOAL = "ZZPLANGOAL lead the migration"
START, END = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(personas):  # type: ignore[no-untyped-def]
    goal = services.create_goal(
        owner=personas.member, title=GOAL, milestones=[("ZZSTEP pick the team", None)]
    )
    return plans.create_plan(
        owner=personas.member,
        title=SECRET,
        starts_on=START,
        ends_on=END,
        focus_areas="feedback\ndelegation",
        learning="a course on facilitation",
        support="ZZSUPPORT an hour a month with my mentor",
        review_on=dt.date(2027, 6, 30),
        goals=[goal],
    )


# ----------------------------------------------------------------------------- services
def test_a_plan_has_the_owners_goals_and_its_period(personas, plan) -> None:
    assert list(plan.goals.values_list("title", flat=True)) == [GOAL]
    assert plan.focus_areas == "feedback\ndelegation"
    other = services.create_goal(owner=personas.member, title="second")
    plans.update_plan(plan=plan, actor=personas.member, goals=[other.pk], title="renamed")
    plan.refresh_from_db()
    assert list(plan.goals.values_list("title", flat=True)) == ["second"]
    assert plan.title == "renamed"
    assert Goal.objects.filter(title=GOAL).exists()  # a goal left out of the plan stays


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": " "}, "title"),
        ({"ends_on": dt.date(2026, 12, 31)}, "ends_on"),  # before it starts
        ({"starts_on": dt.date(1999, 1, 1)}, "starts_on"),
        ({"ends_on": dt.date(2300, 1, 1)}, "ends_on"),
        ({"review_on": dt.date(9999, 1, 1)}, "review_on"),
        ({"learning": "\n".join(f"l{i}" for i in range(51))}, "learning"),
    ],
)
def test_a_bad_plan_is_refused_with_the_field_and_nothing_saved(personas, values, field) -> None:
    with pytest.raises(ServiceError) as refused:
        plans.create_plan(
            owner=personas.member,
            **{"title": "x", "starts_on": START, "ends_on": END, **values},
        )
    assert refused.value.field == field
    assert not DevelopmentPlan.objects.exists()


def test_goals_come_from_the_owners_own_only(personas, plan) -> None:
    theirs = services.create_goal(owner=personas.other_member, title="ZZTHEIRS")
    with pytest.raises(ServiceError) as refused:
        plans.create_plan(
            owner=personas.member, title="x", starts_on=START, ends_on=END, goals=[theirs]
        )
    assert refused.value.field == "goals"
    with pytest.raises(ServiceError):
        plans.update_plan(plan=plan, actor=personas.member, goals=[theirs.pk, 999999])
    assert list(plan.goals.values_list("title", flat=True)) == [GOAL]
    assert DevelopmentPlan.objects.count() == 1


def test_only_the_owner_changes_or_deletes_a_plan(personas, plan) -> None:
    for other in (personas.other_member, personas.organiser, personas.admin):
        with pytest.raises(PermissionDenied):
            plans.update_plan(plan=plan, actor=other, title="hijacked")
        with pytest.raises(PermissionDenied):
            plans.delete_plan(plan=plan, actor=other)
    assert DevelopmentPlan.objects.get().title == SECRET


def test_plan_changes_are_audited_once_and_without_text(personas, plan) -> None:
    plans.update_plan(plan=plan, actor=personas.member, title=SECRET)  # unchanged
    plans.update_plan(plan=plan, actor=personas.member, ends_on=dt.date(2028, 1, 31))
    plans.delete_plan(plan=plan, actor=personas.member)
    rows = AuditEvent.objects.filter(action__startswith="growth.plan")
    assert list(rows.order_by("id").values_list("action", flat=True)) == [
        "growth.plan_created",
        "growth.plan_updated",
        "growth.plan_deleted",
    ]
    assert not rows.filter(program_id__isnull=False).exists()
    assert "ZZ" not in " ".join(f"{r.reason} {r.data} {r}" for r in rows)
    assert Goal.objects.filter(title=GOAL).exists()


# ----------------------------------------------------------------------------- pages
def test_the_owner_makes_a_plan_and_prints_it(personas) -> None:
    goal = services.create_goal(
        owner=personas.member, title=GOAL, milestones=[("ZZSTEP pick the team", None)]
    )
    services.create_goal(owner=personas.other_member, title="ZZNOT-MINE")
    client = personas.client("member")
    form = client.get(reverse("growth:plan-create")).content.decode()
    assert f'value="{goal.pk}"' in form
    assert 'type="checkbox"' in form
    assert f"{GOAL} (Active)" in form
    assert "ZZNOT-MINE" not in form
    response = client.post(
        reverse("growth:plan-create"),
        {
            "title": SECRET,
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "focus_areas": "feedback\ndelegation",
            "goals": [str(goal.pk)],
            "review_on": "2027-06-30",
        },
    )
    plan = DevelopmentPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:plan-detail", kwargs={"plan_id": plan.pk})
    detail = client.get(response["Location"]).content.decode()
    assert GOAL in detail
    assert "delegation" in detail
    assert SECRET in client.get(reverse("growth:plan-list")).content.decode()
    printed = client.get(reverse("growth:plan-print", kwargs={"plan_id": plan.pk}))
    html = printed.content.decode()
    assert printed.status_code == 200
    assert 'class="printable"' in html
    assert 'class="main"' not in html  # no site navigation
    assert "ZZSTEP pick the team" in html  # the goals' milestones
    assert "printed " in html
    edit = reverse("growth:plan-edit", kwargs={"plan_id": plan.pk})
    assert f'value="{goal.pk}" id="id_goals_0" checked' in client.get(edit).content.decode()
    response = client.post(
        edit, {"title": "renamed", "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "renamed"
    assert not plan.goals.exists()
    assert (
        client.post(reverse("growth:plan-delete", kwargs={"plan_id": plan.pk})).status_code == 302
    )
    assert not DevelopmentPlan.objects.exists()
    assert Goal.objects.filter(title=GOAL).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        {"title": "x", "starts_on": "2027-01-01", "ends_on": "2026-12-31"},
        {"title": "x", "starts_on": "2027-02-30", "ends_on": "2027-12-31"},
        {"title": "x", "starts_on": "2027-01-01"},
        {"title": "x", "starts_on": "2027-01-01", "ends_on": "9999-12-31"},
        {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "goals": ["999999"]},
        {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "goals": ["abc"]},
        # an id beyond any database's integers (SQLite raised OverflowError: a 500)
        {
            "title": "x",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "goals": ["99999999999999999999"],
        },
    ],
)
def test_a_bad_plan_form_says_what_is_wrong_and_saves_nothing(personas, data) -> None:
    response = personas.client("member").post(reverse("growth:plan-create"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not DevelopmentPlan.objects.exists()


def test_another_members_goal_cannot_be_posted_into_a_plan(personas) -> None:
    theirs = services.create_goal(owner=personas.other_member, title="ZZTHEIRS")
    response = personas.client("member").post(
        reverse("growth:plan-create"),
        {"title": "x", "starts_on": "2027-01-01", "ends_on": "2027-12-31", "goals": [theirs.pk]},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not DevelopmentPlan.objects.exists()


def _urls(plan: DevelopmentPlan) -> list[tuple[str, str, dict[str, str]]]:
    p = {"plan_id": str(plan.pk)}
    return [
        ("get", reverse("growth:plan-detail", kwargs=p), {}),
        ("get", reverse("growth:plan-edit", kwargs=p), {}),
        (
            "post",
            reverse("growth:plan-edit", kwargs=p),
            {"title": "hijacked", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        ),
        ("get", reverse("growth:plan-print", kwargs=p), {}),
        ("post", reverse("growth:plan-delete", kwargs=p), {}),
        ("post", reverse("growth:plan-share", kwargs=p), {"audience": "circle:1"}),
        ("post", reverse("growth:plan-withdraw", kwargs={**p, "share_id": "1"}), {}),
        ("get", reverse("growth:shared-plan", kwargs=p), {}),
    ]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("other_member", 404),
        ("organiser", 404),
        ("other_organiser", 404),
        ("admin", 404),
    ],
)
def test_nobody_but_the_owner_reaches_a_plan(personas, plan, persona, expected) -> None:
    client = personas.client(persona)
    for method, url, data in _urls(plan):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (persona, method, url)
        if expected == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
        assert SECRET not in response.content.decode()
    for url in ("growth:plan-list", "growth:plan-create", "growth:home"):
        response = client.get(reverse(url))
        assert SECRET not in response.content.decode()
        assert GOAL not in response.content.decode()
    plan.refresh_from_db()
    assert plan.title == SECRET
    assert not Share.objects.exists()


def test_the_plan_pages_run_the_same_queries_for_few_and_many(
    personas, django_assert_max_num_queries
) -> None:
    client = personas.client("member")

    def make(n: int) -> DevelopmentPlan:
        goals = [
            services.create_goal(owner=personas.member, title=f"g{i}", milestones=[("m", None)])
            for i in range(n)
        ]
        return plans.create_plan(
            owner=personas.member, title=f"plan {n}", starts_on=START, ends_on=END, goals=goals
        )

    small_plan = make(2)
    pages = ("growth:plan-detail", "growth:plan-print")
    counts = {}
    for name in pages:
        with CaptureQueriesContext(connection) as small:
            client.get(reverse(name, kwargs={"plan_id": small_plan.pk}))
        counts[name] = len(small)
    with CaptureQueriesContext(connection) as small_list:
        client.get(reverse("growth:plan-list"))
    big_plan = make(12)
    for _ in range(15):
        make(0)
    for name in pages:
        with django_assert_max_num_queries(counts[name]):
            assert (
                "g11" in client.get(reverse(name, kwargs={"plan_id": big_plan.pk})).content.decode()
            )
    with django_assert_max_num_queries(len(small_list)):
        client.get(reverse("growth:plan-list"))


# ----------------------------------------------------------------------------- sharing
def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_plan_shared_with_the_mentor_is_theirs_to_read_only(world: World, reach) -> None:
    ms = reach("active")
    goal = services.create_goal(owner=world.mentee, title=GOAL)
    plan = plans.create_plan(
        owner=world.mentee, title=SECRET, starts_on=START, ends_on=END, goals=[goal]
    )
    mine = _login(world.mentee)
    response = mine.post(
        reverse("growth:plan-share", kwargs={"plan_id": plan.pk}),
        {"audience": f"mentorship:{ms.pk}"},
    )
    assert response.status_code == 302
    share = Share.objects.get(plan=plan)
    assert mine.post(  # sharing twice changes nothing (the form no longer offers it)
        reverse("growth:plan-share", kwargs={"plan_id": plan.pk}),
        {"audience": f"mentorship:{ms.pk}"},
    ).status_code in (200, 302)
    assert Share.objects.count() == 1
    ms_url = reverse(
        "mentorship:mentorship-detail", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )
    shared_url = reverse("growth:shared-plan", kwargs={"plan_id": plan.pk})
    mentor = _login(world.mentor.user)
    assert "Shared plans" in mentor.get(ms_url).content.decode()
    shown = mentor.get(shared_url)
    assert shown.status_code == 200
    assert GOAL in shown.content.decode()  # the plan's goals, with their progress
    # ...but not the goal's own page, which is not shared
    assert reverse("growth:goal-detail", kwargs={"goal_id": goal.pk}) not in shown.content.decode()
    assert (
        mentor.post(reverse("growth:plan-delete", kwargs={"plan_id": plan.pk})).status_code == 404
    )
    for user in (
        world.other_mentor.user,
        world.other_mentee,
        world.organiser,
        world.personas.admin,
    ):
        client = _login(user)
        assert client.get(shared_url).status_code == 404
        assert SECRET not in client.get(ms_url).content.decode()
    withdraw = reverse("growth:plan-withdraw", kwargs={"plan_id": plan.pk, "share_id": share.pk})
    assert mine.post(withdraw).status_code == 302
    assert mentor.get(shared_url).status_code == 404


def test_a_plan_shared_with_the_circle_is_on_the_circle_page(
    add_members, publish, program, organiser
) -> None:
    add_members(6)
    first, second = publish().circles.order_by("number")
    owner, *mates = [m.user for m in first.memberships.select_related("user")]
    stranger = second.memberships.select_related("user").first().user
    plan = plans.create_plan(owner=owner, title=SECRET, starts_on=START, ends_on=END)
    audience = next(a for a in services.audiences_for(owner) if a.circle == first)
    services.share(subject=plan, actor=owner, audience=audience)
    circle_url = reverse("circles:circle", kwargs={"slug": program.slug, "circle_id": first.pk})
    shared_url = reverse("growth:shared-plan", kwargs={"plan_id": plan.pk})
    for mate in mates:
        assert "Shared plans" in _login(mate).get(circle_url).content.decode()
        assert _login(mate).get(shared_url).status_code == 200
    assert _login(stranger).get(shared_url).status_code == 404
    assert _login(organiser).get(shared_url).status_code == 404
    assert SECRET not in _login(organiser).get(circle_url).content.decode()


def test_the_demo_gives_a_vision_two_swot_versions_and_a_plan(personas) -> None:
    from peerly.growth import demo
    from peerly.growth.models import Swot
    from peerly.growth.models import Vision

    goal = services.create_goal(owner=personas.member, title="demo goal")
    demo.populate_plans(owner=personas.member, today=dt.date(2026, 12, 2))
    assert Vision.objects.get(owner=personas.member).reviewed_at is not None
    old, new = Swot.objects.filter(owner=personas.member).order_by("id")
    assert (old.label, new.label) == ("2025 (last year)", "2026 (this year)")
    assert "Saying no to extra work" in old.weaknesses
    assert "Saying no to extra work" not in new.weaknesses
    plan = DevelopmentPlan.objects.get(owner=personas.member)
    assert list(plan.goals.all()) == [goal]
    page = personas.client("member").get(reverse("growth:home")).content.decode()
    assert "people come to me because I listen first" in page
