"""Feedback fixtures: a programme with members and a scheduled pulse survey; the circle and
mentorship worlds for the after-session occasions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from peerly.accounts.models import User
from peerly.feedback import services
from peerly.feedback.models import Survey
from peerly.programs.models import Program
from tests.circles.conftest import add_members  # noqa: F401 (a fixture)
from tests.circles.conftest import organiser  # noqa: F401 (a fixture)
from tests.circles.conftest import program  # noqa: F401 (a fixture)
from tests.circles.conftest import publish  # noqa: F401 (a fixture)
from tests.circles.conftest import scheduled_circle  # noqa: F401 (a fixture)
from tests.factories import EnrollmentFactory
from tests.factories import UserFactory
from tests.mentorship.conftest import reach  # noqa: F401 (a fixture)
from tests.mentorship.conftest import world  # noqa: F401 (a fixture)

OPENS = dt.datetime(2030, 3, 1, 9, tzinfo=dt.UTC)
REMINDS = dt.datetime(2030, 3, 5, 9, tzinfo=dt.UTC)
CLOSES = dt.datetime(2030, 3, 10, 0, tzinfo=dt.UTC)
DURING = dt.datetime(2030, 3, 2, 12, tzinfo=dt.UTC)  # a day after it opened


def enrol(target: Program, n: int) -> list[User]:
    users = []
    for _ in range(n):
        user = UserFactory()
        EnrollmentFactory(program=target, user=user)
        users.append(user)
    return users


def make_survey(
    target: Program, boss: User, *, anonymity: str = "anonymous", **kw: object
) -> Survey:
    values: dict[str, object] = {
        "kind": "pulse",
        "title": "Spring pulse",
        "anonymity": anonymity,
        "cadence": "once",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "remind_at": REMINDS,
        "bank_codes": ["pulse_value", "pulse_cadence", "pulse_better"],
        **kw,
    }
    return services.create_survey(actor=boss, program=target, **values)  # type: ignore[arg-type]


def opened(survey: Survey) -> Survey:
    from peerly.feedback.ticks import tick

    tick(now=DURING)
    survey.refresh_from_db()
    return survey


def answers_for(survey: Survey, *, value: int = 4, choice: str = "same", text: str = "") -> dict:
    out: dict[int, object] = {}
    for q in survey.questions.all():
        if q.type in ("scale", "nps"):
            out[q.pk] = value
        elif q.type == "choice":
            out[q.pk] = choice if choice in q.choice_labels else next(iter(q.choice_labels))
        else:
            out[q.pk] = text
    return out


@pytest.fixture
def pulse_world(db) -> Callable[..., tuple[Program, User, list[User], Survey]]:  # type: ignore[no-untyped-def]
    from tests.factories import ProgramFactory

    def _make(n: int = 6, anonymity: str = "anonymous", **kw: object):  # type: ignore[no-untyped-def]
        boss = UserFactory(display_name="Orla Organiser")
        prog = ProgramFactory(organisers=[boss])
        members = enrol(prog, n)
        survey = opened(make_survey(prog, boss, anonymity=anonymity, **kw))
        return prog, boss, members, survey

    return _make
