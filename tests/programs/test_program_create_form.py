"""Creating a programme: group size checked at the field with the kind's range, defaults that
follow the kind, a slug derived from the name (issue 20)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerly.programs.models import Program
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _form(**changes: str) -> dict[str, str]:
    form = {
        "kind": "coffee",
        "name": "Lunch Roulette",
        "slug": "lunch",
        "cadence": "monthly",
        "group_size": "2",
        "enrollment_mode": "open",
        "status": "draft",
    }
    form.update(changes)
    return form


def _field_block(page: str, name: str) -> str:
    """The `<div class="field">` that holds the input called `name`."""
    for block in page.split('<div class="field">')[1:]:
        if f'name="{name}"' in block:
            return block
    raise AssertionError(f"no field {name}")


@pytest.mark.parametrize(
    ("kind", "size", "allowed"),
    [
        ("coffee", "9", "2 to 4"),
        ("coffee", "1", "2 to 4"),
        ("circle", "6", "3 to 4"),
        ("circle", "2", "3 to 4"),
    ],
)
def test_a_bad_group_size_is_refused_at_the_field_with_the_allowed_range(
    admin_client, kind, size, allowed
):  # type: ignore[no-untyped-def]
    response = admin_client.post(
        reverse("programs:create"), _form(kind=kind, group_size=size, cadence="monthly")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Constraint" not in page
    assert "program_group_size" not in page
    block = _field_block(page, "group_size")
    assert "errorlist" in block and allowed in block
    assert page.split('<div class="field">')[0].count("errorlist") == 0  # nothing at the top
    assert not Program.objects.exists()


def test_the_form_states_each_kinds_range(admin_client):  # type: ignore[no-untyped-def]
    page = admin_client.get(reverse("programs:create")).content.decode()
    block = _field_block(page, "group_size")
    assert "2 to 4" in block and "3 to 4" in block


@pytest.mark.parametrize(("kind", "default"), [("coffee", 2), ("circle", 3)])
def test_a_blank_group_size_takes_the_kinds_default(admin_client, kind, default):  # type: ignore[no-untyped-def]
    response = admin_client.post(reverse("programs:create"), _form(kind=kind, group_size=""))
    assert response.status_code == 302, response.content.decode()
    assert Program.objects.get(slug="lunch").group_size == default


def test_a_blank_slug_is_derived_from_the_name_and_unique(admin_client):  # type: ignore[no-untyped-def]
    ProgramFactory(slug="lunch-roulette")
    response = admin_client.post(reverse("programs:create"), _form(slug=""))
    assert response.status_code == 302, response.content.decode()
    created = Program.objects.get(name="Lunch Roulette")
    assert created.slug == "lunch-roulette-2"


def test_a_slug_typed_by_the_organiser_is_kept(admin_client):  # type: ignore[no-untyped-def]
    response = admin_client.post(reverse("programs:create"), _form(slug="my-lunch"))
    assert response.status_code == 302
    assert Program.objects.filter(slug="my-lunch").exists()
