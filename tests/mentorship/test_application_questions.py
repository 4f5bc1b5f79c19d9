"""The mentee application asks each thing once (issue 20: goals were asked twice in the demo)."""

from __future__ import annotations

import pytest

from peerly.mentorship.forms import ApplicationForm
from peerly.programs import demo
from peerly.programs.models import Program
from peerly.programs.models import QuestionKind
from peerly.programs.models import SignupQuestion
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _labels(program: Program) -> list[str]:
    form = ApplicationForm(program=program, with_questions=True)
    return [str(field.label) for field in form.fields.values()]


def test_demo_mentorship_application_asks_for_goals_once():
    demo.build_demo(members=12, seed=1)
    program = Program.objects.get(kind="mentorship")
    labels = _labels(program)
    assert [label for label in labels if "goal" in label.lower()] == [
        "Your goals for the coming year"
    ]
    # The demo still shows a sign-up question of its own.
    assert SignupQuestion.objects.filter(program=program).exists()
    assert any(
        name.startswith("q_")
        for name in ApplicationForm(program=program, with_questions=True).fields
    )


def test_custom_questions_are_still_asked():
    program = ProgramFactory(kind="mentorship")
    SignupQuestion.objects.create(
        program=program, position=0, kind=QuestionKind.TEXT, label="Which city are you in?"
    )
    assert "Which city are you in?" in _labels(program)
