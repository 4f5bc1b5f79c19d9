"""Persona × page table for every recognition page (GET), and the organisers' settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from peerly.recognition import services
from peerly.recognition.models import Badge
from peerly.recognition.models import RecognitionSettings
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "outsider",
    "member",
    "other_member",
    "other_organiser",
    "organiser",
    "admin",
)
LOGIN = 302
TABLE = {
    # page -> status per persona, in PERSONAS order
    "wall": (LOGIN, 404, 200, 200, 404, 200, 200),
    "kudos-new": (LOGIN, 404, 200, 200, 404, 200, 200),
    "testimonial-new": (LOGIN, 404, 200, 200, 404, 403, 403),
    "award": (LOGIN, 404, 403, 403, 404, 200, 200),
    "manage": (LOGIN, 404, 403, 403, 404, 200, 200),
    "celebration": (LOGIN, 404, 403, 403, 404, 200, 200),
    "mine": (LOGIN, 200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("page", sorted(TABLE))
def test_persona_by_page(personas: Personas, page: str) -> None:
    kwargs = {} if page == "mine" else {"slug": personas.program.slug}
    url = reverse(f"recognition:{page}", kwargs=kwargs)
    got = tuple(personas.client(name).get(url).status_code for name in PERSONAS)
    assert got == TABLE[page]


def test_a_draft_programme_is_404_for_its_members(personas: Personas) -> None:
    personas.program.status = "draft"
    personas.program.save()
    url = reverse("recognition:wall", kwargs={"slug": personas.program.slug})
    assert personas.client("member").get(url).status_code == 404
    assert personas.client("organiser").get(url).status_code == 200
    assert personas.client("member").get("/recognition/programs/no-such/").status_code == 404


def test_settings_page_saves_through_the_audited_service(personas: Personas) -> None:
    p = personas
    url = reverse("recognition:manage", kwargs={"slug": p.program.slug})
    assert p.client("organiser").get(url).status_code == 200
    assert not RecognitionSettings.objects.exists()  # reading never creates the row
    data = {
        "rules": [Badge.FIRST_MEETING],
        "certificates_enabled": "on",
        "coffee_rounds_for_certificate": "4",
    }
    assert p.client("member").post(url, data).status_code == 403
    assert (
        p.client("organiser").post(url, {**data, "rules": ["season_completed"]}).status_code == 400
    )
    assert (
        p.client("organiser").post(url, {**data, "coffee_rounds_for_certificate": "0"}).status_code
        == 400
    )
    assert (
        p.client("organiser").post(url, {**data, "coffee_rounds_for_certificate": "x"}).status_code
        == 400
    )
    assert not RecognitionSettings.objects.exists()
    assert p.client("organiser").post(url, data).status_code == 302
    cfg = services.settings_for(p.program)
    assert (cfg.rules, cfg.certificates_enabled, cfg.coffee_rounds_for_certificate) == (
        [Badge.FIRST_MEETING],
        True,
        4,
    )
    from peerly.core.models import AuditEvent

    row = AuditEvent.objects.get(action="recognition.settings_updated")
    assert row.program_id == p.program.pk and row.actor == p.organiser
