"""Query counts of the library, detail and usage pages do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerly.growth.models import Goal
from peerly.resources import services
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory
from tests.resources.conftest import make

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add(world, n: int, start: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + n):
        resource = make(
            world.organiser,
            title=f"Resource {i}",
            tags=f"topic-{i}, public-speaking",
            program=world.program if i % 2 else None,
        )
        fan = UserFactory()
        EnrollmentFactory(program=world.program, user=fan)
        services.mark_helpful(user=fan, resource=resource)
        services.record_view(resource=resource)
        Goal.objects.create(owner=world.member, title=f"Goal {i} public speaking")


@pytest.mark.parametrize(
    ("page", "viewer"),
    [
        ("library", "member"),
        ("search", "member"),
        ("detail", "member"),
        ("usage", "organiser"),
        ("library", "admin"),
    ],
)
def test_pages_do_not_grow(world, page: str, viewer: str) -> None:  # type: ignore[no-untyped-def]
    target = make(world.organiser, title="Target", program=world.program, tags="public-speaking")
    urls = {
        "library": reverse("resources:library"),
        "search": reverse("resources:library") + "?q=Resource&tag=public-speaking&kind=guide",
        "detail": target.get_absolute_url(),
        "usage": reverse("resources:usage"),
    }
    client = world.client(viewer)
    _add(world, 2, 0)
    small = _count(client, urls[page])
    _add(world, 30, 2)
    big = _count(client, urls[page])
    assert big <= small + 1, (small, big)  # + the COUNT of a list longer than a page
    assert small <= 20
