"""Coffee-round fixtures: a monthly coffee programme with members across time zones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from icalendar import Calendar

from peerly.accounts.models import User
from peerly.programs.models import Program
from peerly.rounds.models import CoffeeSettings
from tests.factories import EnrollmentFactory
from tests.factories import ProfileFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.factories import WindowFactory

UTC = dt.UTC
# (name, team, time zone, interests); everybody is free Mon–Fri 08:00–20:00 local time.
PEOPLE = [
    ("Ada", "Engineering", "Europe/Berlin", "chess, climbing"),
    ("Bo", "Design", "America/New_York", "chess, cooking"),
    ("Cy", "Community", "Europe/London", "running"),
    ("Di", "Support", "Africa/Lagos", "climbing, film"),
    ("Ed", "Engineering", "Asia/Kolkata", "poetry"),
    ("Fay", "Design", "America/Sao_Paulo", "film"),
    ("Gus", "Support", "Europe/Madrid", "cycling"),
]


@dataclass
class Coffee:
    program: Program
    organiser: User
    members: dict[str, User]

    @property
    def settings(self) -> CoffeeSettings:
        from peerly.rounds.selectors import get_coffee_settings

        return get_coffee_settings(program=self.program)


def make_member(
    program: Program,
    name: str,
    team: str = "Engineering",
    tz: str = "UTC",
    interests: str = "chess",
    windows: bool = True,
) -> User:
    user = UserFactory(display_name=name, email=f"{name.lower()}@example.org", profile=None)
    profile = ProfileFactory(user=user, team=team, timezone=tz, interests=interests)
    if windows:
        for day in range(5):
            WindowFactory(profile=profile, weekday=day, start_minute=8 * 60, end_minute=20 * 60)
    EnrollmentFactory(program=program, user=user)
    return user


@pytest.fixture
def coffee(db) -> Coffee:  # type: ignore[no-untyped-def]
    organiser = UserFactory(display_name="Olive Organiser")
    program = ProgramFactory(
        organisers=[organiser],
        slug="coffee",
        name="Coffee Roulette",
        starts_on=dt.date(2026, 1, 1),
        cadence="monthly",
        expectations="One conversation of 30–60 minutes each round.",
    )
    members = {
        name: make_member(program, name, team, tz, interests)
        for name, team, tz, interests in PEOPLE
    }
    return Coffee(program=program, organiser=organiser, members=members)


@pytest.fixture
def run(django_capture_on_commit_callbacks) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """run(fn, *args, **kwargs): call fn and run its on-commit callbacks (emails go out)."""

    def _run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run


def parse_ics(content: str | bytes) -> Calendar:
    return Calendar.from_ical(content)


def ics_attachments(message: Any) -> list[Calendar]:
    return [parse_ics(content) for name, content, _ in message.attachments if name.endswith(".ics")]
