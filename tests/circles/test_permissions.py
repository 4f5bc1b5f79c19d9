"""Privacy table: who may open which circle page. Notes, actions and attendance details are
for the circle's members only: not organisers, not site admins."""

from __future__ import annotations

import pytest
from django.test import Client

from peerly.circles import services
from peerly.circles.models import ActionItem
from peerly.programs.models import ProgramKind
from tests.circles.conftest import BEFORE_SEASON, MONDAY_9_17, SEASON_START
from tests.factories import EnrollmentFactory, UserFactory, WindowFactory

SECRET = "my-secret-issue-about-burnout"
ACTION = "secret-action-talk-to-my-manager"


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    program = personas.program
    program.kind = ProgramKind.CIRCLE
    program.group_size = 3
    program.save()
    extra = [UserFactory() for _ in range(4)]
    for user in extra:
        EnrollmentFactory(program=program, user=user)
    for user in [personas.member, personas.other_member, *extra]:
        for day, start, end in MONDAY_9_17:
            WindowFactory(profile=user.profile, weekday=day, start_minute=start, end_minute=end)
    season, _ = services.publish_season(
        actor=personas.organizer, program=program, number=1, seed=1, starts_on=SEASON_START
    )
    mine = season.circles.get(memberships__user=personas.member)
    other = season.circles.exclude(pk=mine.pk).get()
    if other.memberships.filter(user=personas.other_member).exists():
        personas.other_circle = personas.other_member
    else:
        personas.other_circle = other.memberships.first().user
    for circle in (mine, other):
        services.close_vote(actor=personas.organizer, circle=circle, now=BEFORE_SEASON)
    session = mine.sessions.get(number=1)
    ids = list(mine.memberships.values_list("user_id", flat=True))
    services.record_attendance(
        actor=personas.member, session=session, present_ids=ids, now=session.starts_at
    )
    block = session.blocks.get(position=1)
    services.save_block(
        actor=block.note_taker,
        block=block,
        notes={"issue": SECRET},
        new_actions=[{"text": ACTION, "owner_id": None}],
    )
    return {
        "personas": personas,
        "program": program,
        "circle": mine,
        "session": session,
        "block": block,
        "action": ActionItem.objects.get(),
    }


PERSONAS = (
    "anonymous",
    "outsider",
    "other_circle",
    "member",
    "organizer",
    "other_organizer",
    "admin",
)


def client_for(world, name: str) -> Client:  # type: ignore[no-untyped-def]
    personas = world["personas"]
    client = Client()
    user = None if name == "anonymous" else getattr(personas, name)
    if user is not None:
        client.force_login(user)
    return client


def url(world, name: str) -> str:  # type: ignore[no-untyped-def]
    base = f"/programs/{world['program'].slug}/circles"
    return {
        "program": f"{base}/",
        "circle": f"{base}/c/{world['circle'].pk}/",
        "ics": f"{base}/c/{world['circle'].pk}/calendar.ics",
        "session": f"{base}/sessions/{world['session'].pk}/",
        "reschedule": f"{base}/sessions/{world['session'].pk}/reschedule/",
        "known": f"{base}/known/",
        "guide": f"{base}/guides/coach/",
        "manage": f"{base}/manage/",
        "manage-settings": f"{base}/manage/settings/",
        "manage-form": f"{base}/manage/form/?seed=1&starts_on=2030-06-03&strategy=random",
        "block-save": f"{base}/blocks/{world['block'].pk}/",
        "action": f"{base}/actions/{world['action'].pk}/",
        "attendance": f"{base}/sessions/{world['session'].pk}/attendance/",
        "cancel": f"{base}/sessions/{world['session'].pk}/cancel/",
        "close-vote": f"{base}/c/{world['circle'].pk}/close-vote/",
        "admin-block": "/admin/circles/block/",
    }[name]


L, OK, FORBID, MISSING, REDIRECT = 302, 200, 403, 404, 302
# persona:           anonymous outsider other_circle member organizer other_org admin
TABLE = {
    ("GET", "program"): (L, FORBID, OK, OK, OK, FORBID, OK),
    ("GET", "circle"): (L, FORBID, FORBID, OK, FORBID, FORBID, FORBID),
    ("GET", "ics"): (L, FORBID, FORBID, OK, FORBID, FORBID, FORBID),
    ("GET", "session"): (L, FORBID, FORBID, OK, FORBID, FORBID, FORBID),
    ("GET", "reschedule"): (L, FORBID, FORBID, OK, FORBID, FORBID, FORBID),
    ("GET", "known"): (L, FORBID, OK, OK, FORBID, FORBID, FORBID),
    ("GET", "guide"): (L, OK, OK, OK, OK, OK, OK),
    ("GET", "manage"): (L, FORBID, FORBID, FORBID, OK, FORBID, OK),
    ("GET", "manage-settings"): (L, FORBID, FORBID, FORBID, OK, FORBID, OK),
    ("GET", "manage-form"): (L, FORBID, FORBID, FORBID, OK, FORBID, OK),
    ("POST", "block-save"): (L, FORBID, FORBID, REDIRECT, FORBID, FORBID, FORBID),
    ("POST", "action"): (L, MISSING, MISSING, REDIRECT, MISSING, MISSING, MISSING),
    ("POST", "attendance"): (L, FORBID, FORBID, REDIRECT, FORBID, FORBID, FORBID),
    ("POST", "cancel"): (L, FORBID, FORBID, REDIRECT, FORBID, FORBID, FORBID),
    ("GET", "admin-block"): (L, L, L, L, L, L, MISSING),
}
CASES = [
    (method, name, persona, expected[i])
    for (method, name), expected in TABLE.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "name", "persona", "expected"), CASES, ids=[f"{m}-{n}-{p}" for m, n, p, _ in CASES]
)
def test_permission_table(world, method, name, persona, expected):
    client = client_for(world, persona)
    target = url(world, name)
    if method == "GET":
        response = client.get(target)
    else:
        response = client.post(target, {"status": "done", "present": []})
    assert response.status_code == expected
    if response.status_code == 200:
        body = response.content.decode(errors="replace")
        if persona != "member":
            assert SECRET not in body and ACTION not in body


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["organizer", "admin"])
def test_organisers_and_admins_see_that_sessions_happened_never_the_notes(world, persona):
    client = client_for(world, persona)
    page = client.get(url(world, "manage")).content.decode()
    assert "1 / 1" in page or "1 / 3" in page or "3 / 3" in page  # attendance counts shown
    assert "Circle 1" in page and "Circle 2" in page
    assert SECRET not in page and ACTION not in page


@pytest.mark.django_db
def test_member_sees_notes_actions_and_attendance(world):
    client = client_for(world, "member")
    page = client.get(url(world, "session")).content.decode()
    assert SECRET in page and ACTION in page
    assert "present" in page


@pytest.mark.django_db
def test_known_people_list_is_private_to_its_owner(world):
    personas = world["personas"]
    client = client_for(world, "member")
    other = personas.other_circle
    client.post(url(world, "known"), {"other": other.pk})
    assert other.name in client.get(url(world, "known")).content.decode()
    peer = client_for(world, "other_circle").get(url(world, "known")).content.decode()
    assert personas.member.name not in peer.split("Add someone")[0]


@pytest.mark.django_db
def test_organiser_can_close_a_vote_but_not_read_the_circle(world):
    client = client_for(world, "organizer")
    response = client.post(url(world, "close-vote"))
    assert response.status_code == 302
    assert client.get(url(world, "circle")).status_code == 403
