"""The mentor choice fields of the mentorship forms: a programme's active mentors, by name,
without the one excluded; the organisers' reassign list also shows each mentor's load."""

from __future__ import annotations

import pytest

from peerly.mentorship.forms import NominationForm
from peerly.mentorship.forms import ReassignForm
from peerly.mentorship.forms import ResignForm
from peerly.mentorship.models import MentorStatus
from tests.mentorship.conftest import World

pytestmark = pytest.mark.django_db


def _choices(form: object, name: str) -> list[str]:
    field = form.fields[name]  # type: ignore[attr-defined]
    return [label for value, label in field.choices if value != ""]


def test_only_active_mentors_by_name(world: World) -> None:
    world.other_mentor.status = MentorStatus.RESIGNED
    world.other_mentor.save()
    assert _choices(NominationForm(program=world.program), "evaluator") == ["Mara Mentor"]


def test_resigning_mentor_is_not_offered_as_their_own_replacement(world: World) -> None:
    assert _choices(ResignForm(profile=world.mentor), "replacement") == ["Otis Othermentor"]


def test_reassign_shows_load_and_excludes_the_current_mentor(world: World) -> None:
    world.other_mentor.is_accepting = False
    world.other_mentor.save()
    form = ReassignForm(program=world.program, exclude=world.mentor.pk)
    assert _choices(form, "mentor") == ["Otis Othermentor (0/2, not accepting)"]
    form = ReassignForm(program=world.program)
    assert _choices(form, "mentor") == [
        "Mara Mentor (0/2)",
        "Otis Othermentor (0/2, not accepting)",
    ]
