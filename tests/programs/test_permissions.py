"""Every foundation view and endpoint × every persona: the expected status code."""

import pytest
from django.urls import reverse

from peerly.accounts.models import Visibility
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import ProgramStatus
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory
from tests.privacy import HIDDEN_TZ
from tests.privacy import MARK
from tests.privacy import hide_everything
from tests.privacy import leaks

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
            "other_organiser": 200,
            "organiser": 200,
            "admin": 200,
        },
    ),
    (
        "programs:list",
        None,
        "get",
        {"anonymous": LOGIN, "outsider": 200, "member": 200, "organiser": 200, "admin": 200},
    ),
    (
        "programs:detail",
        "slug",
        "get",
        {
            "anonymous": LOGIN,
            "outsider": 200,
            "member": 200,
            "other_organiser": 200,
            "organiser": 200,
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
            "other_organiser": 403,
            "organiser": 200,
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
            "other_organiser": 403,
            "organiser": 200,
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
            "other_organiser": 403,
            "organiser": 200,
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
            "other_organiser": 403,
            "organiser": 200,
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
            "other_organiser": 403,
            "organiser": 200,
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
            "other_organiser": 403,
            "organiser": 200,
            "admin": 200,
        },
    ),
    (
        "programs:create",
        None,
        "get",
        {"anonymous": LOGIN, "outsider": 403, "member": 403, "organiser": 403, "admin": 200},
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
            "other_organiser": 404,
            "organiser": 200,
        },
    ),
    (
        "api:list_programs",
        None,
        "get",
        {"anonymous": 401, "outsider": 200, "member": 200, "organiser": 200},
    ),
    (
        "api:get_program",
        "slug",
        "get",
        {"anonymous": 401, "outsider": 200, "member": 200, "organiser": 200},
    ),
    (
        "api:list_members",
        "slug",
        "get",
        {
            "anonymous": 401,
            "outsider": 403,
            "member": 403,
            "other_organiser": 403,
            "organiser": 200,
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


@pytest.mark.parametrize("persona", ["outsider", "member", "other_organiser"])
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
        ("other_organiser", "approve", 403),
        ("organiser", "approve", 302),
        ("anonymous", "approve", 302),
    ],
)
def test_only_organisers_decide(personas, persona, action, status):
    pending = EnrollmentFactory(program=personas.program, status=EnrollmentStatus.APPLIED)
    url = reverse("programs:manage-decide", args=[personas.program.slug, pending.pk, action])
    response = personas.client(persona).post(url)
    assert response.status_code == status
    pending.refresh_from_db()
    assert (pending.status == EnrollmentStatus.ACTIVE) is (persona == "organiser")


def test_organiser_of_other_programme_cannot_decide_here_via_own_slug(personas):
    """An enrolment id from another programme is not reachable through your programme's URL."""
    pending = EnrollmentFactory(program=personas.program, status=EnrollmentStatus.APPLIED)
    url = reverse(
        "programs:manage-decide", args=[personas.other_program.slug, pending.pk, "approve"]
    )
    assert personas.client("other_organiser").post(url).status_code == 404
    pending.refresh_from_db()
    assert pending.status == EnrollmentStatus.APPLIED


def test_members_list_never_shows_private_do_not_pair(personas):
    from peerly.accounts.models import DoNotPair

    DoNotPair.objects.create(owner=personas.member, other=personas.other_member)
    page = (
        personas.client("organiser")
        .get(reverse("programs:manage", args=[personas.program.slug]))
        .content.decode()
    )
    assert "do-not-pair" not in page.lower()
    api = (
        personas.client("organiser")
        .get(reverse("api:list_members", args=[personas.program.slug]))
        .json()["items"]
    )
    assert all(
        set(row)
        == {"user_id", "email", "display_name", "team", "timezone", "role", "status", "joined_at"}
        for row in api
    )


def test_list_pages_have_bounded_queries(personas, django_assert_max_num_queries):
    for _ in range(30):
        EnrollmentFactory(program=personas.program)
    organiser = personas.client("organiser")
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
            "other_organiser": 403,
            "organiser": 302,
        },
    ),
    (
        "programs:membership",
        lambda p: [p.slug, "pause"],
        {},
        {"anonymous": 302, "outsider": 403, "other_organiser": 403, "member": 302},
    ),
    (
        "programs:manage-invitations",
        lambda p: [p.slug],
        {"emails": "new@example.org"},
        {
            "anonymous": 302,
            "outsider": 403,
            "member": 403,
            "other_organiser": 403,
            "organiser": 302,
        },
    ),
    (
        "programs:edit",
        lambda p: [p.slug],
        {"name": "Hijacked"},
        {"anonymous": 302, "outsider": 403, "member": 403, "other_organiser": 403},
    ),
]


def _post_cases():
    for name, args, data, expected in POSTS:
        for persona, status in expected.items():
            yield pytest.param(name, args, data, persona, status, id=f"{name}-{persona}")


@pytest.mark.parametrize(("name", "args", "data", "persona", "status"), list(_post_cases()))
def test_post_permission_table(personas, name, args, data, persona, status):
    from peerly.programs.models import Invitation
    from peerly.programs.models import Program
    from peerly.programs.models import SignupQuestion

    response = personas.client(persona).post(reverse(name, args=args(personas.program)), data)
    assert response.status_code == status
    if status in (403, 302) and persona != "organiser" and persona != "member":
        assert not SignupQuestion.objects.exists()
        assert not Invitation.objects.exists()
        assert Program.objects.get(pk=personas.program.pk).name != "Hijacked"


# ------------------------------------------------------- profile field visibility ("Only me")
def _fetch_cli_export(personas, fmt):  # type: ignore[no-untyped-def]
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("export_members", "--program", personas.program.slug, "--format", fmt, stdout=out)
    return out.getvalue()


def _admin_profile(personas, which):  # type: ignore[no-untyped-def]
    profile = personas.member.profile
    urls = {
        "change": reverse("admin:accounts_profile_change", args=[profile.pk]),
        "list": reverse("admin:accounts_profile_changelist"),
        "search": reverse("admin:accounts_profile_changelist") + f"?q={MARK}",
    }
    body = personas.client("admin").get(urls[which]).content.decode()
    assert (which != "search") or "0 profiles" in body
    return body.replace(MARK, "") if which == "search" else body  # the echoed search box


def _get(persona, name, query=""):  # type: ignore[no-untyped-def]
    def fetch(personas):  # type: ignore[no-untyped-def]
        kwargs = {"slug": personas.program.slug}
        if name == "accounts:member":
            kwargs = {"user_id": personas.member.pk}
        response = personas.client(persona).get(reverse(name, kwargs=kwargs) + query)
        assert response.status_code == 200
        body = response.getvalue().decode()  # the export streams
        return body.replace(f"q={MARK}", "").replace(f'value="{MARK}"', "")  # the echoed query

    return fetch


# (what, fetch) -> the text an organiser / other member / admin can get
HIDDEN_FIELD_ROWS = [
    ("manage-page", _get("organiser", "programs:manage")),
    ("manage-page-admin", _get("admin", "programs:manage")),
    ("manage-search", _get("organiser", "programs:manage", f"?q={MARK}")),
    ("manage-team-filter", _get("organiser", "programs:manage", f"?team={MARK}-team")),
    ("approvals", _get("organiser", "programs:manage-approvals")),
    ("export-csv", _get("organiser", "programs:manage-export")),
    ("api-members", _get("organiser", "api:list_members")),
    ("api-members-search", _get("organiser", "api:list_members", f"?q={MARK}")),
    ("profile-page-organiser", _get("organiser", "accounts:member")),
    ("profile-page-member", _get("other_member", "accounts:member")),
    ("cli-export-csv", lambda p: _fetch_cli_export(p, "csv")),
    ("cli-export-json", lambda p: _fetch_cli_export(p, "json")),
    ("admin-profile-change", lambda p: _admin_profile(p, "change")),
    ("admin-profile-list", lambda p: _admin_profile(p, "list")),
    ("admin-profile-search", lambda p: _admin_profile(p, "search")),
]


@pytest.mark.parametrize(
    ("what", "fetch"), HIDDEN_FIELD_ROWS, ids=[r[0] for r in HIDDEN_FIELD_ROWS]
)
def test_only_me_fields_never_reach_organisers_or_members(personas, what, fetch):
    hide_everything(personas.member)
    pending = UserFactory(display_name="Pat Pending")
    hide_everything(pending)
    EnrollmentFactory(program=personas.program, user=pending, status=EnrollmentStatus.APPLIED)
    assert leaks(fetch(personas)) == []


@pytest.mark.parametrize(
    ("what", "query"),
    [
        ("skill", f"{MARK}-skill"),
        ("interest", f"{MARK}-interest"),
        ("team", f"{MARK}-team"),
        ("python", "Python"),  # a hidden skill that is not unusual
    ],
)
def test_searching_for_a_hidden_value_does_not_find_the_member(personas, what, query):
    hide_everything(personas.member)
    organiser = personas.client("organiser")
    page = organiser.get(reverse("programs:manage", args=[personas.program.slug]), {"q": query})
    assert personas.member.name not in page.content.decode()
    api = organiser.get(reverse("api:list_members", args=[personas.program.slug]), {"q": query})
    assert personas.member.pk not in [row["user_id"] for row in api.json()["items"]]


def test_fields_shown_to_organisers_stay_visible_and_searchable(personas):
    """The other side of the rule: 'organisers' and 'programmes' fields are still shown."""
    hide_everything(personas.member, level=Visibility.ORGANISERS)
    organiser = personas.client("organiser")
    slug = personas.program.slug
    page = organiser.get(reverse("programs:manage", args=[slug]), {"q": f"{MARK}-skill"})
    assert personas.member.name in page.content.decode()
    assert f"{MARK}-team" in page.content.decode()
    api = organiser.get(reverse("api:list_members", args=[slug])).json()["items"]
    row = next(r for r in api if r["user_id"] == personas.member.pk)
    assert row["team"] == f"{MARK}-team"
    assert row["timezone"] == HIDDEN_TZ
    export = organiser.get(reverse("programs:manage-export", args=[slug])).getvalue().decode()
    assert f"{MARK}-team" in export and f"{MARK}-language" in export
    # ...but not to other members
    body = personas.client("other_member").get(
        reverse("accounts:member", args=[personas.member.pk])
    )
    assert leaks(body.content.decode()) == []


def test_api_members_reports_hidden_fields_as_null(personas):
    hide_everything(personas.member)
    api = (
        personas.client("organiser")
        .get(reverse("api:list_members", args=[personas.program.slug]))
        .json()["items"]
    )
    row = next(r for r in api if r["user_id"] == personas.member.pk)
    assert row["team"] is None and row["timezone"] is None


def test_admin_change_page_says_which_fields_are_hidden_and_saving_keeps_them(personas):
    hide_everything(personas.member)
    profile = personas.member.profile
    url = reverse("admin:accounts_profile_change", args=[profile.pk])
    admin = personas.client("admin")
    page = admin.get(url).content.decode()
    assert "Hidden by the member" in page
    response = admin.post(
        url,
        {
            "paused_until": "",
            "windows-TOTAL_FORMS": "0",
            "windows-INITIAL_FORMS": "0",
            "field_visibility": "{}",
        },
    )
    assert response.status_code in (200, 302)
    profile.refresh_from_db()
    assert profile.skills == f"{MARK}-skill, Python"
    assert profile.windows.count() == 6


def test_member_list_queries_do_not_grow_with_hidden_profiles(personas):
    def count(n):  # type: ignore[no-untyped-def]
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(n):
            user = UserFactory()
            hide_everything(user, level=Visibility.ORGANISERS)
            EnrollmentFactory(program=personas.program, user=user)
        organiser = personas.client("organiser")
        counts = []
        for name in ("programs:manage", "programs:manage-export", "api:list_members"):
            with CaptureQueriesContext(connection) as ctx:
                organiser.get(reverse(name, args=[personas.program.slug])).getvalue()
            counts.append(len(ctx.captured_queries))
        return counts

    small = count(1)
    big = count(20)
    assert all(b <= s + 1 for s, b in zip(small, big, strict=True)), (small, big)


# ------------------------------------------------------------------ CSV formula injection
@pytest.mark.parametrize("where", ["web", "cli"])
def test_member_exports_neutralise_formulas(personas, where):
    import csv
    import io

    from django.core.management import call_command

    personas.member.display_name = '=HYPERLINK("http://evil.example","click")'
    personas.member.save()
    personas.member.profile.team = "+cmd|' /C calc'!A0"
    personas.member.profile.languages = "@SUM(A1)"
    personas.member.profile.save()
    if where == "web":
        url = reverse("programs:manage-export", args=[personas.program.slug])
        text = personas.client("organiser").get(url).getvalue().decode()
    else:
        out = io.StringIO()
        call_command("export_members", "--program", personas.program.slug, stdout=out)
        text = out.getvalue()
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["email"] == personas.member.email)
    assert row["display_name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["team"] == "'+cmd|' /C calc'!A0"
    assert row["languages"] == "'@SUM(A1)"
