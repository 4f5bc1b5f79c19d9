"""Persona × page tables for every resource page, and the visibility rule (a programme-only
resource is invisible to non-members: in the list, in search, by direct URL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerly.resources import selectors
from peerly.resources.models import Resource
from peerly.resources.models import ResourceHelpful
from tests.resources.conftest import make

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "outsider", "member", "mentor", "other_organiser", "organiser", "admin")


def _row(*codes: int) -> dict[str, int]:
    return dict(zip(PERSONAS, codes, strict=True))


# page -> persona -> status (GET unless said)
TABLE = {
    "library": _row(302, 200, 200, 200, 200, 200, 200),
    "site_detail": _row(302, 200, 200, 200, 200, 200, 200),
    "program_detail": _row(302, 404, 200, 404, 404, 200, 200),
    "new": _row(302, 403, 403, 200, 200, 200, 200),
    "edit": _row(302, 404, 403, 404, 404, 200, 200),
    "usage": _row(302, 403, 403, 403, 200, 200, 200),
    "helpful": _row(302, 404, 302, 404, 404, 302, 302),  # POST
    "delete": _row(302, 404, 403, 404, 404, 302, 302),  # POST
}


@pytest.fixture
def resources(world):  # type: ignore[no-untyped-def]
    site = make(world.organiser, title="Site-wide guide", tags="coaching")
    prog = make(world.organiser, title="Secret programme guide", program=world.program)
    return site, prog


@pytest.mark.parametrize("page", TABLE)
@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_table(world, resources, page: str, persona: str) -> None:  # type: ignore[no-untyped-def]
    site, prog = resources
    urls = {
        "library": reverse("resources:library"),
        "site_detail": site.get_absolute_url(),
        "program_detail": prog.get_absolute_url(),
        "new": reverse("resources:new"),
        "edit": reverse("resources:edit", kwargs={"slug": prog.slug}),
        "usage": reverse("resources:usage"),
        "helpful": reverse("resources:helpful", kwargs={"slug": prog.slug}),
        "delete": reverse("resources:delete", kwargs={"slug": prog.slug}),
    }
    client = world.client(persona)
    post = page in ("helpful", "delete")
    response = client.post(urls[page]) if post else client.get(urls[page])
    assert response.status_code == TABLE[page][persona]
    if page == "helpful" and persona != "anonymous":
        marked = ResourceHelpful.objects.filter(resource=prog, user=world.get(persona)).exists()
        assert marked == (response.status_code == 302)
    if page == "delete":
        assert Resource.objects.filter(pk=prog.pk).exists() == (
            response.status_code != 302 or persona == "anonymous"
        )


@pytest.mark.parametrize("persona", ["outsider", "mentor", "other_organiser"])
def test_programme_only_resource_is_invisible_to_non_members(
    world, resources, persona: str
) -> None:  # type: ignore[no-untyped-def]
    client = world.client(persona)
    for query in ("", "?q=Secret", "?q=programme+guide", "?kind=guide"):
        body = client.get(reverse("resources:library") + query).content.decode()
        assert "Secret programme guide" not in body, query
    assert "Site-wide guide" in client.get(reverse("resources:library")).content.decode()


def test_members_find_their_programme_resource_by_search(world, resources) -> None:  # type: ignore[no-untyped-def]
    body = world.client("member").get(reverse("resources:library") + "?q=Secret").content.decode()
    assert "Secret programme guide" in body
    assert "Site-wide guide" not in body


def test_tag_filter_matches_whole_tags(world) -> None:  # type: ignore[no-untyped-def]
    make(world.organiser, title="Speaking", tags="public speaking, voice")
    make(world.organiser, title="Speakers", tags="public-speakingness")
    body = world.client("member").get(reverse("resources:library") + "?tag=Public+Speaking")
    text = body.content.decode()
    assert "Speaking" in text and "Speakers" not in text


@pytest.mark.parametrize(
    ("audience", "program", "seen_by"),
    [
        ("mentors", None, {"mentor", "other_organiser", "organiser", "admin"}),
        ("organisers", None, {"other_organiser", "organiser", "admin"}),
        ("mentors", "mprog", {"mentor", "other_organiser", "admin"}),
        ("organisers", "program", {"organiser", "admin"}),
        ("everyone", "program", {"member", "organiser", "admin"}),
    ],
)
def test_audiences(world, audience: str, program: str | None, seen_by: set[str]) -> None:  # type: ignore[no-untyped-def]
    author = world.admin
    resource = make(
        author,
        title="Aimed",
        audience=audience,
        program=getattr(world, program) if program else None,
    )
    for persona in PERSONAS[1:]:
        user = world.get(persona)
        status = world.client(persona).get(resource.get_absolute_url()).status_code
        assert (status == 200) == (persona in seen_by), persona
        listed = selectors.list_resources_for_user(user=user).filter(pk=resource.pk).exists()
        assert listed == (persona in seen_by), persona


def test_drafts_are_seen_by_their_editors_only(world) -> None:  # type: ignore[no-untyped-def]
    draft = make(world.mentor, title="Draft", is_published=False)
    assert world.client("member").get(draft.get_absolute_url()).status_code == 404
    assert world.client("mentor").get(draft.get_absolute_url()).status_code == 200
    assert world.client("admin").get(draft.get_absolute_url()).status_code == 200
    assert "Draft" not in world.client("member").get(reverse("resources:library")).content.decode()


def test_query_and_python_rules_agree(world) -> None:  # type: ignore[no-untyped-def]
    """`visible_q` (the list) and `Viewer.may_see` (one resource) are the same rule."""
    for audience in ("everyone", "mentors", "organisers"):
        for program in (None, world.program, world.mprog, world.other_program):
            for published in (True, False):
                make(world.admin, audience=audience, program=program, is_published=published)
    make(world.mentor, is_published=False)
    make(world.organiser, program=world.program, is_published=False)
    for persona in PERSONAS[1:]:
        viewer = selectors.viewer_for(world.get(persona))
        listed = set(
            Resource.objects.filter(selectors.visible_q(viewer)).values_list("pk", flat=True)
        )
        single = {r.pk for r in Resource.objects.all() if viewer.may_see(r)}
        assert listed == single, persona


def test_usage_shows_counts_only_and_hides_small_ones(world) -> None:  # type: ignore[no-untyped-def]
    from peerly.resources import services
    from tests.factories import EnrollmentFactory
    from tests.factories import UserFactory

    popular = make(world.organiser, title="Popular", program=world.program)
    quiet = make(world.organiser, title="Quiet", program=world.program)
    for _ in range(5):
        fan = UserFactory()
        EnrollmentFactory(program=world.program, user=fan)
        services.mark_helpful(user=fan, resource=popular)
    services.mark_helpful(user=world.member, resource=quiet)
    response = world.client("organiser").get(reverse("resources:usage"))
    rows = {row.resource.title: row for row in response.context["rows"]}
    assert rows["Popular"].helpful == 5
    assert rows["Quiet"].helpful is None
    assert world.member.name not in response.content.decode()
    other = world.client("other_organiser").get(reverse("resources:usage"))
    assert "Popular" not in other.content.decode()  # another programme's resource
