"""Action items as one model across kinds (issue 13): the member's own, agreed with a mentor,
agreed in a circle block (linked to the coachee's goal). Services assert on database state and
audit rows; persona tables cover every new URL (GET and POST) and assert that the private text
never appears and nothing changes; the API; "Needs your attention"; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerly.circles import attention as circles_attention
from peerly.circles import services as circles_services
from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.growth import actions
from peerly.growth import attention
from peerly.growth import services
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus
from peerly.mentorship import services as mentorship_services
from tests.circles.conftest import member_users
from tests.factories import UserFactory
from tests.mentorship.conftest import World

pytestmark = pytest.mark.django_db
SECRET = "ZZACTION-5521 ask for the budget"
GOAL = "ZZGOAL-LINKED 9043 lead the team"
PAST = dt.date(2020, 1, 1)


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


# ----------------------------------------------------------------------------- own actions
def test_own_action_lifecycle_is_audited_idempotent_and_stamps_closed_at(personas) -> None:
    me = personas.member
    goal = services.create_goal(owner=me, title=GOAL)
    action = actions.add_action(actor=me, text=f"  {SECRET} ", due_on=dt.date(2030, 5, 1))
    assert (action.owner, action.text, action.status, action.closed_at) == (
        me,
        SECRET,
        "open",
        None,
    )
    assert actions.kind_of(action) == "own"
    row = AuditEvent.objects.get(action="growth.action_added")
    assert row.program_id is None and SECRET not in str(row.data)

    actions.update_action(action=action, actor=me, goal=goal, text="Ask for the budget")
    action.refresh_from_db()
    assert (action.goal, action.text) == (goal, "Ask for the budget")
    actions.update_action(action=action, actor=me, goal=goal)  # the same again: nothing
    assert _audits("growth.action_updated") == 1

    actions.set_action_status(action=action, actor=me, status="done")
    action.refresh_from_db()
    stamped = action.closed_at
    assert action.status == "done" and stamped is not None
    actions.set_action_status(action=action, actor=me, status="done")  # again: nothing
    assert ActionItem.objects.get(pk=action.pk).closed_at == stamped
    assert _audits("growth.action_status") == 1
    actions.set_action_status(action=action, actor=me, status="dropped")
    assert ActionItem.objects.get(pk=action.pk).closed_at == stamped  # still closed
    actions.set_action_status(action=action, actor=me, status="in_progress")
    assert ActionItem.objects.get(pk=action.pk).closed_at is None  # reopened

    actions.delete_action(action=action, actor=me)
    actions.delete_action(action=action, actor=me)  # gone already: nothing
    assert not ActionItem.objects.exists()
    assert _audits("growth.action_deleted") == 1


def test_only_the_owner_changes_an_action_and_nothing_changes_otherwise(personas) -> None:
    action = actions.add_action(actor=personas.member, text=SECRET)
    for stranger in (personas.other_member, personas.organiser, personas.admin):
        with pytest.raises(ServiceError):
            actions.set_action_status(action=action, actor=stranger, status="done")
        with pytest.raises(ServiceError):
            actions.update_action(action=action, actor=stranger, text="hacked")
        with pytest.raises(ServiceError):
            actions.delete_action(action=action, actor=stranger)
    action.refresh_from_db()
    assert (action.text, action.status) == (SECRET, "open")
    assert _audits("growth.action_status") == _audits("growth.action_updated") == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"due_on": dt.date(1999, 12, 31)}, "due_on"),
        ({"goal": "other's"}, "goal"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(personas, changes, field) -> None:
    if changes.get("goal"):
        changes = {"goal": services.create_goal(owner=personas.other_member, title="theirs")}
    with pytest.raises(ServiceError) as refused:
        actions.add_action(actor=personas.member, **{"text": "ok", **changes})
    assert refused.value.field == field
    assert not ActionItem.objects.exists()
    action = actions.add_action(actor=personas.member, text=SECRET)
    with pytest.raises(ServiceError):
        actions.update_action(action=action, actor=personas.member, **changes)
    with pytest.raises(ServiceError):
        actions.set_action_status(action=action, actor=personas.member, status="finished")
    with pytest.raises(ServiceError):
        actions.update_action(action=action, actor=personas.member, owner=personas.other_member)
    action.refresh_from_db()
    assert (action.text, action.due_on, action.goal, action.status) == (SECRET, None, None, "open")


def test_action_completion_counts_done_over_due(personas) -> None:
    me = personas.member
    today = dt.date(2030, 6, 1)
    rows = [
        ("done", None),  # closed: due, done
        ("dropped", None),  # closed: due, not done
        ("open", dt.date(2030, 5, 1)),  # past its date: due, not done
        ("open", dt.date(2030, 7, 1)),  # not due yet
        ("in_progress", None),  # not due
    ]
    for status, due_on in rows:
        action = actions.add_action(actor=me, text=status, due_on=due_on)
        actions.set_action_status(action=action, actor=me, status=status)
    assert actions.action_completion(ActionItem.objects.all(), today=today) == (1, 3)
    assert actions.action_completion(ActionItem.objects.none(), today=today) == (0, 0)


# ----------------------------------------------------------------------------- mentorship
def test_mentee_and_current_mentor_agree_actions_nobody_else(world: World, reach) -> None:
    ms = reach("active")
    mentor = world.mentor.user
    mine = actions.add_action(actor=world.mentee, mentorship=ms, text=SECRET)
    for_mentee = actions.add_action(actor=mentor, mentorship=ms, text="Read the guide")
    for_mentor = actions.add_action(actor=mentor, mentorship=ms, owner=mentor, text="Intro")
    assert [a.owner for a in (mine, for_mentee, for_mentor)] == [world.mentee, world.mentee, mentor]
    assert {actions.kind_of(a) for a in (mine, for_mentee, for_mentor)} == {"mentorship"}
    refused = [world.other_mentor.user, world.other_mentee, world.organiser, world.personas.admin]
    for stranger in refused:
        with pytest.raises(ServiceError):
            actions.add_action(actor=stranger, mentorship=ms, text="sneaky")
    with pytest.raises(ServiceError):  # an owner outside the mentorship
        actions.add_action(actor=mentor, mentorship=ms, owner=world.other_mentee, text="x")
    goal = services.create_goal(owner=world.mentee, title=GOAL)
    with pytest.raises(ServiceError):  # only the owner links their goal
        actions.add_action(actor=mentor, mentorship=ms, text="x", goal=goal)
    with pytest.raises(ServiceError):  # the mentor cannot tick the mentee's action
        actions.set_action_status(action=for_mentee, actor=mentor, status="done")
    actions.set_action_status(action=for_mentee, actor=world.mentee, status="done")
    assert ActionItem.objects.get(pk=for_mentee.pk).closed_at is not None
    assert ActionItem.objects.count() == 3
    mentorship_services.end_mentorship(actor=world.mentee, mentorship=ms, reason="Done")
    with pytest.raises(ServiceError):  # only while the mentorship is open
        actions.add_action(actor=world.mentee, mentorship=ms, text="late")
    assert ActionItem.objects.count() == 3


def _mentorship_users(world: World) -> dict[str, object]:
    return {
        "anonymous": None,
        "mentee": world.mentee,
        "mentor": world.mentor.user,
        "other_mentor": world.other_mentor.user,
        "other_mentee": world.other_mentee,
        "organiser": world.organiser,
        "admin": world.personas.admin,
    }


def test_the_mentorship_page_shows_agreed_actions_to_its_two_parties_only(
    world: World, reach
) -> None:
    ms = reach("active")
    actions.add_action(actor=world.mentee, mentorship=ms, text=SECRET)
    page = reverse(
        "mentorship:mentorship-detail", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )
    expected = {
        "anonymous": 302,
        "mentee": 200,
        "mentor": 200,
        "other_mentor": 404,
        "other_mentee": 404,
        "organiser": 404,
        "admin": 404,
    }
    for who, user in _mentorship_users(world).items():
        response = _client(user).get(page)
        assert response.status_code == expected[who], who
        assert (SECRET in response.content.decode()) == (expected[who] == 200), who
    # the organiser's own page of the mentorship shows no agreed action
    manage = reverse(
        "mentorship:manage-mentorship", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )
    response = _client(world.organiser).get(manage)
    assert response.status_code == 200 and SECRET not in response.content.decode()


ADD_EXPECTED = {
    "anonymous": 302,
    "mentee": 302,
    "mentor": 302,
    "other_mentor": 404,
    "other_mentee": 404,
    "organiser": 404,
    "admin": 404,
}


@pytest.mark.parametrize("who", list(ADD_EXPECTED))
def test_adding_an_agreed_action_on_the_page(world: World, reach, who) -> None:
    ms = reach("active")
    url = reverse(
        "mentorship:action-add", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )
    user = _mentorship_users(world)[who]
    data = {"agreed-text": SECRET, "agreed-owner": "mentor", "agreed-due_on": "2030-02-01"}
    response = _client(user).post(url, data)
    assert response.status_code == ADD_EXPECTED[who]
    if who in ("mentee", "mentor"):
        action = ActionItem.objects.get()
        assert (action.owner, action.mentorship, action.due_on) == (
            world.mentor.user,
            ms,
            dt.date(2030, 2, 1),
        )
    else:
        assert not ActionItem.objects.exists()
    if who == "mentee":  # bad input: a message, nothing saved
        response = _client(user).post(url, {"agreed-text": "", "agreed-owner": "nobody"})
        assert response.status_code == 302
        assert ActionItem.objects.count() == 1


# ----------------------------------------------------------------------------- growth pages
def _pages(action: ActionItem) -> dict[str, str]:
    return {
        "list": reverse("growth:actions"),
        "home": reverse("growth:home"),
        "edit": reverse("growth:action-edit", kwargs={"action_id": action.pk}),
        "status": reverse("growth:action-status", kwargs={"action_id": action.pk}),
        "delete": reverse("growth:action-delete", kwargs={"action_id": action.pk}),
        "add": reverse("growth:action-add"),
    }


# persona: anonymous mentee(owner) mentor other_mentor other_mentee organiser admin
PERSONA_ORDER = (
    "anonymous",
    "mentee",
    "mentor",
    "other_mentor",
    "other_mentee",
    "organiser",
    "admin",
)
L, OK, GONE, MOVED = 302, 200, 404, 302
PAGE_TABLE = {
    ("GET", "list"): (L, OK, OK, OK, OK, OK, OK),
    ("GET", "home"): (L, OK, OK, OK, OK, OK, OK),
    ("GET", "edit"): (L, OK, GONE, GONE, GONE, GONE, GONE),
    ("POST", "edit"): (L, MOVED, GONE, GONE, GONE, GONE, GONE),
    ("POST", "status"): (L, MOVED, GONE, GONE, GONE, GONE, GONE),
    ("POST", "delete"): (L, MOVED, GONE, GONE, GONE, GONE, GONE),
    ("POST", "add"): (L, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
}
PAGE_CASES = [
    (method, name, who, codes[i])
    for (method, name), codes in PAGE_TABLE.items()
    for i, who in enumerate(PERSONA_ORDER)
]


@pytest.mark.parametrize(
    ("method", "name", "who", "expected"),
    PAGE_CASES,
    ids=[f"{m}-{n}-{w}" for m, n, w, _ in PAGE_CASES],
)
def test_action_pages_persona_table(world: World, reach, method, name, who, expected) -> None:
    """The mentee's action agreed in their mentorship: only the mentee ever reads or changes it
    on the growth pages (their mentor sees it on the mentorship page, tested above)."""
    ms = reach("active")
    action = actions.add_action(actor=world.mentee, mentorship=ms, text=SECRET)
    url = _pages(action)[name]
    client = _client(_mentorship_users(world)[who])
    data = {"text": "ZZCHANGED", "status": "done", "action-text": "My own thing"}
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert response.status_code == expected
    body = response.content.decode()
    if who != "mentee":
        assert SECRET not in body
        after = ActionItem.objects.get(pk=action.pk)
        assert (after.text, after.status) == (SECRET, "open")
    elif method == "GET":
        assert SECRET in body


def test_the_owner_uses_the_pages(personas) -> None:
    me = personas.member
    client = _client(me)
    goal = services.create_goal(owner=me, title=GOAL)
    response = client.post(
        reverse("growth:action-add"),
        {
            "action-text": SECRET,
            "action-due_on": "2030-03-01",
            "action-goal": goal.pk,
            "next": "/growth/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/growth/"
    action = ActionItem.objects.get()
    assert (action.owner, action.goal, action.due_on) == (me, goal, dt.date(2030, 3, 1))
    home = client.get(reverse("growth:home")).content.decode()
    assert SECRET in home and "My own" in home
    goal_page = client.get(reverse("growth:goal-detail", kwargs={"goal_id": goal.pk}))
    assert SECRET in goal_page.content.decode()
    status = reverse("growth:action-status", kwargs={"action_id": action.pk})
    response = client.post(status, {"status": "done", "next": "https://evil.example/"})
    assert response["Location"] == reverse("growth:actions")  # never off-site
    assert ActionItem.objects.get().status == "done"
    assert SECRET not in client.get(reverse("growth:actions")).content.decode()  # open only
    assert SECRET in client.get(reverse("growth:actions") + "?status=done").content.decode()
    # bad input: the form says which field, nothing saved
    response = client.post(reverse("growth:action-add"), {"action-text": ""})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(
        reverse("growth:action-edit", kwargs={"action_id": action.pk}),
        {"text": "ok", "due_on": "1999-01-01"},
    )
    assert response.status_code == 200 and "between 2000 and 2200" in response.content.decode()
    response = client.post(status, {"status": "nonsense"})
    assert response.status_code == 302
    assert ActionItem.objects.get().status == "done"
    assert ActionItem.objects.count() == 1


def test_lists_do_not_grow_with_rows(world: World, reach, django_assert_max_num_queries) -> None:
    ms = reach("active")
    me = world.mentee
    client = _client(me)
    goal = services.create_goal(owner=me, title=GOAL)

    def add(n: int) -> None:
        for i in range(n):
            actions.add_action(actor=me, text=f"own {i}", goal=goal, due_on=PAST)
            actions.add_action(actor=me, mentorship=ms, text=f"agreed {i}")

    def count(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [
        reverse("growth:actions"),
        reverse("growth:home"),
        reverse("growth:goal-detail", kwargs={"goal_id": goal.pk}),
        "/api/v1/me/actions",
    ]
    add(2)
    small = [count(url) for url in urls]
    add(20)
    big = [count(url) for url in urls]
    assert all(b <= s + 1 for s, b in zip(small, big, strict=True)), (small, big)
    with django_assert_max_num_queries(12):
        client.get(reverse("growth:actions"))


# ----------------------------------------------------------------------------- attention
def test_overdue_actions_of_every_kind_are_one_entry(world: World, reach) -> None:
    ms = reach("active")
    me = world.mentee
    actions.add_action(actor=me, text="own overdue", due_on=PAST)
    actions.add_action(actor=me, mentorship=ms, text="agreed overdue", due_on=dt.date(2020, 2, 1))
    actions.add_action(actor=me, text="not yet", due_on=timezone.localdate() + dt.timedelta(days=3))
    done = actions.add_action(actor=me, text="done overdue", due_on=dt.date(2019, 1, 1))
    actions.set_action_status(action=done, actor=me, status="done")
    items = [i for i in attention.attention_items(me) if "action item" in str(i.text)]
    assert len(items) == 1
    assert "2 of your action items are overdue" in str(items[0].text)
    assert "own overdue" in str(items[0].text)
    assert str(items[0].url).startswith(reverse("growth:actions"))
    assert not [i for i in attention.attention_items(world.mentor.user) if "action" in str(i.text)]


# ----------------------------------------------------------------------------- circles
@pytest.fixture
def held_block(scheduled_circle):  # type: ignore[no-untyped-def]
    """Session 1 held: block 1 with its coachee, coach and note-taker."""
    a, b, c = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    circles_services.record_attendance(
        actor=a, session=first, present_ids=[a.pk, b.pk, c.pk], now=first.starts_at
    )
    return first.blocks.select_related("coachee", "coach", "note_taker").get(position=1)


def test_the_coachee_links_the_issue_to_a_goal_and_the_actions_follow(
    held_block, scheduled_circle
) -> None:
    block = held_block
    coachee, coach, note_taker = block.coachee, block.coach, block.note_taker
    goal = services.create_goal(owner=coachee, title=GOAL)
    circles_services.save_block(
        actor=note_taker,
        block=block,
        notes={"issue": "x"},
        new_actions=[{"text": "before the link", "owner_id": None}],
    )
    for other in (coach, note_taker):
        theirs = services.create_goal(owner=other, title="theirs")
        with pytest.raises(ServiceError):
            circles_services.link_block_goal(actor=other, block=block, goal=theirs)
    with pytest.raises(ServiceError):  # the coachee's own goals only
        circles_services.link_block_goal(actor=coachee, block=block, goal=theirs)
    block.refresh_from_db()
    assert block.goal is None
    circles_services.link_block_goal(actor=coachee, block=block, goal=goal)
    circles_services.link_block_goal(actor=coachee, block=block, goal=goal)  # again: nothing
    assert _audits("circles.block.goal_linked") == 1
    assert AuditEvent.objects.get(action="circles.block.goal_linked").program_id == (
        scheduled_circle.program_id
    )
    block.refresh_from_db()
    circles_services.save_block(
        actor=note_taker,
        block=block,
        notes={},
        new_actions=[
            {"text": "after the link", "owner_id": None},
            {"text": "a mate's", "owner_id": coach.pk},
        ],
    )
    goals = dict(ActionItem.objects.values_list("text", "goal_id"))
    assert goals == {"before the link": goal.pk, "after the link": goal.pk, "a mate's": None}
    # the circle's status rule: the owner, through the one growth service
    action = ActionItem.objects.get(text="after the link")
    with pytest.raises(ServiceError):
        circles_services.update_action(actor=coach, action=action, status="done")
    second = scheduled_circle.sessions.get(number=2)
    circles_services.update_action(actor=coachee, action=action, status="done", session=second)
    action.refresh_from_db()
    assert (action.status, action.reviewed_in, action.closed_at is not None) == (
        "done",
        second,
        True,
    )
    row = AuditEvent.objects.get(action="growth.action_status")
    assert row.program_id == scheduled_circle.program_id and row.data["kind"] == "circle"
    assert actions.kind_of(action) == "circle"


def test_block_goal_persona_table_and_what_the_circle_sees(
    held_block, scheduled_circle, organiser
) -> None:
    from tests.factories import EnrollmentFactory

    block = held_block
    coachee, coach, note_taker = block.coachee, block.coach, block.note_taker
    program = scheduled_circle.program
    goal = services.create_goal(owner=coachee, title=GOAL)
    outsider = UserFactory()
    EnrollmentFactory(program=program, user=outsider)
    admin = UserFactory(is_superuser=True, is_staff=True)
    url = reverse("circles:block-goal", kwargs={"slug": program.slug, "block_id": block.pk})
    expected = {
        "anonymous": 302,
        "coach": 302,  # refused with a message
        "note_taker": 302,
        "outsider": 403,
        "organiser": 403,
        "admin": 403,
    }
    users = {
        "anonymous": None,
        "coach": coach,
        "note_taker": note_taker,
        "outsider": outsider,
        "organiser": organiser,
        "admin": admin,
    }
    for who, user in users.items():
        response = _client(user).post(url, {f"g{block.pk}-goal": goal.pk})
        assert response.status_code == expected[who], who
        block.refresh_from_db()
        assert block.goal_id is None, who
    response = _client(coachee).post(url, {f"g{block.pk}-goal": goal.pk})
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.goal == goal
    circles_services.save_block(
        actor=note_taker, block=block, notes={}, new_actions=[{"text": SECRET, "owner_id": None}]
    )
    second = scheduled_circle.sessions.get(number=2)
    pages = [
        reverse("circles:session", kwargs={"slug": program.slug, "session_id": block.session_id}),
        reverse("circles:session", kwargs={"slug": program.slug, "session_id": second.pk}),
    ]
    for page in pages:  # the block's own session, and the next one's action review
        assert GOAL in _client(coachee).get(page).content.decode()
        for mate in (coach, note_taker):
            body = _client(mate).get(page).content.decode()
            assert GOAL not in body and "Linked to a personal goal" in body
    # shared with the circle: the title is shown to its members
    audience = next(a for a in services.audiences_for(coachee) if a.circle == scheduled_circle)
    services.share(subject=goal, actor=coachee, audience=audience)
    for page in pages:
        assert GOAL in _client(coach).get(page).content.decode()
        assert _client(organiser).get(page).status_code == 403
    # unlinking: the coachee's actions from this block follow
    _client(coachee).post(url, {f"g{block.pk}-goal": ""})
    assert ActionItem.objects.get(text=SECRET).goal is None


def test_circles_attention_no_longer_lists_actions(held_block) -> None:
    block = held_block
    circles_services.save_block(
        actor=block.note_taker,
        block=block,
        notes={},
        new_actions=[{"text": SECRET, "owner_id": None, "due_on": PAST}],
    )
    assert not [
        i for i in circles_attention.attention_items(block.coachee) if SECRET in str(i.text)
    ]
    [item] = [i for i in attention.attention_items(block.coachee) if SECRET in str(i.text)]
    assert "action item of yours is overdue" in str(item.text)


# ----------------------------------------------------------------------------- API
def test_api_lists_adds_and_patches_the_owners_actions_only(world: World, reach) -> None:
    ms = reach("active")
    me = world.mentee
    client = _client(me)
    goal = services.create_goal(owner=me, title=GOAL)
    agreed = actions.add_action(actor=world.mentor.user, mentorship=ms, text="agreed")
    response = client.post(
        "/api/v1/me/actions",
        {"text": SECRET, "due_on": "2030-01-01", "goal": goal.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    own = response.json()
    assert (own["kind"], own["goal"], own["status"]) == ("own", goal.pk, "open")
    listed = client.get("/api/v1/me/actions?status=open&limit=1").json()
    assert listed["count"] == 2 and len(listed["items"]) == 1
    kinds = {a["kind"]: a for a in client.get("/api/v1/me/actions").json()["items"]}
    assert kinds["mentorship"]["program"] == world.program.slug
    url = f"/api/v1/me/actions/{own['id']}"
    patched = client.patch(
        url, {"status": "done", "text": "Asked"}, content_type="application/json"
    )
    assert patched.status_code == 200
    assert (patched.json()["status"], patched.json()["text"]) == ("done", "Asked")
    assert patched.json()["closed_at"] is not None
    assert client.get("/api/v1/me/actions?status=done").json()["count"] == 1
    unlinked = client.patch(url, {"goal": None}, content_type="application/json")
    assert unlinked.json()["goal"] is None
    # bad input: 422 from the schema, 400 naming the field from the service; nothing changes
    assert (
        client.patch(url, {"status": "finished"}, content_type="application/json").status_code
        == 422
    )
    assert client.get("/api/v1/me/actions?status=later").status_code == 422
    assert client.get("/api/v1/me/actions?limit=100000").status_code == 422
    theirs = services.create_goal(owner=world.other_mentee, title="theirs")
    refused = client.patch(url, {"goal": theirs.pk}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "goal"
    refused = client.patch(
        url, {"text": "ok", "due_on": "1990-01-01"}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["field"] == "due_on"
    assert ActionItem.objects.get(pk=own["id"]).text == "Asked"
    # anybody else's action is a 404 and stays as it was
    for other in (world.mentor.user, world.organiser, world.personas.admin):
        stranger = _client(other)
        assert (
            stranger.patch(url, {"status": "open"}, content_type="application/json").status_code
            == 404
        )
        assert SECRET not in stranger.get("/api/v1/me/actions").content.decode()
    agreed_url = f"/api/v1/me/actions/{agreed.pk}"
    mentor = _client(world.mentor.user)
    assert (
        mentor.patch(agreed_url, {"status": "done"}, content_type="application/json").status_code
        == 404
    )
    assert ActionItem.objects.get(pk=agreed.pk).status == ActionStatus.OPEN
    assert _client(None).get("/api/v1/me/actions").status_code == 401


def test_the_circles_api_still_updates_circle_actions_through_the_same_service(
    held_block, client
) -> None:
    block = held_block
    circles_services.save_block(
        actor=block.note_taker,
        block=block,
        notes={},
        new_actions=[{"text": SECRET, "owner_id": None}],
    )
    own = actions.add_action(actor=block.coachee, text="not a circle action")
    client.force_login(block.coachee)
    listed = client.get("/api/v1/circles/actions").json()
    assert [a["text"] for a in listed] == [SECRET]  # circle actions only
    action = ActionItem.objects.get(text=SECRET)
    response = client.post(
        f"/api/v1/circles/actions/{action.pk}", {"status": "done"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert ActionItem.objects.get(pk=action.pk).closed_at is not None
    assert AuditEvent.objects.filter(action="growth.action_status").count() == 1
    response = client.post(
        f"/api/v1/circles/actions/{own.pk}", {"status": "done"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_the_demo_gives_own_actions_at_stages_and_agreed_ones(world: World, reach) -> None:
    from peerly.growth import demo

    ms = reach("active")
    goal = services.create_goal(owner=world.mentee, title=GOAL)
    today = dt.date.today()
    demo.populate_actions(owner=world.mentee, today=today)
    demo.populate_agreed_actions(mentee=world.mentee, today=today)
    own = ActionItem.objects.filter(owner=world.mentee, mentorship=None)
    assert own.filter(goal=goal).count() == 1
    assert own.filter(status=ActionStatus.DONE).count() == 1
    assert own.filter(due_on__lt=today).exclude(status=ActionStatus.DONE).count() == 1
    agreed = ActionItem.objects.filter(mentorship=ms)
    assert {a.owner for a in agreed} == {world.mentee, world.mentor.user}
    page = _client(world.mentee).get(reverse("growth:home")).content.decode()
    assert "Book a room for the workshop" in page  # overdue: in Needs your attention too
