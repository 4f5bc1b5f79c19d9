"""The themes page: organisers of the programme and site admins only; labels and counts, never
a text; its queries do not grow with the programme."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import PERSONAS
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.insights import data

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymous": 302,
    "outsider": 403,
    "member": 403,
    "other_organiser": 403,
    "organiser": 200,
    "admin": 200,
}


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def populate(program, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    people = [UserFactory() for _ in texts]
    for user in people:
        EnrollmentFactory(program=program, user=user)
    data.write(program, people, texts)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_the_themes_page(personas, persona: str) -> None:
    url = reverse("insights:themes", kwargs={"slug": personas.program.slug})
    response = personas.client(persona).get(url)
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


def test_a_missing_programme_is_404_and_a_post_405(personas) -> None:
    client = personas.client("admin")
    assert client.get(reverse("insights:themes", kwargs={"slug": "nope"})).status_code == 404
    url = reverse("insights:themes", kwargs={"slug": personas.program.slug})
    assert client.post(url).status_code == 405


def test_the_page_shows_labels_and_counts_and_never_a_text(personas) -> None:
    populate(personas.program, data.SPEAKING + data.TIME + data.GARDENING)
    url = reverse("insights:themes", kwargs={"slug": personas.program.slug})
    response = personas.client("organiser").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>public, speaking</td><td>6</td><td>6</td>" in html
    assert "<td>management, time</td><td>6</td><td>6</td>" in html
    assert "TF-IDF" in html
    assert "Texts are never shown" in html
    for text in data.SPEAKING + data.TIME + data.GARDENING:
        assert text not in html
    for word in [*data.FINGERPRINTS, "gardening", "tomatoes", "balcony"]:
        assert word not in html.lower()


def test_an_empty_programme_says_there_is_nothing_to_show(personas) -> None:
    url = reverse("insights:themes", kwargs={"slug": personas.program.slug})
    html = personas.client("organiser").get(url).content.decode()
    assert "No theme to show yet" in html


def _queries(n_per_theme: int) -> int:
    organiser = UserFactory()
    program = ProgramFactory(organisers=[organiser])
    populate(program, [t for t in data.SPEAKING + data.TIME for _ in range(n_per_theme)])
    client = Client()
    client.force_login(organiser)
    url = reverse("insights:themes", kwargs={"slug": program.slug})
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_number_of_texts() -> None:
    small = _queries(1)
    big = _queries(4)
    assert big <= small
