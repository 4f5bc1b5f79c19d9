"""The circles role guides are the library's first resources, editable per instance."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from peerly.programs.models import ProgramKind
from peerly.resources import selectors
from peerly.resources.models import Resource
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

SLUGS = ("coach", "note-taker", "feedback", "method")


def test_the_four_guides_exist_published_for_circles() -> None:
    guides = Resource.objects.filter(slug__in=SLUGS)
    assert sorted(g.slug for g in guides) == sorted(SLUGS)
    for guide in guides:
        assert guide.kind == "guide" and guide.is_published
        assert guide.kinds_served == ["circle"]
        assert guide.author is None
        assert guide.body_md.strip()
    coach = guides.get(slug="coach")
    assert "## Ask instead of telling" in coach.body_md
    assert "Which block, if removed, would help most?" in coach.body_md


@pytest.mark.parametrize("slug", SLUGS)
def test_every_member_reads_them(world, slug: str) -> None:  # type: ignore[no-untyped-def]
    response = world.client("member").get(reverse("resources:detail", kwargs={"slug": slug}))
    assert response.status_code == 200
    assert b"<h2>" in response.content or b"<ol>" in response.content


def test_a_site_admin_edits_a_guide(world) -> None:  # type: ignore[no-untyped-def]
    url = reverse("resources:edit", kwargs={"slug": "coach"})
    assert world.client("organiser").get(url).status_code == 403
    assert world.client("admin").get(url).status_code == 200
    response = world.client("admin").post(
        url,
        {
            "title": "Coach: our way",
            "kind": "guide",
            "body_md": "## Our way\n\nAsk one question at a time.",
            "tags": "coaching",
            "audience": "everyone",
            "kinds_served": ["circle"],
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    coach = Resource.objects.get(slug="coach")
    assert coach.title == "Coach: our way"
    page = world.client("member").get(coach.get_absolute_url()).content.decode()
    assert "<h2>Our way</h2>" in page


def test_the_circle_guide_template_renders_the_resource(world) -> None:  # type: ignore[no-untyped-def]
    """resources/circle_guide.html: what circles' guide view shows for an existing resource."""
    program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=3)
    EnrollmentFactory(program=program, user=world.member)
    guide = selectors.find_guide(user=world.member, slug="coach")
    assert guide is not None
    request = RequestFactory().get("/")
    request.user = world.member
    html = render_to_string(
        "resources/circle_guide.html",
        {
            "program": program,
            "title": guide.title,
            "guides": {"coach": "Coach"},
            "resource": guide,
            "body_html": selectors.body_html(guide),
        },
        request=request,
    )
    assert "<h2>Ask instead of telling</h2>" in html
    assert reverse("resources:detail", kwargs={"slug": "coach"}) in html
    Resource.objects.filter(slug="coach").update(is_published=False)
    assert selectors.find_guide(user=world.member, slug="coach") is None
