"""The programme navigation marks the page you are on (issue 20)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from peerly.programs import kinds
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ORGANISER_NAV = {
    "programs:manage": "Members",
    "programs:manage-approvals": "Approvals",
    "programs:manage-invitations": "Invitations",
    "programs:manage-import": "Import CSV",
    "programs:edit": "Design",
}


def _current(page: str, label: str) -> list[str]:
    return re.findall(rf'<nav aria-label="{label}"[^>]*>(.*?)</nav>', page, re.S)


@pytest.mark.parametrize(("view", "label"), ORGANISER_NAV.items())
def test_organiser_nav_marks_the_current_page(client, view, label):  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = ProgramFactory(organisers=[organiser], slug="club")
    client.force_login(organiser)
    page = client.get(reverse(view, args=[program.slug])).content.decode()
    (nav,) = _current(page, "Organiser")
    marked = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', nav)
    assert marked == [label]


@pytest.mark.parametrize("code", ["coffee", "circle", "mentorship"])
def test_kind_nav_marks_exactly_the_current_page(client, code):  # type: ignore[no-untyped-def]
    from peerly.programs.services import create_program

    organiser = UserFactory(is_superuser=True, is_staff=True)
    program = create_program(
        actor=organiser,
        values={"kind": code, "name": "Nav", "slug": f"nav-{code}", "status": "active"},
    )
    client.force_login(organiser)
    kind = kinds.get(code)
    assert kind is not None
    items = kind.nav_items(program, user=organiser, is_organiser=True)
    for item in items:
        response = client.get(item.url)
        if response.status_code != 200:
            continue
        page = response.content.decode()
        marked = re.findall(r'<a [^>]*href="([^"]*)"[^>]*aria-current="page"', page)
        assert item.url in marked, (item.label, marked)


def test_the_current_tab_is_styled():
    from pathlib import Path

    import peerly

    css = (Path(peerly.__file__).parent / "static/peerly/peerly.css").read_text()
    assert '.btn[aria-current="page"]' in css
