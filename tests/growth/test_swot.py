"""SWOT versions (issue 13): the owner's only, the newest is the current one and the only one
that can be edited, new versions copy the current one forward, two versions compare side by
side; a version shared with the mentor or circle is read-only for them and nobody else."""

from __future__ import annotations

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
from peerly.growth.models import Share
from peerly.growth.models import Swot
from tests.mentorship.conftest import World

SECRET = "ZZSWOT-4412 calm in a crisis"
pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(personas):  # type: ignore[no-untyped-def]
    """Last year's version and this year's (started from it, then changed)."""
    old = plans.create_swot(
        owner=personas.member,
        label="2025",
        strengths=f"{SECRET}\nwriting",
        weaknesses="saying no",
        threats="reorganisation",
    )
    new = plans.create_swot(owner=personas.member, label="2026")
    plans.update_swot(
        swot=new, actor=personas.member, strengths="writing\npublic speaking", threats=""
    )
    return old, Swot.objects.get(pk=new.pk)


# ----------------------------------------------------------------------------- services
def test_a_new_version_copies_the_current_one_and_the_old_one_stays(personas, versions) -> None:
    old, new = versions
    old.refresh_from_db()
    assert (old.strengths, old.weaknesses, old.threats) == (
        f"{SECRET}\nwriting",
        "saying no",
        "reorganisation",
    )
    assert (new.strengths, new.weaknesses, new.threats) == (
        "writing\npublic speaking",
        "saying no",
        "",
    )
    assert plans.current_swot_of(personas.member) == new
    with pytest.raises(ServiceError):  # earlier versions are kept as they were
        plans.update_swot(swot=old, actor=personas.member, strengths="rewritten")
    old.refresh_from_db()
    assert "rewritten" not in old.strengths


def test_lines_are_one_item_each_blank_and_repeated_ones_dropped(personas) -> None:
    swot = plans.create_swot(
        owner=personas.member, label=" 2026 ", strengths="  a \n\n A\nb  c\n", weaknesses=None
    )
    assert (swot.label, swot.strengths, swot.weaknesses) == ("2026", "a\nb c", "")
    assert plans.lines_of("x\r\ny\n\nx") == ["x", "y"]


def test_the_same_label_twice_makes_one_version(personas, versions) -> None:
    with pytest.raises(ServiceError) as refused:
        plans.create_swot(owner=personas.member, label="2026")
    assert refused.value.field == "label"
    assert Swot.objects.filter(owner=personas.member).count() == 2
    other = plans.create_swot(owner=personas.other_member, label="2026")  # their own: fine
    assert other.owner == personas.other_member


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"label": "  "}, "label"),
        ({"label": "2025"}, "label"),  # the other version's name
        ({"strengths": "\n".join(f"item {i}" for i in range(51))}, "strengths"),
        ({"threats": "x" * 301}, "threats"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(personas, versions, changes, field) -> None:
    _old, new = versions
    with pytest.raises(ServiceError) as refused:
        plans.update_swot(swot=new, actor=personas.member, **changes)
    assert refused.value.field == field
    assert Swot.objects.get(pk=new.pk).label == "2026"
    assert Swot.objects.get(pk=new.pk).strengths == "writing\npublic speaking"


def test_saving_unchanged_is_not_audited_and_audit_rows_hold_no_text(personas, versions) -> None:
    _old, new = versions
    before = AuditEvent.objects.count()
    plans.update_swot(swot=new, actor=personas.member, strengths="writing\npublic speaking")
    assert AuditEvent.objects.count() == before
    rows = AuditEvent.objects.filter(action__startswith="growth.swot")
    assert sorted(rows.values_list("action", flat=True)) == [
        "growth.swot_created",
        "growth.swot_updated",
        "growth.swot_version_started",
    ]
    assert not rows.filter(program_id__isnull=False).exists()
    dumped = " ".join(f"{r.reason} {r.data} {r}" for r in rows)
    assert "ZZSWOT" not in dumped
    assert "public speaking" not in dumped


def test_only_the_owner_changes_or_deletes_a_version(personas, versions) -> None:
    _old, new = versions
    for other in (personas.other_member, personas.organiser, personas.admin):
        with pytest.raises(PermissionDenied):
            plans.update_swot(swot=new, actor=other, strengths="hijacked")
        with pytest.raises(PermissionDenied):
            plans.delete_swot(swot=new, actor=other)
    assert Swot.objects.get(pk=new.pk).strengths == "writing\npublic speaking"


def test_deleting_the_current_version_makes_the_one_before_current(personas, versions) -> None:
    old, new = versions
    plans.delete_swot(swot=new, actor=personas.member)
    assert plans.current_swot_of(personas.member) == old
    assert AuditEvent.objects.filter(action="growth.swot_deleted").count() == 1


# ----------------------------------------------------------------------------- pages
def test_the_owner_writes_compares_and_starts_versions(personas) -> None:
    client = personas.client("member")
    empty = client.get(reverse("growth:swot"))
    assert empty.status_code == 200
    assert "Write my first SWOT" in empty.content.decode()
    response = client.post(
        reverse("growth:swot-create"),
        {"label": "2025", "strengths": "writing\nlistening", "weaknesses": "saying no"},
    )
    assert response.status_code == 302
    page = client.get(reverse("growth:swot")).content.decode()
    assert 'class="swot-grid"' in page
    assert "listening" in page
    assert "Current version" in page
    # a new version: its name only, the lists copied forward
    form = client.get(reverse("growth:swot-create")).content.decode()
    assert 'name="strengths"' not in form
    assert "starts as a copy of “2025”" in form
    assert client.post(reverse("growth:swot-create"), {"label": "2026"}).status_code == 302
    old, new = Swot.objects.filter(owner=personas.member).order_by("id")
    assert new.strengths == "writing\nlistening"
    edit = reverse("growth:swot-edit", kwargs={"swot_id": new.pk})
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"label": "2026", "strengths": "writing\nspeaking"})
    assert response.status_code == 302
    # the earlier version cannot be edited any more
    response = client.get(reverse("growth:swot-edit", kwargs={"swot_id": old.pk}))
    assert response.status_code == 302
    old_page = client.get(reverse("growth:swot-detail", kwargs={"swot_id": old.pk}))
    assert "Earlier version, kept as it was" in old_page.content.decode()
    versions = client.get(reverse("growth:swot-versions")).content.decode()
    assert "2025" in versions
    assert "2026" in versions
    compared = client.get(reverse("growth:swot-compare") + f"?a={new.pk}&b={old.pk}")
    html = compared.content.decode()
    assert compared.status_code == 200
    assert '<li class="removed">listening' in html  # in 2025 only
    assert '<li class="added">speaking' in html  # new in 2026
    assert "<li>writing</li>" in html  # in both
    assert html.index('<h3 class="small">2025') < html.index('<h3 class="small">2026')


@pytest.mark.parametrize("query", ["", "?a=abc&b=1", "?a=1", "?a=5&b=5", "?a=99999999999999&b=1"])
def test_a_bad_comparison_asks_for_two_versions(personas, versions, query) -> None:
    response = personas.client("member").get(reverse("growth:swot-compare") + query)
    assert response.status_code == 200
    assert "Choose two different versions to compare." in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"label": ""},
        {"label": "x" * 101},
        {"label": "2026", "strengths": "\n".join(f"s{i}" for i in range(51))},
        {"label": "2026", "weaknesses": "w" * 301},
    ],
)
def test_a_bad_first_version_says_what_is_wrong_and_saves_nothing(personas, data) -> None:
    response = personas.client("member").post(reverse("growth:swot-create"), data)
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Swot.objects.exists()


def _urls(old: Swot, new: Swot) -> list[tuple[str, str, dict[str, str]]]:
    s = {"swot_id": str(new.pk)}
    return [
        ("get", reverse("growth:swot-detail", kwargs=s), {}),
        ("get", reverse("growth:swot-detail", kwargs={"swot_id": str(old.pk)}), {}),
        ("get", reverse("growth:swot-edit", kwargs=s), {}),
        ("post", reverse("growth:swot-edit", kwargs=s), {"label": "hijacked"}),
        ("post", reverse("growth:swot-delete", kwargs=s), {}),
        ("post", reverse("growth:swot-share", kwargs=s), {"audience": "circle:1"}),
        ("post", reverse("growth:swot-withdraw", kwargs={**s, "share_id": "1"}), {}),
        ("get", reverse("growth:swot-compare") + f"?a={old.pk}&b={new.pk}", {}),
        ("get", reverse("growth:shared-swot", kwargs=s), {}),
    ]


def _state(owner) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    return list(Swot.objects.filter(owner=owner).values_list("label", *Swot.LISTS))


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
def test_nobody_but_the_owner_reaches_a_version(personas, versions, persona, expected) -> None:
    old, new = versions
    client = personas.client(persona)
    before = _state(personas.member)
    for method, url, data in _urls(old, new):
        response = getattr(client, method)(url, data)
        assert response.status_code == expected, (persona, method, url)
        assert SECRET not in response.content.decode()
    # the pages without an id show the visitor's own SWOT (none), never the owner's
    for url in ("growth:swot", "growth:swot-versions", "growth:swot-create"):
        response = client.get(reverse(url))
        assert response.status_code in (200, 302)
        assert SECRET not in response.content.decode()
        assert "2025" not in response.content.decode()
    assert _state(personas.member) == before
    assert not Share.objects.exists()


def test_the_versions_list_runs_the_same_queries_for_3_and_30_versions(
    personas, django_assert_max_num_queries
) -> None:
    client = personas.client("member")
    for i in range(3):
        plans.create_swot(owner=personas.member, label=f"v{i}")
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("growth:swot-versions")).status_code == 200
    for i in range(3, 30):
        plans.create_swot(owner=personas.member, label=f"v{i}")
    with django_assert_max_num_queries(len(small)):
        assert "v29" in client.get(reverse("growth:swot-versions")).content.decode()


# ----------------------------------------------------------------------------- sharing
def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_version_shared_with_the_mentor_is_theirs_to_read_only(world: World, reach) -> None:
    ms = reach("active")
    swot = plans.create_swot(owner=world.mentee, label="2026", strengths=SECRET)
    mine = _login(world.mentee)
    page = mine.get(reverse("growth:swot-detail", kwargs={"swot_id": swot.pk})).content.decode()
    assert f'value="mentorship:{ms.pk}"' in page
    response = mine.post(
        reverse("growth:swot-share", kwargs={"swot_id": swot.pk}),
        {"audience": f"mentorship:{ms.pk}"},
    )
    assert response.status_code == 302
    share = Share.objects.get(swot=swot)
    ms_url = reverse(
        "mentorship:mentorship-detail", kwargs={"slug": world.program.slug, "mentorship_id": ms.pk}
    )
    shared_url = reverse("growth:shared-swot", kwargs={"swot_id": swot.pk})
    mentor = _login(world.mentor.user)
    ms_page = mentor.get(ms_url).content.decode()
    assert "Shared SWOT" in ms_page
    assert shared_url in ms_page
    shown = mentor.get(shared_url)
    assert shown.status_code == 200
    assert SECRET in shown.content.decode()
    assert mentor.get(reverse("growth:swot-detail", kwargs={"swot_id": swot.pk})).status_code == 404
    for user in (
        world.other_mentor.user,
        world.other_mentee,
        world.organiser,
        world.personas.admin,
    ):
        client = _login(user)
        assert client.get(shared_url).status_code == 404
        assert SECRET not in client.get(ms_url).content.decode()
    assert Client().get(shared_url).status_code == 302
    # the owner stops sharing: gone for the mentor too
    withdraw = reverse("growth:swot-withdraw", kwargs={"swot_id": swot.pk, "share_id": share.pk})
    assert mine.post(withdraw).status_code == 302
    assert not Share.objects.exists()
    assert mentor.get(shared_url).status_code == 404
    assert "Shared SWOT" not in mentor.get(ms_url).content.decode()


def test_an_audience_that_is_not_the_owners_is_refused(world: World, reach) -> None:
    reach("active")
    other = reach("active", user=world.other_mentee, mentor=world.other_mentor)
    swot = plans.create_swot(owner=world.mentee, label="2026")
    response = _login(world.mentee).post(
        reverse("growth:swot-share", kwargs={"swot_id": swot.pk}),
        {"audience": f"mentorship:{other.pk}"},
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not Share.objects.exists()
    assert services.audiences_for(world.mentee)  # the member's own is still offered


def test_a_version_shared_with_the_circle_is_on_the_circle_page(
    add_members, publish, program, organiser
) -> None:
    add_members(6)
    first, second = publish().circles.order_by("number")
    owner, *mates = [m.user for m in first.memberships.select_related("user")]
    stranger = second.memberships.select_related("user").first().user
    swot = plans.create_swot(owner=owner, label=SECRET)
    audience = next(a for a in services.audiences_for(owner) if a.circle == first)
    services.share(subject=swot, actor=owner, audience=audience)
    circle_url = reverse("circles:circle", kwargs={"slug": program.slug, "circle_id": first.pk})
    shared_url = reverse("growth:shared-swot", kwargs={"swot_id": swot.pk})
    for mate in mates:
        assert SECRET in _login(mate).get(circle_url).content.decode()
        assert _login(mate).get(shared_url).status_code == 200
    assert _login(stranger).get(shared_url).status_code == 404
    assert _login(organiser).get(shared_url).status_code == 404
    assert SECRET not in _login(organiser).get(circle_url).content.decode()
