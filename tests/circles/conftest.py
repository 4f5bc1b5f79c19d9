"""Fixtures for circle tests: a circle programme and members with availability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Sequence

import pytest

from peerly.accounts.models import User
from peerly.circles import services
from peerly.circles.models import Circle
from peerly.circles.models import CircleSession
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory

MONDAY_9_17 = ((0, 9 * 60, 17 * 60),)
SEASON_START = dt.date(2030, 1, 7)  # a Monday
BEFORE_SEASON = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def organiser(db) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(display_name="Olga Organiser")


@pytest.fixture
def program(organiser) -> Program:  # type: ignore[no-untyped-def]
    return ProgramFactory(
        kind=ProgramKind.CIRCLE, group_size=3, organisers=[organiser], slug="circles"
    )


@pytest.fixture
def add_members(program) -> Callable[..., list[User]]:  # type: ignore[no-untyped-def]
    def _add(
        n: int,
        windows: Sequence[tuple[int, int, int]] = MONDAY_9_17,
        tz: str = "UTC",
        target: Program | None = None,
        **profile: object,
    ) -> list[User]:
        users = []
        for _ in range(n):
            user = UserFactory()
            user.profile.timezone = tz
            for key, value in profile.items():
                setattr(user.profile, key, value)
            user.profile.save()
            for day, start, end in windows:
                WindowFactory(profile=user.profile, weekday=day, start_minute=start, end_minute=end)
            EnrollmentFactory(program=target or program, user=user)
            users.append(user)
        return users

    return _add


@pytest.fixture
def publish(program, organiser, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def _publish(seed: int = 1, starts_on: dt.date = SEASON_START, **kw: object):  # type: ignore[no-untyped-def]
        number = services.next_season_number(program=program)
        with django_capture_on_commit_callbacks(execute=True):
            season, _ = services.publish_season(
                actor=organiser,
                program=program,
                number=number,
                seed=seed,
                starts_on=starts_on,
                **kw,
            )
        return season

    return _publish


@pytest.fixture
def scheduled_circle(add_members, publish, django_capture_on_commit_callbacks) -> Circle:  # type: ignore[no-untyped-def]
    """A triad whose slot is decided (sessions exist), decided before the season starts."""
    add_members(3)
    season = publish()
    circle = season.circles.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_vote(actor=circle.memberships.first().user, circle=circle, now=BEFORE_SEASON)
    circle.refresh_from_db()
    return circle


def member_users(circle: Circle) -> list[User]:
    return [m.user for m in circle.memberships.select_related("user").order_by("position")]


def first_session(circle: Circle) -> CircleSession:
    return circle.sessions.order_by("number").first()
