"""Programme design changes go through services: audited, atomic (issue 12: views wrote
directly — `question_delete` deleted rows with no audit, `edit` saved the form)."""

from __future__ import annotations

import pytest

from peerly.core.models import AuditEvent
from peerly.programs.models import SignupQuestion
from tests.factories import ProgramFactory
from tests.factories import UserFactory


@pytest.fixture
def organiser_client(db, client):  # type: ignore[no-untyped-def]
    organiser = UserFactory()
    program = ProgramFactory(organisers=[organiser], slug="design")
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


def _edit_form(program, **changes):  # type: ignore[no-untyped-def]
    form = {
        "kind": program.kind,
        "name": program.name,
        "slug": program.slug,
        "cadence": program.cadence,
        "group_size": str(program.group_size),
        "enrollment_mode": program.enrollment_mode,
        "status": program.status,
    }
    form.update(changes)
    return form


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"group_size": "5"}, "group_size", "2 to 4"),
        ({"cadence": "continuous"}, "cadence", "weekly"),
    ],
)
def test_programme_edit_refuses_what_its_kind_cannot_run(organiser_client, changes, field, message):  # type: ignore[no-untyped-def]
    client, program, _ = organiser_client
    before = (program.group_size, program.cadence)
    response = client.post("/programs/design/edit/", _edit_form(program, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    program.refresh_from_db()
    assert (program.group_size, program.cadence) == before
    assert not AuditEvent.objects.filter(action="programs.update").exists()


def test_the_kind_of_a_programme_cannot_change(organiser_client):  # type: ignore[no-untyped-def]
    from peerly.core.errors import ServiceError
    from peerly.programs.services import update_program

    client, program, organiser = organiser_client
    page = client.get("/programs/design/edit/").content.decode()
    assert "The kind cannot change" in page
    client.post("/programs/design/edit/", _edit_form(program, kind="circle", name="Renamed"))
    program.refresh_from_db()
    assert (program.kind, program.name) == ("coffee", "Renamed")  # the posted kind is ignored
    with pytest.raises(ServiceError, match="cannot change"):
        update_program(actor=organiser, program=program, values={"kind": "circle"})
    program.refresh_from_db()
    assert program.kind == "coffee"


def test_creating_a_programme_its_kind_cannot_run_is_refused(db):  # type: ignore[no-untyped-def]
    from peerly.core.errors import ServiceError
    from peerly.programs.models import Program
    from peerly.programs.services import create_program

    with pytest.raises(ServiceError, match="2 to 4"):
        create_program(
            actor=UserFactory(),
            values={"kind": "coffee", "name": "Big", "slug": "big", "group_size": 5},
        )
    assert not Program.objects.filter(slug="big").exists()
