"""The circles dashboard's series (circles/series.py), on hand-made data with known answers:
per season and per month, the period, a team, and no rate from fewer than 5 people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerly.accounts.models import User
from peerly.circles import series
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
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)
HELD, SCHEDULED, CANCELLED = SessionStatus.HELD, SessionStatus.SCHEDULED, SessionStatus.CANCELLED


def _circle(program: Program, number: int, people: list[User], start: dt.date) -> Circle:
    season = Season.objects.create(
        program=program,
        number=number,
        starts_on=start,
        ends_on=start + dt.timedelta(days=120),
        strategy=Strategy.STRANGERS,
    )
    circle = Circle.objects.create(season=season, program=program, number=1)
    for i, user in enumerate(people):
        CircleMember.objects.create(circle=circle, season=season, user=user, position=i)
    return circle


def _session(
    circle: Circle, number: int, day: dt.date, status: str, present: list[User] | None = None
) -> CircleSession:
    starts = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    session = CircleSession.objects.create(
        circle=circle, number=number, original_starts_at=starts, starts_at=starts, status=status
    )
    if present is not None:
        for user in CircleMember.objects.filter(circle=circle).values_list("user", flat=True):
            Attendance.objects.create(
                session=session,
                user_id=user,
                status=AttendanceStatus.PRESENT
                if user in {u.pk for u in present}
                else AttendanceStatus.ABSENT,
            )
    return session


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    """Season 1: a circle of 6. Sessions: 10 Jan held (5 of 6 present), 24 Jan held (all
    present), 7 Feb not marked held, 21 Feb cancelled, 7 Mar in the future.
    Season 2: a circle of 3, one session held on 14 Feb with all 3 present."""
    program = ProgramFactory(kind=ProgramKind.CIRCLE)
    big = [UserFactory() for _ in range(6)]
    small = [UserFactory(profile__team="Small") for _ in range(3)]
    for user in big + small:
        EnrollmentFactory(program=program, user=user)
    one = _circle(program, 1, big, dt.date(2027, 1, 4))
    _session(one, 1, dt.date(2027, 1, 10), HELD, present=big[1:])
    _session(one, 2, dt.date(2027, 1, 24), HELD, present=big)
    _session(one, 3, dt.date(2027, 2, 7), SCHEDULED)
    _session(one, 4, dt.date(2027, 2, 21), CANCELLED)
    _session(one, 5, dt.date(2027, 3, 7), SCHEDULED)
    two = _circle(program, 2, small, dt.date(2027, 2, 1))
    _session(two, 1, dt.date(2027, 2, 14), HELD, present=small)
    return program, big, small


def test_per_season_counts_and_rates(world) -> None:  # type: ignore[no-untyped-def]
    program, _big, _small = world
    one, two = series.points(program, today=TODAY, by=series.BY_SEASON)
    assert (one.key, one.scheduled, one.held, one.expected, one.present) == (1, 3, 2, 12, 11)
    assert (one.people, one.attendance_people) == (6, 6)
    assert one.completion == 66.7 and one.attendance == 91.7
    # 3 people: counts shown, no rate
    assert (two.key, two.scheduled, two.held, two.people) == (2, 1, 1, 3)
    assert two.completion is None and two.attendance is None


def test_per_month_and_fewer_seasons_than_three_choose_months(world) -> None:  # type: ignore[no-untyped-def]
    program, _big, _small = world
    assert series.choose_by(program, today=TODAY) == series.BY_MONTH
    jan, feb = series.points(program, today=TODAY, by=series.BY_MONTH)
    assert jan.key == dt.date(2027, 1, 1)
    assert (jan.scheduled, jan.held, jan.expected, jan.present, jan.people) == (2, 2, 12, 11, 6)
    assert jan.completion == 100.0 and jan.attendance == 91.7
    # February: the missed session of the circle of 6 and the held one of the circle of 3
    assert feb.key == dt.date(2027, 2, 1)
    assert (feb.scheduled, feb.held, feb.expected, feb.present, feb.people) == (2, 1, 3, 3, 9)
    assert feb.completion == 50.0
    assert feb.attendance is None  # recorded for 3 people only


def test_the_period_and_a_team_narrow_the_points(world) -> None:  # type: ignore[no-untyped-def]
    program, _big, small = world
    (jan, _feb) = series.points(program, today=TODAY, since=dt.date(2027, 1, 20), by="month")
    assert (jan.scheduled, jan.held, jan.expected, jan.present) == (1, 1, 6, 6)
    # today is 8 February: the 7 February session counts, the 14 February one not yet
    _jan, feb = series.points(program, today=dt.date(2027, 2, 8), by="month")
    assert (feb.scheduled, feb.held) == (1, 0)
    members = User.objects.filter(pk__in=[u.pk for u in small]).values_list("pk", flat=True)
    (only,) = series.points(program, today=TODAY, members=members, by=series.BY_SEASON)
    assert (only.key, only.scheduled, only.people, only.expected) == (2, 1, 3, 3)


def test_five_people_make_a_rate(world) -> None:  # type: ignore[no-untyped-def]
    program, _big, _small = world
    extra = [UserFactory() for _ in range(2)]
    circle = Circle.objects.get(program=program, season__number=2)
    for i, user in enumerate(extra):
        EnrollmentFactory(program=program, user=user)
        CircleMember.objects.create(circle=circle, season=circle.season, user=user, position=5 + i)
    Attendance.objects.bulk_create(
        Attendance(session=circle.sessions.get(), user=u, status=AttendanceStatus.ABSENT)
        for u in extra
    )
    _one, two = series.points(program, today=TODAY, by=series.BY_SEASON)
    assert two.people == 5 and two.completion == 100.0 and two.attendance == 60.0


def test_the_queries_do_not_grow_with_the_programme(world) -> None:  # type: ignore[no-untyped-def]
    program, _big, _small = world

    def count(by: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            series.points(program, today=TODAY, by=by)
        return len(ctx.captured_queries)

    small = {by: count(by) for by in (series.BY_SEASON, series.BY_MONTH)}
    for n in range(3, 8):
        users = [UserFactory() for _ in range(6)]
        circle = _circle(program, n, users, dt.date(2026, n, 1))
        _session(circle, 1, dt.date(2026, n, 10), HELD, present=users)
    assert {by: count(by) for by in small} == small
    assert len(series.points(program, today=TODAY, by=series.BY_SEASON)) == 7


def test_an_unknown_series_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown series"):
        series.points(world[0], today=TODAY, by="week")
