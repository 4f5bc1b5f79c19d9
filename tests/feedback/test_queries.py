"""Query counts of the list and aggregate pages do not grow with the data
(`big <= small + 1`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerly.feedback import services
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.feedback.conftest import DURING
from tests.feedback.conftest import answers_for
from tests.feedback.conftest import enrol
from tests.feedback.conftest import make_survey
from tests.feedback.conftest import opened

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _world(surveys: int, members: int, anonymity: str = "attributed"):  # type: ignore[no-untyped-def]
    boss = UserFactory()
    program = ProgramFactory(organisers=[boss])
    people = enrol(program, members)
    made = [opened(make_survey(program, boss, anonymity=anonymity)) for _ in range(surveys)]
    for survey in made:
        for person in people:
            services.submit_response(
                survey=survey, user=person, answers=answers_for(survey, text="t"), now=DURING
            )
    return boss, program, people, made


@pytest.mark.parametrize("page", ["manage", "results", "export", "home", "api"])
def test_pages_do_not_grow_with_the_data(client, page) -> None:
    counts = []
    for size in (1, 6):
        boss, program, people, surveys = _world(size, 5 * size)
        viewer = people[0] if page == "home" else boss
        client.force_login(viewer)
        url = {
            "manage": reverse("feedback:manage", args=[program.slug]),
            "results": reverse("feedback:results", args=[program.slug, surveys[0].pk]),
            "export": reverse("feedback:export", args=[program.slug, surveys[0].pk]),
            "home": reverse("feedback:home"),
            "api": f"/api/v1/feedback/programs/{program.slug}/surveys",
        }[page]
        counts.append(_count(client, url))
    small, big = counts
    assert big <= small + 1, counts
