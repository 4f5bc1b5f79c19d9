"""Hand-built data for the KPI dictionary tests: programmes, members, goals and actions made
directly, so that every expected figure can be worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from peerly.accounts.models import User
from peerly.circles.models import Circle
from peerly.circles.models import Season
from peerly.growth.models import ActionItem
from peerly.growth.models import Goal
from peerly.mentorship.models import Mentorship
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.models import Strategy
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

TODAY = dt.date(2027, 3, 1)
PAST = dt.date(2027, 2, 1)
FUTURE = dt.date(2027, 6, 1)
SECRET = "ZZKPI-SECRET goal text"


@pytest.fixture
def members() -> Callable[..., list[User]]:
    def _members(program: Program, n: int, status: str = EnrollmentStatus.ACTIVE) -> list[User]:
        users = [UserFactory() for _ in range(n)]
        for user in users:
            EnrollmentFactory(program=program, user=user, status=status)
        return users

    return _members


def goal(owner: User, program: Program | None, **fields: object) -> Goal:
    return Goal.objects.create(owner=owner, program=program, title=SECRET, **fields)


@pytest.fixture
def circle_of(db) -> Callable[[Program], Circle]:  # type: ignore[no-untyped-def]
    def _circle(program: Program) -> Circle:
        season = Season.objects.create(
            program=program,
            number=Season.objects.filter(program=program).count() + 1,
            starts_on=dt.date(2027, 1, 4),
            ends_on=dt.date(2027, 6, 4),
            strategy=Strategy.STRANGERS,
        )
        return Circle.objects.create(season=season, program=program, number=1)

    return _circle


def mentorship_of(program: Program, mentee: User) -> Mentorship:
    enrollment = program.enrollments.get(user=mentee)
    return Mentorship.objects.create(
        program=program, mentee=mentee, enrollment=enrollment, submitted_at=timezone.now()
    )


def action(owner: User, **fields: object) -> ActionItem:
    return ActionItem.objects.create(owner=owner, text="ZZKPI-SECRET action", **fields)


@pytest.fixture
def circles_program(db) -> Program:  # type: ignore[no-untyped-def]
    return ProgramFactory(kind=ProgramKind.CIRCLE)


@pytest.fixture
def mentorship_program(db) -> Program:  # type: ignore[no-untyped-def]
    return ProgramFactory(kind=ProgramKind.MENTORSHIP)
