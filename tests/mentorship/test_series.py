"""The mentorship dashboard's series and funnel (mentorship/series.py), on hand-made data with
known answers: per month, the period, a team, and nothing from fewer than 5 people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerly.accounts.models import User
from peerly.mentorship import series
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus as M
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewDirection
from peerly.mentorship.models import ReviewRound
from peerly.programs.models import ProgramKind
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory
from tests.mentorship.conftest import make_mentor

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 1)
JAN, FEB, MAR = dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2027, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    """m1-m5 applied 5 Jan, matched after 1, 2, 3, 4 and 10 days, accepted 15 Jan, active
    from 25 Jan; m6 applied 20 Jan, matched 3 Feb, accepted 5 Feb, active 10 Feb, ended 20
    Feb; m7 applied 10 Feb, not matched. Reports: January from m1-m4, February from m1-m5.
    Reviews (ratings 5, 4, 4, 3, 4) from m1-m5 on 20 Feb."""
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    mentor = make_mentor(program, capacity=50)
    mentees = [UserFactory() for _ in range(7)]
    rows = []
    for i, user in enumerate(mentees):
        enrollment = EnrollmentFactory(program=program, user=user)
        fields: dict[str, object] = {"status": M.ACTIVE, "mentor": mentor}
        if i < 5:
            fields |= {
                "submitted_at": at(1, 5),
                "matched_at": at(1, 5) + dt.timedelta(days=(1, 2, 3, 4, 10)[i]),
                "accepted_at": at(1, 15),
                "graduated_at": at(1, 25),
            }
        elif i == 5:
            fields |= {
                "status": M.ENDED,
                "submitted_at": at(1, 20),
                "matched_at": at(2, 3),
                "accepted_at": at(2, 5),
                "graduated_at": at(2, 10),
                "ended_at": at(2, 20),
            }
        else:
            fields = {"status": M.SUBMITTED, "submitted_at": at(2, 10)}
        rows.append(
            Mentorship.objects.create(
                program=program, mentee=user, enrollment=enrollment, goals="secret", **fields
            )
        )
    for ms in rows[:4]:
        MonthlyReport.objects.create(mentorship=ms, month=JAN, did="x", submitted_at=at(2, 1))
    for ms in rows[:5]:
        MonthlyReport.objects.create(mentorship=ms, month=FEB, did="x", submitted_at=at(2, 27))
    review_round = ReviewRound.objects.create(
        program=program, year=2027, opened_at=at(2, 15), closes_on=dt.date(2027, 3, 15)
    )
    for ms, rating in zip(rows[:5], (5, 4, 4, 3, 4), strict=True):
        Review.objects.create(
            round=review_round,
            mentorship=ms,
            direction=ReviewDirection.OF_MENTOR,
            reviewer=ms.mentee,
            reviewee=mentor.user,
            rating=rating,
            submitted_at=at(2, 20),
        )
    return program, mentees


def test_months_default_to_the_last_twelve_and_follow_since() -> None:
    found = series.months(today=TODAY)
    assert (len(found), found[0], found[-1]) == (12, dt.date(2026, 4, 1), MAR)
    assert series.months(today=TODAY, since=dt.date(2027, 1, 31)) == [JAN, FEB, MAR]
    assert len(series.months(today=TODAY, since=dt.date(2000, 1, 1))) == series.MAX_MONTHS


def test_points_per_month_by_hand(world) -> None:  # type: ignore[no-untyped-def]
    program, _mentees = world
    jan, feb, mar = series.points(program, today=TODAY, since=JAN)
    assert (jan.month, jan.applications, jan.matched, jan.active, jan.reported) == (JAN, 6, 5, 5, 4)
    assert (jan.people, jan.matched_people, jan.active_people) == (6, 5, 5)
    assert jan.match_days == 3.0 and jan.report_rate == 80.0
    assert jan.review_mean is None and jan.review_people == 0
    assert (feb.applications, feb.matched, feb.active, feb.reported, feb.people) == (1, 1, 6, 5, 7)
    assert feb.match_days is None  # one mentee matched in February
    assert feb.report_rate == 83.3 and feb.review_mean == 4.0 and feb.review_people == 5
    # March is not over: its reports may still come
    assert (mar.complete, mar.active, mar.report_rate) == (False, 5, None)


def test_a_team_of_four_shows_counts_but_no_rates(world) -> None:  # type: ignore[no-untyped-def]
    program, mentees = world
    four = User.objects.filter(pk__in=[u.pk for u in mentees[:4]]).values_list("pk", flat=True)
    jan, feb, _mar = series.points(program, today=TODAY, since=JAN, members=four)
    assert (jan.applications, jan.matched, jan.active, jan.reported) == (4, 4, 4, 4)
    assert jan.match_days is None and jan.report_rate is None
    assert feb.review_mean is None and feb.review_people == 4


def test_the_funnel_of_the_period(world) -> None:  # type: ignore[no-untyped-def]
    program, _mentees = world
    stages = series.funnel(program, today=TODAY)
    assert [(s.key, s.count, s.people) for s in stages] == [
        ("applied", 7, 7),
        ("matched", 6, 6),
        ("accepted", 6, 6),
        ("active", 6, 6),
        ("completed", 1, 1),
    ]
    assert [s.share for s in stages] == [100.0, 85.7, 85.7, 85.7, 14.3]
    late = series.funnel(program, today=TODAY, since=dt.date(2027, 1, 20))
    assert [s.count for s in late] == [2, 1, 1, 1, 1]
    assert all(s.share is None for s in late)  # 2 people
    # on 1 February m7 had not applied and m6 was not matched yet
    early = series.funnel(program, today=dt.date(2027, 2, 1))
    assert [s.count for s in early] == [6, 5, 5, 5, 0]


def test_has_reviews_and_a_fixed_number_of_queries(world) -> None:  # type: ignore[no-untyped-def]
    program, _mentees = world
    assert series.has_reviews(program)
    assert not series.has_reviews(ProgramFactory(kind=ProgramKind.MENTORSHIP))
    with CaptureQueriesContext(connection) as ctx:
        series.points(program, today=TODAY)
    assert len(ctx.captured_queries) == 3
