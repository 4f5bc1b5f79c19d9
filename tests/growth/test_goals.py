"""Goals, milestones and check-ins (issue 13, first part): the owner's only.

Services assert on database state and audit rows; the persona table covers every growth URL
(GET and POST), including the organiser of the goal's programme and the site admin, who must
not read it; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from peerly.accounts import ownership
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.core.models import AuditEvent
from peerly.growth import services
from peerly.growth.models import CheckIn
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.models import Milestone
from peerly.growth.models import ProgressMode
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

SECRET = "ZZGOAL-8841 learn to give feedback"
pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(personas):  # type: ignore[no-untyped-def]
    return services.create_goal(
        owner=personas.member,
        title=SECRET,
        why="ZZWHY private reason",
        program=personas.program,
        milestones=[("ZZMILE first step", dt.date(2027, 1, 15)), ("second step", None)],
    )


# ----------------------------------------------------------------------------- services
def test_create_goal_with_milestones_and_percent_progress(personas, goal) -> None:
    assert goal.status == GoalStatus.ACTIVE
    assert list(goal.milestones.values_list("title", flat=True)) == [
        "ZZMILE first step",
        "second step",
    ]
    assert services.progress_of(goal) == 0
    entry = services.check_in(
        goal=goal, actor=personas.member, moved="asked two people", percent=40
    )
    goal.refresh_from_db()
    assert goal.percent == 40
    assert entry.progress == 40
    assert services.progress_of(goal) == 40


def test_milestone_progress_counts_done_milestones_and_ticking_is_idempotent(personas) -> None:
    goal = services.create_goal(
        owner=personas.member,
        title="Run a workshop",
        progress_mode=ProgressMode.MILESTONES,
        milestones=[("plan", None), ("rehearse", None), ("run", None), ("review", None)],
    )
    first = goal.milestones.first()
    assert first is not None
    services.set_milestone_done(milestone=first, actor=personas.member, done=True)
    stamped = Milestone.objects.get(pk=first.pk).done_at
    services.set_milestone_done(milestone=first, actor=personas.member, done=True)  # again
    assert Milestone.objects.get(pk=first.pk).done_at == stamped
    assert services.progress_of(goal) == 25
    assert AuditEvent.objects.filter(action="growth.milestone_done").count() == 1
    with pytest.raises(ServiceError):  # a milestone goal moves by its milestones only
        services.check_in(goal=goal, actor=personas.member, percent=90)
    goal.refresh_from_db()
    assert goal.percent == 0
    assert not CheckIn.objects.filter(goal=goal).exists()


def test_status_machine_achieve_drop_reopen(personas, goal) -> None:
    achieved = services.achieve_goal(goal=goal, actor=personas.member)
    assert achieved.status == GoalStatus.ACHIEVED
    assert achieved.closed_at is not None
    assert services.progress_of(achieved) == 100
    with pytest.raises(TransitionError):
        services.drop_goal(goal=achieved, actor=personas.member, reason="no")
    with pytest.raises(ServiceError):  # no check-ins on a closed goal
        services.check_in(goal=achieved, actor=personas.member, moved="x")
    reopened = services.reopen_goal(goal=achieved, actor=personas.member)
    assert reopened.status == GoalStatus.ACTIVE
    assert reopened.closed_at is None
    with pytest.raises(ServiceError):  # a reason is needed
        services.drop_goal(goal=reopened, actor=personas.member, reason="  ")
    dropped = services.drop_goal(goal=reopened, actor=personas.member, reason="ZZREASON moved on")
    assert dropped.status == GoalStatus.DROPPED
    assert dropped.dropped_reason == "ZZREASON moved on"


def test_audit_rows_hold_no_texts_and_are_not_filed_under_the_programme(personas, goal) -> None:
    services.check_in(goal=goal, actor=personas.member, moved="ZZMOVED", blocked="ZZBLOCK")
    services.drop_goal(goal=goal, actor=personas.member, reason="ZZREASON")
    rows = AuditEvent.objects.filter(action__startswith="growth.")
    assert rows.count() == 3
    assert not rows.filter(program_id__isnull=False).exists()
    dumped = " ".join(f"{r.reason} {r.data} {r}" for r in rows)
    for marker in ("ZZGOAL", "ZZWHY", "ZZMILE", "ZZMOVED", "ZZBLOCK", "ZZREASON"):
        assert marker not in dumped


def test_only_the_owner_changes_a_goal(personas, goal) -> None:
    for other in (personas.other_member, personas.organiser, personas.admin):
        with pytest.raises(PermissionDenied):
            services.update_goal(goal=goal, actor=other, title="hijacked")
        with pytest.raises(PermissionDenied):
            services.achieve_goal(goal=goal, actor=other)
        with pytest.raises(PermissionDenied):
            services.check_in(goal=goal, actor=other, moved="x")
    goal.refresh_from_db()
    assert (goal.title, goal.status) == (SECRET, GoalStatus.ACTIVE)
    assert not CheckIn.objects.exists()


def test_a_goal_links_only_a_programme_the_owner_takes_part_in(personas) -> None:
    with pytest.raises(ServiceError) as refused:
        services.create_goal(owner=personas.member, title="x", program=personas.other_program)
    assert refused.value.field == "program"
    assert not Goal.objects.exists()


# ----------------------------------------------------------------------------- pages
def _urls(goal: Goal) -> list[tuple[str, str, dict[str, str]]]:
    milestone = goal.milestones.first()
    assert milestone is not None
    g = {"goal_id": str(goal.pk)}
    m = {**g, "milestone_id": str(milestone.pk)}
    return [
        ("get", reverse("growth:goal-detail", kwargs=g), {}),
        ("get", reverse("growth:goal-edit", kwargs=g), {}),
        (
            "post",
            reverse("growth:goal-edit", kwargs=g),
            {"title": "hijacked", "horizon": "short", "progress_mode": "percent"},
        ),
        ("post", reverse("growth:goal-check-in", kwargs=g), {"moved": "hijacked", "percent": "99"}),
        ("post", reverse("growth:goal-achieve", kwargs=g), {}),
        ("post", reverse("growth:goal-drop", kwargs=g), {"reason": "hijacked"}),
        ("post", reverse("growth:goal-reopen", kwargs=g), {}),
        ("post", reverse("growth:milestone-add", kwargs=g), {"title": "hijacked"}),
        ("post", reverse("growth:milestone-done", kwargs=m), {"done": "1"}),
        ("post", reverse("growth:milestone-delete", kwargs=m), {}),
        ("post", reverse("growth:goal-delete", kwargs=g), {}),
    ]


def _state(goal: Goal) -> tuple[object, ...]:
    goal.refresh_from_db()
    return (
        goal.title,
        goal.status,
        goal.percent,
        list(goal.milestones.values_list("title", "done_at")),
        goal.check_ins.count(),
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),  # to the log-in page
        ("outsider", 404),
        ("other_member", 404),
        ("organiser", 404),  # organises the goal's programme: still not theirs to read
        ("other_organiser", 404),
        ("admin", 404),
    ],
)
def test_nobody_but_the_owner_reaches_a_goal(personas, goal, persona, expected) -> None:
    client = personas.client(persona)
    before = _state(goal)
    for method, url, data in _urls(goal):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (persona, method, url)
        if expected == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
        assert SECRET not in response.content.decode()
    assert _state(goal) == before
    listing = client.get(reverse("growth:home"))
    assert SECRET not in listing.content.decode()


def test_the_owner_walks_through_a_goal(personas) -> None:
    client = personas.client("member")
    assert client.get(reverse("growth:home")).status_code == 200
    response = client.post(
        reverse("growth:goal-create"),
        {
            "title": "Speak at the meet-up",
            "measure": "a 10-minute talk given",
            "target_on": "2027-03-01",
            "horizon": "short",
            "progress_mode": "milestones",
            "program": str(personas.program.pk),
        },
    )
    goal = Goal.objects.get(owner=personas.member)
    assert response.status_code == 302
    assert response["Location"] == reverse("growth:goal-detail", kwargs={"goal_id": goal.pk})
    assert goal.program == personas.program
    detail = reverse("growth:goal-detail", kwargs={"goal_id": goal.pk})
    for title in ("Pick a topic", "Rehearse"):
        client.post(reverse("growth:milestone-add", kwargs={"goal_id": goal.pk}), {"title": title})
    first = goal.milestones.get(title="Pick a topic")
    client.post(
        reverse("growth:milestone-done", kwargs={"goal_id": goal.pk, "milestone_id": first.pk}),
        {"done": "1"},
    )
    page = client.get(detail).content.decode()
    assert "Pick a topic" in page
    assert 'value="50"' in page  # one of two milestones: 50 %
    listing = client.get(reverse("growth:home")).content.decode()
    assert "Speak at the meet-up" in listing
    assert "1 of 2 milestones done" in listing
    client.post(reverse("growth:goal-achieve", kwargs={"goal_id": goal.pk}))
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    achieved = client.get(reverse("growth:home") + "?status=achieved").content.decode()
    assert "Speak at the meet-up" in achieved


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "horizon": "short", "progress_mode": "percent"},
        {"title": "x", "target_on": "2027-02-30", "horizon": "short", "progress_mode": "percent"},
        {"title": "x", "target_on": "9999-01-01", "horizon": "short", "progress_mode": "percent"},
        {"title": "x", "horizon": "forever", "progress_mode": "percent"},
        {"title": "x" * 201, "horizon": "short", "progress_mode": "percent"},
        {"title": "x", "horizon": "short", "progress_mode": "percent", "program": "999999"},
    ],
)
def test_a_bad_goal_form_says_what_is_wrong_and_saves_nothing(personas, data) -> None:
    response = personas.client("member").post(reverse("growth:goal-create"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Goal.objects.exists()


def test_a_bad_check_in_changes_nothing(personas, goal) -> None:
    client = personas.client("member")
    url = reverse("growth:goal-check-in", kwargs={"goal_id": goal.pk})
    for data in ({"percent": "150"}, {"percent": "-1"}, {"percent": "abc"}, {}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    goal.refresh_from_db()
    assert goal.percent == 0
    assert not CheckIn.objects.exists()


def test_the_goal_list_runs_the_same_queries_for_3_and_30_goals(
    personas, django_assert_max_num_queries
) -> None:
    client = personas.client("member")

    def make(n: int) -> None:
        for i in range(n):
            services.create_goal(
                owner=personas.member, title=f"goal {i}", milestones=[("a", None), ("b", None)]
            )

    make(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("growth:home")).status_code == 200
    make(27)
    with django_assert_max_num_queries(len(small) + 1):
        assert client.get(reverse("growth:home")).status_code == 200


# ----------------------------------------------------------------------------- ownership
def test_goals_are_in_the_members_export_and_gone_with_the_account(personas, goal) -> None:
    services.check_in(goal=goal, actor=personas.member, moved="ZZMOVED")
    exported = ownership.export_user_data(user=personas.member)
    [row] = exported["goals"]
    assert row["title"] == SECRET
    assert [m["title"] for m in row["milestones"]] == ["ZZMILE first step", "second step"]
    assert row["check_ins"][0]["moved"] == "ZZMOVED"
    assert ownership.export_user_data(user=personas.other_member)["goals"] == []
    ownership.delete_account(user=personas.member)
    assert not Goal.objects.exists()
    assert not Milestone.objects.exists()
    assert not CheckIn.objects.exists()


def test_deleting_a_goal_removes_its_parts(personas, goal) -> None:
    response = personas.client("member").post(
        reverse("growth:goal-delete", kwargs={"goal_id": goal.pk})
    )
    assert response.status_code == 302
    assert not Goal.objects.exists()
    assert not Milestone.objects.exists()


def test_anyone_logged_in_has_their_own_empty_growth_page(db) -> None:
    client = Client()
    client.force_login(UserFactory())
    ProgramFactory()
    page = client.get(reverse("growth:home"))
    assert page.status_code == 200
    assert "No active goals yet" in page.content.decode()


def test_overdue_milestones_and_late_goals_need_the_owners_attention_only(personas) -> None:
    import time_machine

    goal = services.create_goal(
        owner=personas.member,
        title="ZZLATE goal",
        target_on=dt.date(2027, 1, 31),
        milestones=[("ZZDUE step", dt.date(2027, 1, 10)), ("later step", dt.date(2027, 3, 1))],
    )
    home = reverse("core:home")
    with time_machine.travel(dt.datetime(2027, 1, 5, 12, tzinfo=dt.UTC)):
        assert "ZZDUE step" not in personas.client("member").get(home).content.decode()
    with time_machine.travel(dt.datetime(2027, 2, 2, 12, tzinfo=dt.UTC)):
        page = personas.client("member").get(home).content.decode()
        assert "A milestone of your goals is overdue: “ZZDUE step”." in page
        assert "ZZLATE goal" in page  # past its target date
        for other in ("other_member", "organiser", "admin"):
            assert "ZZDUE" not in personas.client(other).get(home).content.decode(), other
        first = goal.milestones.get(title="ZZDUE step")
        services.set_milestone_done(milestone=first, actor=personas.member, done=True)
        services.achieve_goal(goal=goal, actor=personas.member)
        page = personas.client("member").get(home).content.decode()
        assert "ZZDUE" not in page
        assert "ZZLATE" not in page


def test_organisers_see_goal_counts_from_five_members_and_never_a_text(personas) -> None:
    """Each figure of the card (the growth metrics of the KPI dictionary, tested one by one in
    tests/evaluation/) is shown from 5 people in it, never a goal's text."""
    from peerly.growth.selectors import program_goal_figures

    url = reverse("programs:manage", kwargs={"slug": personas.program.slug})
    owners = [personas.member, personas.other_member]
    for _ in range(3):
        user = UserFactory()
        EnrollmentFactory(program=personas.program, user=user)
        owners.append(user)
    for owner in owners[:4]:
        services.create_goal(owner=owner, title="ZZORG-TEXT", program=personas.program)
    figures = program_goal_figures(program=personas.program)
    assert figures.figure("goal_progress").value is None  # 4 people
    assert figures.figure("goals_per_member").value == 0.8  # 4 goals of 5 active members
    page = personas.client("organiser").get(url).content.decode()
    assert "not shown: fewer than 5 people" in page
    assert "ZZORG-TEXT" not in page
    late = services.create_goal(
        owner=owners[4],
        title="ZZORG-TEXT",
        program=personas.program,
        target_on=dt.date(2001, 1, 1),
    )
    services.achieve_goal(goal=Goal.objects.filter(owner=owners[0]).get(), actor=owners[0])
    figures = program_goal_figures(program=personas.program)
    progress = figures.figure("goal_progress")
    assert (progress.value, progress.people) == (20.0, 5)  # 100 + 4 x 0, of 5 owners
    attainment = figures.figure("goal_attainment")  # 1 achieved of 2 due: only 2 people
    assert (attainment.people, attainment.value, attainment.denominator) == (2, None, None)
    assert late.status == GoalStatus.ACTIVE
    page = personas.client("organiser").get(url).content.decode()
    assert "20 %" in page
    assert "/metrics/#goal_attainment" in page
    assert "ZZORG-TEXT" not in page
