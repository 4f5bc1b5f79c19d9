"""The members export takes the same filters as the members list (issue 20: the list showed
19 members, the CSV had 151)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from peerly.programs.models import EnrollmentStatus
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(client):  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = ProgramFactory(organisers=[organiser], slug="club")
    for i in range(3):
        EnrollmentFactory(program=program, user=UserFactory(display_name=f"Ada {i}"))
    for i in range(2):
        EnrollmentFactory(
            program=program,
            user=UserFactory(display_name=f"Bo {i}"),
            status=EnrollmentStatus.PAUSED,
        )
    client.force_login(organiser)
    return client, program


def _export(client, params: dict[str, str]) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("programs:manage-export", args=["club"]), params)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.getvalue().decode())))


def _listed(client, params: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    response = client.get(reverse("programs:manage", args=["club"]), params)
    return int(response.context["page"].paginator.count)


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "paused"}, {"q": "Ada"}, {"q": "Ada", "status": "paused"}, {"status": ""}],
)
def test_the_export_has_the_rows_the_list_shows(members, params):  # type: ignore[no-untyped-def]
    client, _ = members
    rows = _export(client, params)
    assert len(rows) == _listed(client, params)


def test_the_export_link_carries_the_filters(members):  # type: ignore[no-untyped-def]
    client, _ = members
    page = client.get(reverse("programs:manage", args=["club"]), {"status": "paused", "page": "1"})
    html = page.content.decode()
    assert reverse("programs:manage-export", args=["club"]) + "?status=paused" in html


def test_a_bad_filter_value_is_ignored_like_on_the_list(members):  # type: ignore[no-untyped-def]
    client, _ = members
    assert len(_export(client, {"status": "nonsense"})) == _listed(client, {"status": "nonsense"})
