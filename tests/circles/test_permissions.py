"""Privacy table: who may open which circle page. Notes, actions and attendance details are
for the circle's members only: not organisers, not site admins."""

from __future__ import annotations

import pytest
from django.test import Client

from peerly.circles import services
from peerly.growth.models import ActionItem
from peerly.programs.models import ProgramKind
from tests.circles.conftest import BEFORE_SEASON
from tests.circles.conftest import MONDAY_9_17
from tests.circles.conftest import SEASON_START
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory

SECRET = "my-secret-issue-about-burnout"
ACTION = "secret-action-talk-to-my-manager"


@pytest.fixture
def world(personas):  # type: ignore[no-untyped-def]
    program = personas.program
    program.kind = ProgramKind.CIRCLE
    program.group_size = 3
    program.save()
    services.create_settings(program=program)  # as creating a circle programme does
    extra = [UserFactory() for _ in range(4)]
    for user in extra:
        EnrollmentFactory(program=program, user=user)
    for user in [personas.member, personas.other_member, *extra]:
        for day, start, end in MONDAY_9_17:
            WindowFactory(profile=user.profile, weekday=day, start_minute=start, end_minute=end)
    season, _ = services.publish_season(
        actor=personas.organiser, program=program, number=1, seed=1, starts_on=SEASON_START
    )
    mine = season.circles.get(memberships__user=personas.member)
    other = season.circles.exclude(pk=mine.pk).get()
    if other.memberships.filter(user=personas.other_member).exists():
        personas.other_circle = personas.other_member
    else:
        personas.other_circle = other.memberships.first().user
    for circle in (mine, other):
        services.close_vote(actor=personas.organiser, circle=circle, now=BEFORE_SEASON)
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
        new_actions=[{"text": ACTION, "owner_id": personas.member.pk}],
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
    "organiser",
    "other_organiser",
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
# persona:           anonymous outsider other_circle member organiser other_org admin
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
@pytest.mark.parametrize("persona", ["organiser", "admin"])
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
    client = client_for(world, "organiser")
    response = client.post(url(world, "close-vote"))
    assert response.status_code == 302
    assert client.get(url(world, "circle")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected", "status_after"),
    [
        ("owner", REDIRECT, "done"),
        ("co_member", MISSING, "open"),
        ("note_taker", MISSING, "open"),
        ("other_circle", MISSING, "open"),
    ],
)
def test_only_the_owner_changes_an_action_items_status(world, who, expected, status_after):
    action = world["action"]
    block = world["block"]
    personas = world["personas"]
    circle = world["circle"]
    mates = [m.user for m in circle.memberships.exclude(user=personas.member)]
    user = {
        "owner": personas.member,
        "co_member": mates[0],
        "note_taker": block.note_taker if block.note_taker_id != action.owner_id else mates[1],
        "other_circle": personas.other_circle,
    }[who]
    assert who == "owner" or user.pk != action.owner_id
    client = Client()
    client.force_login(user)
    for data in ({"status": "done"}, {"status": "done", "session": world["session"].pk}):
        response = client.post(url(world, "action"), data)
        assert response.status_code == expected
    action.refresh_from_db()
    assert action.status == status_after
    page = client.get(url(world, "circle"))
    if page.status_code == 200:
        form = f'action="/programs/{world["program"].slug}/circles/actions/{action.pk}/"'
        assert (form in page.content.decode()) == (who == "owner")


@pytest.mark.django_db
def test_update_action_service_refuses_co_members(world):
    from peerly.core.errors import ServiceError

    action = world["action"]
    mate = world["circle"].memberships.exclude(user=world["personas"].member).first().user
    with pytest.raises(ServiceError, match="owner"):
        services.update_action(actor=mate, action=action, status="done")
    action.refresh_from_db()
    assert action.status == "open"


# ------------------------------------------------------- profile field visibility ("Only me")
def test_only_me_fields_never_reach_circle_mates_organisers_or_emails(
    personas, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    """Two members hide every field (and share a hidden interest): the organiser's preview,
    the circle page and the emails show none of it, not even as a 'shared interest'."""
    from django.core import mail
    from django.urls import reverse

    from tests.privacy import MINE
    from tests.privacy import THEIRS
    from tests.privacy import hide_everything
    from tests.privacy import leaks

    program = personas.program
    program.kind = ProgramKind.CIRCLE
    program.group_size = 3
    program.save()
    services.create_settings(program=program)  # as creating a circle programme does
    hide_everything(personas.member, secret=MINE)
    hide_everything(personas.other_member, secret=THEIRS)
    extra = UserFactory(display_name="Esme Extra")
    EnrollmentFactory(program=program, user=extra)
    for day, start, end in MONDAY_9_17:
        WindowFactory(profile=extra.profile, weekday=day, start_minute=start, end_minute=end)
    organiser = Client()
    organiser.force_login(personas.organiser)
    preview = organiser.get(reverse("circles:manage-form", args=[program.slug]))
    assert preview.status_code == 200
    assert "Esme Extra" in preview.content.decode()
    assert leaks(preview.content.decode(), MINE, THEIRS) == []
    with django_capture_on_commit_callbacks(execute=True):
        season, _ = services.publish_season(
            actor=personas.organiser, program=program, number=1, seed=1, starts_on=SEASON_START
        )
    circle = season.circles.get(memberships__user=personas.member)
    assert circle.memberships.count() == 3
    for message in mail.outbox:
        bodies = [message.body] + [alt[0] for alt in getattr(message, "alternatives", [])]
        hidden = {personas.member.email: (THEIRS,), personas.other_member.email: (MINE,)}
        assert leaks(" ".join(bodies), *hidden.get(message.to[0], (MINE, THEIRS))) == []
    for user, hidden in (
        (personas.member, (THEIRS,)),
        (extra, (MINE, THEIRS)),
        (personas.organiser, (MINE, THEIRS)),
    ):
        client = Client()
        client.force_login(user)
        for name in ("program", "manage"):
            response = client.get(reverse(f"circles:{name}", args=[program.slug]))
            assert leaks(response.content.decode(), *hidden) == [], (user, name)
        response = client.get(reverse("circles:circle", args=[program.slug, circle.pk]))
        assert leaks(response.content.decode(), *hidden) == [], user


@pytest.mark.parametrize("status", ["left", "declined"])
@pytest.mark.parametrize("page", ["", "known/"])
def test_people_who_left_or_were_declined_are_not_members(program, page, status):  # type: ignore[no-untyped-def]
    """One definition of member (programs.access): a LEFT or DECLINED enrolment is not one."""
    from peerly.programs.models import Enrollment

    user = UserFactory()
    EnrollmentFactory(program=program, user=user)
    client = Client()
    client.force_login(user)
    assert client.get(f"/programs/{program.slug}/circles/{page}").status_code == 200
    Enrollment.objects.filter(user=user).update(status=status)
    assert client.get(f"/programs/{program.slug}/circles/{page}").status_code == 403
