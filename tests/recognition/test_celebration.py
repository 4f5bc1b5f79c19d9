"""Testimonials and the end-of-season celebration: organisers see counts and the quotes
members chose to share, and publish them on the programme."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from peerly.core.errors import ServiceError
from peerly.recognition import models as recognition_models
from peerly.recognition import services
from peerly.recognition.models import Badge
from peerly.recognition.models import Celebration
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def test_summary_counts_and_only_chosen_quotes_then_publish(personas: Personas) -> None:
    p = personas
    services.add_testimonial(author=p.member, program=p.program, text="SHARED-TESTIMONIAL")
    chosen = services.send_kudos(
        sender=p.other_member, program=p.program, recipient=p.member, message="CHOSEN-KUDOS"
    )
    services.send_kudos(
        sender=p.member, program=p.program, recipient=p.other_member, message="PRIVATE-KUDOS"
    )
    services.set_kudos_public(kudos=chosen, actor=p.member, public=True)
    services.set_kudos_testimonial(kudos=chosen, actor=p.member, shared=True)
    services.award_badge(program=p.program, user=p.member, badge=Badge.RECOGNISED, source="rule")
    url = reverse("recognition:celebration", kwargs={"slug": p.program.slug})
    assert p.client("member").get(url).status_code == 403
    assert p.client("outsider").get(url).status_code == 404
    body = p.client("organiser").get(url).content.decode()
    assert "SHARED-TESTIMONIAL" in body and "CHOSEN-KUDOS" in body
    assert "PRIVATE-KUDOS" not in body
    assert "2 kudos sent" in body and "1 badge earned" in body
    today = timezone.localdate()
    data = {
        "title": "Season one",
        "starts_on": (today - dt.timedelta(days=30)).isoformat(),
        "ends_on": today.isoformat(),
    }
    assert p.client("member").post(url, data).status_code == 403
    assert p.client("organiser").post(url, {**data, "ends_on": "2000-01-01"}).status_code == 400
    assert p.client("organiser").post(url, {**data, "starts_on": "nonsense"}).status_code == 400
    assert not Celebration.objects.exists()
    assert p.client("organiser").post(url, data).status_code == 302
    item = Celebration.objects.get()
    assert item.figures["kudos"] == 2
    # members see it on the wall and on the programme page
    wall = reverse("recognition:wall", kwargs={"slug": p.program.slug})
    detail = reverse("programs:detail", kwargs={"slug": p.program.slug})
    for page in (wall, detail):
        body = p.client("other_member").get(page).content.decode()
        assert "Season one" in body and "SHARED-TESTIMONIAL" in body, page
        assert "PRIVATE-KUDOS" not in body
    # an outsider sees the programme page but nothing of the celebration
    assert "Season one" not in p.client("outsider").get(detail).content.decode()
    # a quote withdrawn later disappears from the published celebration
    services.withdraw_testimonial(
        testimonial=recognition_models.Testimonial.objects.get(), actor=p.member
    )
    assert "SHARED-TESTIMONIAL" not in p.client("other_member").get(wall).content.decode()


def test_testimonials_are_members_only_and_length_limited(personas: Personas) -> None:
    p = personas
    url = reverse("recognition:testimonial-new", kwargs={"slug": p.program.slug})
    assert p.client("outsider").post(url, {"text": "x"}).status_code == 404
    assert p.client("organiser").post(url, {"text": "x"}).status_code == 403
    assert p.client("member").post(url, {"text": "x" * 501}).status_code == 400
    assert p.client("member").post(url, {"text": ""}).status_code == 400
    assert p.client("member").post(url, {"text": "Great programme"}).status_code == 302
    item = recognition_models.Testimonial.objects.get()
    withdraw = reverse("recognition:testimonial-withdraw", kwargs={"testimonial_id": item.pk})
    assert p.client("other_member").post(withdraw).status_code == 404
    assert p.client("member").post(withdraw).status_code == 302
    with pytest.raises(ServiceError):
        services.add_testimonial(author=p.member, program=p.program, text="  ")


def test_the_chat_hook_is_called_after_publishing(personas: Personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    monkeypatch.setattr(
        services, "announce_celebration", lambda *, celebration_id: calls.append(celebration_id)
    )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        item = services.publish_celebration(
            program=personas.program,
            actor=personas.organiser,
            title="T",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 2, 1),
        )
    assert calls == [item.pk]


def test_badges_kept_private_are_not_counted(personas: Personas) -> None:
    p = personas
    award, _ = services.award_badge(
        program=p.program, user=p.member, badge=Badge.FIRST_GOAL, source="rule"
    )
    from peerly.recognition import selectors

    today = timezone.localdate()
    summary = selectors.celebration_summary(program=p.program, starts_on=today, ends_on=today)
    assert summary.figures["badges"] == 0 and summary.badges == []
    services.set_badge_visibility(award=award, actor=p.member, visibility="organisers")
    summary = selectors.celebration_summary(program=p.program, starts_on=today, ends_on=today)
    assert summary.figures["badges"] == 1
