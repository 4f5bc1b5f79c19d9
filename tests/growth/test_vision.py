"""The vision (issue 13): one per member, written and revisited by its owner, shown at the top
of their growth page and nowhere else; nobody else reads or changes it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.growth import plans
from peerly.growth.models import Vision

SECRET = "ZZVISION-7720 a calm and generous lead"
pytestmark = pytest.mark.django_db
API = "/api/v1/me/vision"


def test_set_vision_is_an_upsert_and_unchanged_is_not_audited(personas) -> None:
    first = plans.set_vision(
        owner=personas.member, statement=SECRET, qualities="calm\n\ncalm\nkind"
    )
    assert (first.statement, first.qualities) == (SECRET, "calm\nkind")
    again = plans.set_vision(owner=personas.member, statement=SECRET, qualities="calm\nkind")
    assert again.pk == first.pk
    plans.set_vision(owner=personas.member, statement="changed", qualities="")
    assert Vision.objects.get().statement == "changed"
    assert list(
        AuditEvent.objects.filter(action__startswith="growth.vision")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["growth.vision_written", "growth.vision_updated"]
    assert "ZZVISION" not in " ".join(f"{r.data} {r}" for r in AuditEvent.objects.all())


@pytest.mark.parametrize(
    ("values", "field"),
    [({"statement": "  "}, "statement"), ({"statement": "x" * 2001}, "statement")],
)
def test_a_bad_vision_is_refused_and_nothing_saved(personas, values, field) -> None:
    with pytest.raises(ServiceError) as refused:
        plans.set_vision(owner=personas.member, **values)
    assert refused.value.field == field
    assert not Vision.objects.exists()


def test_revisiting_stamps_the_date(personas) -> None:
    with pytest.raises(ServiceError):  # nothing to revisit yet
        plans.review_vision(owner=personas.member)
    plans.set_vision(owner=personas.member, statement=SECRET)
    with time_machine.travel(dt.datetime(2027, 3, 4, 9, tzinfo=dt.UTC)):
        reviewed = plans.review_vision(owner=personas.member)
    assert reviewed.reviewed_at == dt.datetime(2027, 3, 4, 9, tzinfo=dt.UTC)
    assert AuditEvent.objects.filter(action="growth.vision_reviewed").count() == 1


def test_the_owner_writes_and_revisits_it_from_the_growth_page(personas) -> None:
    client = personas.client("member")
    home = client.get(reverse("growth:home")).content.decode()
    assert "Write your vision" in home
    assert client.get(reverse("growth:vision")).status_code == 200
    response = client.post(reverse("growth:vision"), {"statement": SECRET, "qualities": "calm"})
    assert response.status_code == 302
    home = client.get(reverse("growth:home")).content.decode()
    assert SECRET in home
    assert "Revisit" in home
    assert home.index(SECRET) < home.index("New goal")  # at the top
    form = client.get(reverse("growth:vision")).content.decode()
    assert "I revisited it" in form
    assert client.post(reverse("growth:vision-review")).status_code == 302
    reviewed_at = Vision.objects.get().reviewed_at
    assert reviewed_at is not None
    shown = f"Last revisited {reviewed_at:%-d %b %Y}"
    assert shown in client.get(reverse("growth:home")).content.decode()


def test_a_bad_vision_form_says_what_is_wrong(personas) -> None:
    client = personas.client("member")
    for data in ({"statement": ""}, {"statement": "x" * 2001}):
        response = client.post(reverse("growth:vision"), data)
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
    response = client.post(reverse("growth:vision-review"))  # nothing to revisit: a message
    assert response.status_code == 302
    assert not Vision.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 200),
        ("other_member", 200),
        ("organiser", 200),
        ("other_organiser", 200),
        ("admin", 200),
    ],
)
def test_nobody_else_reads_or_changes_the_vision(personas, persona, expected) -> None:
    """Every vision URL is the visitor's own: the owner's never shows, never changes."""
    plans.set_vision(owner=personas.member, statement=SECRET)
    client = personas.client(persona)
    for url in (reverse("growth:vision"), reverse("growth:home")):
        response = client.get(url)
        assert response.status_code == expected, (persona, url)
        assert SECRET not in response.content.decode()
    client.post(reverse("growth:vision"), {"statement": "ZZTHEIRS"})
    client.post(reverse("growth:vision-review"))
    owned = Vision.objects.get(owner=personas.member)
    assert (owned.statement, owned.reviewed_at) == (SECRET, None)
    api = client.get(API)
    assert api.status_code in (200, 401)  # 200: their own, just written
    assert SECRET not in api.content.decode()


def test_the_vision_over_the_api(personas) -> None:
    client = personas.client("member")
    assert client.get(API).status_code == 404
    put = client.put(
        API, {"statement": SECRET, "qualities": ["calm", "kind"]}, content_type="application/json"
    )
    assert put.status_code == 200, put.content
    assert put.json()["qualities"] == ["calm", "kind"]
    assert client.get(API).json()["statement"] == SECRET
    reviewed = client.post(f"{API}/review")
    assert reviewed.json()["reviewed_at"] is not None
    for body, status in (({"statement": ""}, 422), ({"qualities": ["x"]}, 422)):
        assert client.put(API, body, content_type="application/json").status_code == status
    assert Vision.objects.get().statement == SECRET
    assert personas.client("anonymous").get(API).status_code == 401
