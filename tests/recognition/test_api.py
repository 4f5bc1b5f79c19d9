"""The recognition API answers with the same rules as the pages."""

from __future__ import annotations

import json

import pytest

from peerly.accounts.models import Visibility
from peerly.recognition import services
from peerly.recognition.models import Badge
from peerly.recognition.models import Kudos
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def _post(client, url: str, data: object):  # type: ignore[no-untyped-def]
    return client.post(url, json.dumps(data), content_type="application/json")


def test_kudos_over_the_api(personas: Personas) -> None:
    p = personas
    url = f"/api/v1/recognition/programs/{p.program.slug}/kudos"
    member = p.client("member")
    ok = _post(member, url, {"recipient_id": p.other_member.pk, "message": "Thanks!"})
    assert ok.status_code == 201
    for bad in (
        {"recipient_id": p.member.pk, "message": "me"},
        {"recipient_id": p.outsider.pk, "message": "x"},
        {"recipient_id": 99999999999, "message": "x"},
        {"recipient_id": p.other_member.pk, "message": ""},
        {"recipient_id": p.other_member.pk, "message": "x" * 5000},
        {"recipient_id": "abc", "message": "x"},
    ):
        response = _post(member, url, bad)
        assert 400 <= response.status_code < 500, bad
    assert Kudos.objects.count() == 1
    assert (
        _post(p.client("outsider"), url, {"recipient_id": p.member.pk, "message": "x"}).status_code
        == 404
    )
    wall = f"/api/v1/recognition/programs/{p.program.slug}/wall"
    assert p.client("other_member").get(wall).json()["items"] == []
    kudos = Kudos.objects.get()
    public = f"/api/v1/recognition/me/kudos/{kudos.pk}/public"
    assert _post(member, public, {"public": True}).status_code == 404  # the sender
    assert _post(p.client("other_member"), public, {"public": True}).status_code == 200
    assert [k["message"] for k in p.client("member").get(wall).json()["items"]] == ["Thanks!"]
    assert p.client("outsider").get(wall).status_code == 404
    mine = p.client("other_member").get("/api/v1/recognition/me/kudos").json()["items"]
    assert [k["message"] for k in mine] == ["Thanks!"]
    assert p.client("member").get("/api/v1/recognition/me/kudos").json()["items"] == []


@pytest.mark.parametrize(
    ("visibility", "seen_by"),
    [
        (Visibility.PROGRAMMES, {"member", "other_member", "organiser", "admin"}),
        (Visibility.ORGANISERS, {"member", "organiser", "admin"}),
        (Visibility.PRIVATE, {"member"}),
    ],
)
def test_badges_api_honours_visibility(
    personas: Personas, visibility: str, seen_by: set[str]
) -> None:
    p = personas
    award, _ = services.award_badge(
        program=p.program, user=p.member, badge=Badge.COMMUNITY_STAR, source="organiser"
    )
    services.set_badge_visibility(award=award, actor=p.member, visibility=visibility)
    url = f"/api/v1/recognition/members/{p.member.pk}/badges"
    for name in ("member", "other_member", "organiser", "admin", "outsider", "other_organiser"):
        items = p.client(name).get(url).json()["items"]
        assert (len(items) == 1) is (name in seen_by), name
    assert p.client("member").get("/api/v1/recognition/members/99999999/badges").status_code == 404
    assert p.client("anonymous").get(url).status_code == 401
