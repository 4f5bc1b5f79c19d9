"""Programme design changes go through services: audited, atomic (issue 12: views wrote
directly — `question_delete` deleted rows with no audit, `edit` saved the form)."""

from __future__ import annotations

import pytest

from peerly.core.models import AuditEvent
from peerly.programs.models import SignupQuestion
from tests.factories import ProgramFactory, UserFactory


@pytest.fixture
def organiser_client(db, client):  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = ProgramFactory(organizers=[organiser], slug="design")
    client.force_login(organiser)
    return client, program, organiser


def test_question_delete_is_audited(organiser_client):  # type: ignore[no-untyped-def]
    client, program, organiser = organiser_client
    question = SignupQuestion.objects.create(program=program, label="Why?")
    response = client.post(f"/programs/design/edit/questions/{question.pk}/delete/")
    assert response.status_code == 302
    assert not SignupQuestion.objects.filter(pk=question.pk).exists()
    event = AuditEvent.objects.get(action="programs.question_delete")
    assert (event.actor, event.program_id, event.data["label"]) == (organiser, program.pk, "Why?")


def test_question_delete_of_another_programmes_question_changes_nothing(organiser_client):  # type: ignore[no-untyped-def]
    client, _, _ = organiser_client
    foreign = SignupQuestion.objects.create(program=ProgramFactory(), label="Theirs")
    response = client.post(f"/programs/design/edit/questions/{foreign.pk}/delete/")
    assert response.status_code == 404
    assert SignupQuestion.objects.filter(pk=foreign.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="programs.question").exists()


def test_question_add_is_audited(organiser_client):  # type: ignore[no-untyped-def]
    client, program, organiser = organiser_client
    response = client.post(
        "/programs/design/edit/questions/",
        {
            "question-label": "Your goal?",
            "question-kind": "text",
            "question-required": "on",
            "question-scale_min": "1",
            "question-scale_max": "5",
        },
    )
    assert response.status_code == 302
    question = SignupQuestion.objects.get(program=program)
    assert question.label == "Your goal?"
    assert AuditEvent.objects.filter(action="programs.question_add", actor=organiser).exists()


def test_programme_edit_is_audited_with_what_changed(organiser_client):  # type: ignore[no-untyped-def]
    client, program, organiser = organiser_client
    form = {
        "kind": "coffee",
        "name": "Renamed",
        "slug": "design",
        "cadence": program.cadence,
        "group_size": "3",
        "enrollment_mode": program.enrollment_mode,
        "status": program.status,
    }
    response = client.post("/programs/design/edit/", form)
    assert response.status_code == 302, response.content
    program.refresh_from_db()
    assert (program.name, program.group_size) == ("Renamed", 3)
    event = AuditEvent.objects.get(action="programs.update")
    assert event.actor == organiser
    assert set(event.data) >= {"name", "group_size"}
