"""Recognition fixtures: programmes of each kind with history written straight to the
database (the recognition code only reads it), and the personas of tests/conftest.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from peerly.accounts.models import User
from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.circles.models import SessionStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import Strategy
from peerly.recognition import services
from peerly.rounds.models import CheckinAnswer
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory


def met_rounds(program: Program, pairs: list[tuple[User, User]], *, start: int = 1) -> None:
    """One closed round per pair in `pairs`, numbered from `start`, where both met."""
    for i, (a, b) in enumerate(pairs, start=start):
        day = dt.date(2030, 1, 1) + dt.timedelta(days=30 * i)
        rnd = Round.objects.create(
            program=program,
            number=i,
            published_at=timezone.now(),
            meets_from=day,
            meet_by=day + dt.timedelta(days=7),
        )
        group = RoundGroup.objects.create(round=rnd, number=1)
        for user in (a, b):
            GroupMember.objects.create(group=group, round=rnd, user=user, answer=CheckinAnswer.ALL)


@pytest.fixture
def switch_on() -> Callable[..., object]:
    def _on(program: Program, *rules: str, certificates: bool = False, **extra: int) -> object:
        organiser = program.organisers.first()
        assert organiser is not None
        return services.update_settings(
            program=program,
            actor=organiser,
            rules=list(rules),
            certificates_enabled=certificates,
            **extra,
        )

    return _on


@pytest.fixture
def circle_world(db):  # type: ignore[no-untyped-def]
    """A circle programme with one ended season: a circle of three who met at 2 held
    sessions; `cleo` missed both."""
    organiser = UserFactory(display_name="Olga Organiser")
    program = ProgramFactory(
        kind=ProgramKind.CIRCLE, group_size=3, organisers=[organiser], slug="circles"
    )
    ann, ben, cleo = (UserFactory(display_name=n) for n in ("Ann Able", "Ben Bold", "Cleo Calm"))
    for u in (ann, ben, cleo):
        EnrollmentFactory(program=program, user=u)
    season = Season.objects.create(
        program=program,
        number=1,
        starts_on=dt.date(2025, 1, 6),
        ends_on=dt.date(2025, 3, 31),
        strategy=Strategy.RANDOM,
    )
    circle = Circle.objects.create(season=season, program=program, number=1)
    for pos, u in enumerate((ann, ben, cleo)):
        CircleMember.objects.create(circle=circle, season=season, user=u, position=pos)
    for n in (1, 2):
        at = dt.datetime(2025, 1, 6 + 14 * (n - 1), 9, tzinfo=dt.UTC)
        session = CircleSession.objects.create(
            circle=circle,
            number=n,
            original_starts_at=at,
            starts_at=at,
            status=SessionStatus.HELD,
            held_at=at,
        )
        for u in (ann, ben):
            Attendance.objects.create(session=session, user=u, status=AttendanceStatus.PRESENT)
        Attendance.objects.create(session=session, user=cleo, status=AttendanceStatus.ABSENT)
    return type(
        "CircleWorld",
        (),
        {
            "program": program,
            "organiser": organiser,
            "ann": ann,
            "ben": ben,
            "cleo": cleo,
            "season": season,
        },
    )


from tests.mentorship.conftest import world  # noqa: E402, F401 (a fixture)
