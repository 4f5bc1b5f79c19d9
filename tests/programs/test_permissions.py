"""Every foundation view and endpoint × every persona: the expected status code."""

import pytest
from django.urls import reverse

from peerly.programs.models import EnrollmentStatus, ProgramStatus
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

LOGIN = 302  # anonymous users are sent to the login page

# (url name, kwargs key, method) -> {persona: status}
TABLE = [
    (
        "core:home",
        None,
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 200,
            "member": 200,
            "other_organizer": 200,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:list",
        None,
        "get",
        {"anonymous": LOGIN, "outsider": 200, "member": 200, "organizer": 200, "admin": 200},
    ),
    (
        "programs:detail",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 200,
            "member": 200,
            "other_organizer": 200,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:edit",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:manage",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:manage-approvals",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:manage-invitations",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:manage-import",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:manage-export",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    (
        "programs:create",
        None,
        "get",
        {"anonymous": LOGIN, "outsider": 403, "member": 403, "organizer": 403, "admin": 200},
    ),
    ("accounts:profile", None, "get", {"anonymous": LOGIN, "outsider": 200, "member": 200}),
    ("accounts:profile-edit", None, "get", {"anonymous": LOGIN, "member": 200}),
    ("accounts:availability", None, "get", {"anonymous": LOGIN, "member": 200}),
    ("accounts:do-not-pair", None, "get", {"anonymous": LOGIN, "member": 200}),
    ("accounts:pause", None, "get", {"anonymous": LOGIN, "member": 200}),
    (
        "accounts:member",
        "member_id",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 404,
            "member": 200,
            "other_organizer": 404,
            "organizer": 200,
        },
    ),
    (
        "api:list_programs",
        None,
        "get",
        {"anonymous": 401, "outsider": 200, "member": 200, "organizer": 200},
    ),
    (
        "api:get_program",
        "slug",
        "get",
        {"anonymous": 401, "outsider": 200, "member": 200, "organizer": 200},
    ),
    (
        "api:list_members",
        "slug",
        "get",
        {
            "anonymous": 401,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 200,
            "admin": 200,
        },
    ),
    ("api:me", None, "get", {"anonymous": 401, "member": 200}),
]


def _cases():
    for name, kwarg, method, expected in TABLE:
        for persona, status in expected.items():
            yield pytest.param(name, kwarg, method, persona, status, id=f"{name}-{persona}")


@pytest.mark.parametrize(("name", "kwarg", "method", "persona", "status"), list(_cases()))
def test_permission_table(personas, name, kwarg, method, persona, status):
    kwargs = {}
    if kwarg == "slug":
        kwargs = {"slug": personas.program.slug}
    elif kwarg == "member_id":
        kwargs = {"user_id": personas.member.pk}
    response = getattr(personas.client(persona), method)(reverse(name, kwargs=kwargs))
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["outsider", "member", "other_organizer"])
def test_draft_programmes_are_hidden(personas, persona):
    personas.program.status = ProgramStatus.DRAFT
    personas.program.save()
    client = personas.client(persona)
    expected = 404
    assert client.get(reverse("programs:detail", args=[personas.program.slug])).status_code == (
        expected
    )
    listing = client.get(reverse("programs:list")).content.decode()
    assert personas.program.name not in listing


@pytest.mark.parametrize(
    ("persona", "action", "status"),
    [
        ("outsider", "approve", 403),
        ("member", "approve", 403),
        ("other_organizer", "approve", 403),
        ("organizer", "approve", 302),
        ("anonymous", "approve", 302),
    ],
)
def test_only_organisers_decide(personas, persona, action, status):
    pending = EnrollmentFactory(program=personas.program, status=EnrollmentStatus.APPLIED)
    url = reverse("programs:manage-decide", args=[personas.program.slug, pending.pk, action])
    response = personas.client(persona).post(url)
    assert response.status_code == status
    pending.refresh_from_db()
    assert (pending.status == EnrollmentStatus.ACTIVE) is (persona == "organizer")


def test_organiser_of_other_programme_cannot_decide_here_via_own_slug(personas):
    """An enrolment id from another programme is not reachable through your programme's URL."""
    pending = EnrollmentFactory(program=personas.program, status=EnrollmentStatus.APPLIED)
    url = reverse(
        "programs:manage-decide", args=[personas.other_program.slug, pending.pk, "approve"]
    )
    assert personas.client("other_organizer").post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.status == EnrollmentStatus.APPLIED


def test_members_list_never_shows_private_do_not_pair(personas):
    from peerly.accounts.models import DoNotPair

    DoNotPair.objects.create(owner=personas.member, other=personas.other_member)
    page = (
        personas.client("organizer")
        .get(reverse("programs:manage", args=[personas.program.slug]))
        .content.decode()
    )
    assert "do-not-pair" not in page.lower()
    api = (
        personas.client("organizer")
        .get(reverse("api:list_members", args=[personas.program.slug]))
        .json()
    )
    assert all(
        set(row)
        == {"user_id", "email", "display_name", "team", "timezone", "role", "status", "joined_at"}
        for row in api
    )


def test_list_pages_have_bounded_queries(personas, django_assert_max_num_queries):
    for _ in range(30):
        EnrollmentFactory(program=personas.program)
    organiser = personas.client("organizer")
    member = personas.client("member")
    with django_assert_max_num_queries(12):
        assert (
            organiser.get(reverse("programs:manage", args=[personas.program.slug])).status_code
            == 200
        )
    with django_assert_max_num_queries(8):
        assert member.get(reverse("programs:list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            organiser.get(reverse("api:list_members", args=[personas.program.slug])).status_code
            == 200
        )
    with django_assert_max_num_queries(8):
        assert member.get(reverse("api:list_programs")).status_code == 200


POSTS = [
    # (url name, args builder, data, {persona: status})
    (
        "programs:question-add",
        lambda p: [p.slug],
        {"question-label": "Why?", "question-kind": "text"},
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 302,
        },
    ),
    (
        "programs:membership",
        lambda p: [p.slug, "pause"],
        {},
        {"anonymous": 302, "outsider": 403, "other_organizer": 403, "member": 302},
    ),
    (
        "programs:manage-invitations",
        lambda p: [p.slug],
        {"emails": "new@example.org"},
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "other_organizer": 403,
            "organizer": 302,
        },
    ),
    (
        "programs:edit",
        lambda p: [p.slug],
        {"name": "Hijacked"},
        {"anonymous": 302, "outsider": 403, "member": 403, "other_organizer": 403},
    ),
]


def _post_cases():
    for name, args, data, expected in POSTS:
        for persona, status in expected.items():
            yield pytest.param(name, args, data, persona, status, id=f"{name}-{persona}")


@pytest.mark.parametrize(("name", "args", "data", "persona", "status"), list(_post_cases()))
def test_post_permission_table(personas, name, args, data, persona, status):
    from peerly.programs.models import Invitation, Program, SignupQuestion

    response = personas.client(persona).post(reverse(name, args=args(personas.program)), data)
    assert response.status_code == status
    if status in (403, 302) and persona != "organizer" and persona != "member":
        assert not SignupQuestion.objects.exists()
        assert not Invitation.objects.exists()
        assert Program.objects.get(pk=personas.program.pk).name != "Hijacked"
