"""Permission tables for every page: persona × url × method → status. Mentors never see
other mentors' mentees; organisers never read reports or reviews."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerly.mentorship import services
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "outsider",
    "member",
    "other_member",
    "mentor",
    "other_mentor",
    "organiser",
    "other_organiser",
    "admin",
]


@pytest.fixture
def scene(world):
    ms = world.reach("active")
    other = world.reach("active", user=world.other_mentee, mentor=world.other_mentor)
    report = services.file_report(
        actor=world.mentee, mentorship=ms, month=timezone.localdate(), did="Secret report text"
    )
    request = services.file_request(
        actor=world.mentee, mentorship=ms, kind="budget", amount="50", justification="Venue"
    )
    services.open_review_round(actor=None, program=world.program, now=timezone.now())
    review = Review.objects.get(mentorship=ms, reviewer=world.mentee)
    nominee = UserFactory()
    nomination = services.nominate_mentor(
        actor=world.mentor.user, program=world.program, nominee=nominee, statement="Great"
    )
    users = {
        "outsider": world.personas.outsider,
        "member": world.mentee,
        "other_member": world.other_mentee,
        "mentor": world.mentor.user,
        "other_mentor": world.other_mentor.user,
        "organiser": world.organiser,
        "other_organiser": world.personas.other_organiser,
        "admin": world.personas.admin,
        "nominee": nominee,
    }
    return {
        "world": world,
        "ms": ms,
        "other": other,
        "report": report,
        "request": request,
        "review": review,
        "nomination": nomination,
        "users": users,
    }


def client_for(scene, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(scene["users"][persona])
    return client


def url(scene, name: str) -> str:
    slug = scene["world"].program.slug
    kwargs: dict[str, object] = {"slug": slug}
    if name in ("mentorship-detail", "report-create", "goal-create", "manage-mentorship"):
        kwargs["mentorship_id"] = scene["ms"].pk
    if name == "report-detail":
        kwargs["report_id"] = scene["report"].pk
    if name == "review-edit":
        kwargs["review_id"] = scene["review"].pk
    if name == "nomination-detail":
        kwargs["nomination_id"] = scene["nomination"].pk
    return reverse(f"mentorship:{name}", kwargs=kwargs)


#            anon outs memb othm mntr othr org  oorg admin
TABLE = {
    "program": [302, 200, 200, 200, 200, 200, 200, 200, 200],
    "apply": [302, 200, 200, 200, 200, 200, 200, 200, 200],
    "mentor-list": [302, 403, 200, 200, 200, 200, 200, 403, 200],
    "nominate": [302, 200, 200, 200, 200, 200, 200, 200, 200],
    "nomination-detail": [302, 404, 404, 404, 200, 200, 200, 404, 200],
    "mentor-dashboard": [302, 403, 403, 403, 200, 200, 403, 403, 403],
    "mentor-profile": [302, 403, 403, 403, 200, 200, 403, 403, 403],
    "mentorship-detail": [302, 404, 200, 404, 200, 404, 404, 404, 404],
    "report-create": [302, 404, 200, 404, 403, 404, 404, 404, 404],
    "goal-create": [302, 404, 200, 404, 404, 404, 404, 404, 404],
    "report-detail": [302, 404, 200, 404, 200, 404, 404, 404, 404],
    "review-list": [302, 200, 200, 200, 200, 200, 200, 200, 200],
    "review-edit": [302, 404, 200, 404, 404, 404, 404, 404, 404],
    "manage": [302, 403, 403, 403, 403, 403, 200, 403, 200],
    "manage-assign": [302, 403, 403, 403, 403, 403, 200, 403, 200],
    "manage-auto-assign": [302, 403, 403, 403, 403, 403, 200, 403, 200],
    "manage-mentorship": [302, 403, 403, 403, 403, 403, 200, 403, 200],
    "manage-reviews": [302, 403, 403, 403, 403, 403, 200, 403, 200],
    "manage-requests": [302, 403, 403, 403, 403, 403, 200, 403, 200],
    "manage-settings": [302, 403, 403, 403, 403, 403, 200, 403, 200],
}
CASES = [
    (name, persona, codes[i]) for name, codes in TABLE.items() for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("name", "persona", "expected"), CASES)
def test_get_permissions(scene, name, persona, expected):
    response = client_for(scene, persona).get(url(scene, name))
    assert response.status_code == expected


def test_every_url_is_in_the_table():
    from peerly.mentorship.urls import urlpatterns

    # action-add (agreed actions) has its persona table in tests/growth/test_actions.py
    posts_only = {"mentorship-action", "request-decide", "mentor-resign", "action-add"}
    assert {p.name for p in urlpatterns} - posts_only == set(TABLE)


POST_ACTIONS = ["accept", "graduate", "end", "change", "recognise", "request", "goals"]


@pytest.mark.parametrize(
    "persona", ["outsider", "other_member", "other_mentor", "organiser", "other_organiser", "admin"]
)
@pytest.mark.parametrize("action", POST_ACTIONS)
def test_strangers_cannot_act_on_a_mentorship(scene, persona, action):
    ms = scene["ms"]
    target = reverse(
        "mentorship:mentorship-action",
        kwargs={"slug": ms.program.slug, "mentorship_id": ms.pk, "action": action},
    )
    response = client_for(scene, persona).post(
        target, {"reason": "x", "note": "x", "goals": "x", "kind": "leader"}
    )
    assert response.status_code == 404
    ms.refresh_from_db()
    assert ms.status == "active" and ms.goals == "Learn Python"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("member", 403), ("other_mentor", 404), ("organiser", 404), ("mentor", 302)],
)
def test_request_decide_permissions(scene, persona, expected):
    request = scene["request"]
    target = reverse(
        "mentorship:request-decide",
        kwargs={"slug": scene["world"].program.slug, "request_id": request.pk},
    )
    response = client_for(scene, persona).post(target, {"decision": "validate"})
    assert response.status_code == expected
    request.refresh_from_db()
    assert request.status == ("validated" if persona == "mentor" else "pending")


def test_organiser_pages_never_show_private_text(scene):
    client = client_for(scene, "organiser")
    for name in ("manage", "manage-mentorship", "manage-requests", "manage-reviews"):
        body = client.get(url(scene, name)).content.decode()
        assert "Secret report text" not in body
        assert "Venue" not in body


def test_mentor_dashboard_lists_only_own_mentees(scene):
    body = client_for(scene, "mentor").get(url(scene, "mentor-dashboard")).content.decode()
    assert scene["ms"].mentee.name in body
    assert scene["other"].mentee.name not in body


def test_nomination_visible_to_nominee(scene):
    response = client_for(scene, "nominee").get(url(scene, "nomination-detail"))
    assert response.status_code == 200
    assert MentorNomination.objects.count() == 1


# ------------------------------------------------------- profile field visibility ("Only me")
def test_only_me_fields_never_reach_mentors_mentees_organisers_or_emails(
    world, django_capture_on_commit_callbacks
):
    """Mentor and mentee hide every field (and share a hidden language): the mentor list, the
    organiser's suggestions, the mentorship page and the emails show none of it."""
    from django.core import mail

    from tests.privacy import MINE
    from tests.privacy import THEIRS
    from tests.privacy import hide_everything
    from tests.privacy import leaks

    hide_everything(world.mentor.user, secret=MINE)
    hide_everything(world.mentee, secret=THEIRS)
    slug = world.program.slug

    def get(user, name, **kwargs):  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        response = client.get(reverse(f"mentorship:{name}", kwargs={"slug": slug, **kwargs}))
        assert response.status_code == 200, name
        return response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        ms = world.apply()
        assert leaks(get(world.mentee, "mentor-list"), MINE) == []
        assert leaks(get(world.organiser, "manage-assign"), MINE, THEIRS) == []
        assert leaks(get(world.organiser, "manage"), MINE, THEIRS) == []
        ms = services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)
        ms = services.accept_application(actor=world.mentor.user, mentorship=ms)
    assert leaks(get(world.mentee, "mentorship-detail", mentorship_id=ms.pk), MINE) == []
    assert leaks(get(world.mentor.user, "mentorship-detail", mentorship_id=ms.pk), THEIRS) == []
    assert leaks(get(world.organiser, "manage-mentorship", mentorship_id=ms.pk), MINE, THEIRS) == []
    assert mail.outbox
    for message in mail.outbox:
        bodies = [message.body] + [alt[0] for alt in getattr(message, "alternatives", [])]
        hidden = {world.mentee.email: (MINE,), world.mentor.user.email: (THEIRS,)}
        assert leaks(" ".join(bodies), *hidden.get(message.to[0], (MINE, THEIRS))) == []
