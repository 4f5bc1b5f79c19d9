"""Query counts of the list pages do not grow with the data (big <= small + 1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerly.recognition import services
from peerly.recognition.models import Badge
from tests.conftest import Personas
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add(p: Personas, n: int) -> None:
    for _ in range(n):
        sender = UserFactory()
        EnrollmentFactory(program=p.program, user=sender)
        kudos = services.send_kudos(
            sender=sender, program=p.program, recipient=p.member, message="Thanks"
        )
        services.set_kudos_public(kudos=kudos, actor=p.member, public=True)
        services.add_testimonial(author=sender, program=p.program, text="Good")


@pytest.mark.parametrize("page", ["wall", "mine", "profile", "manage"])
def test_list_pages_do_not_grow(personas: Personas, page: str) -> None:
    p = personas
    badges = list(Badge)
    urls = {
        "wall": reverse("recognition:wall", kwargs={"slug": p.program.slug}),
        "mine": reverse("recognition:mine"),
        "profile": reverse("accounts:member", kwargs={"user_id": p.member.pk}),
        "manage": reverse("recognition:manage", kwargs={"slug": p.program.slug}),
    }
    viewer = {"wall": "other_member", "mine": "member", "profile": "other_member"}.get(
        page, "organiser"
    )
    client = p.client(viewer)
    _add(p, 2)
    services.award_badge(program=p.program, user=p.member, badge=badges[0], source="rule")
    small = _count(client, urls[page])
    _add(p, 12)
    for badge in badges[1:]:
        award, _ = services.award_badge(
            program=p.program, user=p.member, badge=badge, source="rule"
        )
        services.set_badge_visibility(award=award, actor=p.member, visibility="programmes")
    big = _count(client, urls[page])
    assert big <= small + 1, (small, big)
    assert small <= 25
