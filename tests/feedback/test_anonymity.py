"""An anonymous answer has no stored link to the person: after it, no row anywhere (every
model of every app, the audit log and the email outbox included) that was added or changed
names both the member and the answer; the response itself names nobody, has a random key and
only a date; the "has answered" receipt names no response and no time."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import models

from peerly.core.models import AuditEvent
from peerly.feedback import services
from peerly.feedback.models import Answer
from peerly.feedback.models import Receipt
from peerly.feedback.models import Response
from peerly.notifications.models import OutboundEmail
from tests.feedback.conftest import DURING
from tests.feedback.conftest import answers_for

pytestmark = pytest.mark.django_db

MARK = "ZZANON-7431"


def _snapshot() -> dict[str, dict[str, str]]:
    """Every row of every table: {model label: {primary key: the row's values as text}}."""
    rows: dict[str, dict[str, str]] = {}
    for model in apps.get_models(include_auto_created=True):
        rows[model._meta.label] = {
            str(row["pk"] if "pk" in row else row.get("id")): repr(sorted(row.items()))
            for row in model._default_manager.values(
                "pk", *[f.attname for f in model._meta.concrete_fields]
            )
        }
    return rows


def test_an_anonymous_answer_leaves_no_link_to_the_member_anywhere(pulse_world) -> None:
    _program, _boss, members, survey = pulse_world(anonymity="anonymous")
    me = members[0]
    for other in members[1:3]:  # others answered too: the receipt must not point at one
        services.submit_response(survey=survey, user=other, answers=answers_for(survey), now=DURING)
    before = _snapshot()
    audit_before, outbox_before = AuditEvent.objects.count(), OutboundEmail.objects.count()

    response = services.submit_response(
        survey=survey, user=me, answers=answers_for(survey, text=MARK), now=DURING
    )

    assert AuditEvent.objects.count() == audit_before  # no audit row at all
    assert OutboundEmail.objects.count() == outbox_before  # no email about it
    assert not AuditEvent.objects.filter(data__icontains=str(response.pk)).exists()
    response.refresh_from_db()
    assert response.respondent_id is None and response.occasion == ""
    assert isinstance(response.pk, uuid.UUID)
    # every response carries the day the survey opened, not the day it came in
    assert set(survey.responses.values_list("submitted_on", flat=True)) == {survey.opens_at.date()}
    for model in (Response, Answer, Receipt):  # nothing finer than a day, nothing to order by
        for field in model._meta.concrete_fields:
            assert not isinstance(field, models.DateTimeField), (model, field.name)
            if field.primary_key:
                assert isinstance(field, models.UUIDField), model
    receipt_fields = {f.name for f in Receipt._meta.concrete_fields}
    assert receipt_fields == {"id", "survey", "user", "occasion"}  # names no response

    after = _snapshot()
    answer_ids = {
        str(a) for a in Answer.objects.filter(response=response).values_list("pk", flat=True)
    }
    keys = {str(response.pk), *answer_ids}
    changed: list[tuple[str, str]] = []
    for label, rows in after.items():
        for pk, text in rows.items():
            if before.get(label, {}).get(pk) != text:
                changed.append((label, text))
    labels = sorted({label for label, _ in changed})
    assert labels == ["feedback.Answer", "feedback.Receipt", "feedback.Response"], labels
    for label, text in changed:
        names_me = f"('user_id', {me.pk})" in text or f"('respondent_id', {me.pk})" in text
        names_answer = any(key in text for key in keys) or MARK in text
        assert not (names_me and names_answer), (label, text)
        if label == "feedback.Receipt":
            assert names_me and not names_answer
        else:
            assert not names_me


def test_the_organiser_sees_anonymous_answers_only_in_the_aggregate(pulse_world, client) -> None:
    program, boss, members, survey = pulse_world(anonymity="anonymous")
    for i, member in enumerate(members[:4]):
        services.submit_response(
            survey=survey, user=member, answers=answers_for(survey, text=f"{MARK}-{i}"), now=DURING
        )
    client.force_login(boss)
    from django.urls import reverse

    url = reverse("feedback:results", args=[program.slug, survey.pk])
    page = client.get(url).content.decode()
    assert MARK not in page and "once 5 people have answered" in page
    csv = client.get(reverse("feedback:export", args=[program.slug, survey.pk])).content.decode()
    assert MARK not in csv
    services.submit_response(
        survey=survey, user=members[4], answers=answers_for(survey, text=f"{MARK}-4"), now=DURING
    )
    page = client.get(url).content.decode()
    assert page.count(MARK) == 5
    assert not any(m.name in page for m in members)  # no names next to anything
    csv = client.get(reverse("feedback:export", args=[program.slug, survey.pk])).content.decode()
    assert csv.count(MARK) == 5


def test_an_attributed_survey_shows_who_said_what(pulse_world, client) -> None:
    program, boss, members, survey = pulse_world(anonymity="attributed")
    services.submit_response(
        survey=survey, user=members[0], answers=answers_for(survey, text="Mine"), now=DURING
    )
    client.force_login(boss)
    from django.urls import reverse

    page = client.get(reverse("feedback:results", args=[program.slug, survey.pk])).content.decode()
    assert members[0].name in page and "Mine" in page
