"""The evaluation pages are in every programme's navigation, for its organisers only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from peerly.programs import kinds
from peerly.programs.models import ProgramKind
from peerly.programs.models import ProgramStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "evaluation:dashboard": "Evaluation",
    "evaluation:targets": "Targets",
    "insights:themes": "Insights",
}


@pytest.mark.parametrize("kind", [k.value for k in ProgramKind])
def test_organisers_see_the_evaluation_pages_in_the_programme_nav(kind: str) -> None:
    organiser, member = UserFactory(), UserFactory()
    program = ProgramFactory(kind=kind, organisers=[organiser], status=ProgramStatus.ACTIVE)
    EnrollmentFactory(program=program, user=member)
    the_kind = kinds.get(kind)
    assert the_kind is not None
    pages = dict(PAGES)
    if kind in ("coffee", "circle"):
        pages["evaluation:network"] = "Network"
    for user, sees, page in (
        (organiser, True, the_kind.organiser_url(program)),
        (member, False, the_kind.member_url(program)),
    ):
        client = Client()
        client.force_login(user)
        html = client.get(page).content.decode()
        for name in pages:
            url = reverse(name, kwargs={"slug": program.slug})
            assert (f'href="{url}"' in html) is sees, (kind, name, sees)
            if sees:
                assert client.get(url).status_code == 200, (kind, name)
