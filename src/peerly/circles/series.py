"""A circles programme's figures over time for its dashboard (issue 15): per season, or per
calendar month, the sessions scheduled and held (session completion) and the attendance
recorded and present, with the same definitions as the KPI dictionary's `session_completion`
and `attendance` (circles/metrics.py): past sessions (started before `today`), cancelled ones
left out.

Counts only, counted by the database in a fixed number of queries whatever the programme's
size. Each point carries its number of people; a rate from fewer than MIN_PEOPLE people is
None (the page shows no rate for that point)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import Circle
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import Season
from peerly.circles.models import SessionStatus
from peerly.core.aggregates import MIN_PEOPLE
from peerly.evaluation.kpi import percent

if TYPE_CHECKING:
    from peerly.programs.models import Program

BY_SEASON = "season"
BY_MONTH = "month"
MIN_SEASONS = 3  # fewer seasons in the period than this: points per month (`choose_by`)


@dataclass(frozen=True)
class Point:
    by: str  # BY_SEASON or BY_MONTH
    key: int | dt.date  # the season's number, or the first day of the month
    scheduled: int  # past sessions, not cancelled
    held: int
    expected: int  # attendance rows recorded
    present: int
    people: int  # the members of the circles of those sessions
    attendance_people: int  # the members whose attendance was recorded

    @property
    def completion(self) -> float | None:
        """Held ÷ scheduled in per cent; None from fewer than MIN_PEOPLE people."""
        return percent(self.held, self.scheduled) if self.people >= MIN_PEOPLE else None

    @property
    def attendance(self) -> float | None:
        """Present ÷ recorded in per cent; None from fewer than MIN_PEOPLE people."""
        if self.attendance_people < MIN_PEOPLE:
            return None
        return percent(self.present, self.expected)


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def past_sessions(
    program: Program,
    *,
    today: dt.date,
    since: dt.date | None = None,
    members: QuerySet[Any, int] | None = None,
) -> QuerySet[CircleSession]:
    """The programme's sessions that started before `today` (and on or after `since`), not
    cancelled; with `members`, only those of circles with one of them in it."""
    sessions = CircleSession.objects.filter(
        circle__program=program, starts_at__lt=_start(today)
    ).exclude(status=SessionStatus.CANCELLED)
    if since is not None:
        sessions = sessions.filter(starts_at__gte=_start(since))
    if members is not None:
        sessions = sessions.filter(
            circle__in=Circle.objects.filter(memberships__user_id__in=members).values("pk")
        )
    return sessions


def choose_by(
    program: Program,
    *,
    today: dt.date,
    since: dt.date | None = None,
    members: QuerySet[Any, int] | None = None,
) -> str:
    """Per season when the period has at least MIN_SEASONS seasons with past sessions, else
    per month (1 query)."""
    seasons = (
        past_sessions(program, today=today, since=since, members=members)
        .values("circle__season_id")
        .distinct()
        .count()
    )
    return BY_SEASON if seasons >= MIN_SEASONS else BY_MONTH


def _key(value: Any, by: str) -> Any:
    """A point's key from the database: a season's id as it is, a month as its first day."""
    return _month(value) if by == BY_MONTH else value


def _month(value: dt.datetime | dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().replace(day=1)
    return value.replace(day=1)


def points(
    program: Program,
    *,
    today: dt.date,
    since: dt.date | None = None,
    members: QuerySet[Any, int] | None = None,
    by: str = BY_SEASON,
) -> list[Point]:
    """The programme's points, oldest first: per season (key: its number) or per calendar
    month in the site's time zone (key: the month's first day). 3 queries (4 per season)."""
    if by not in (BY_SEASON, BY_MONTH):
        raise ValueError(f"unknown series {by!r}")
    past = past_sessions(program, today=today, since=since, members=members)
    if by == BY_SEASON:
        group, via = "circle__season_id", "session__circle__season_id"
        session_rows = (
            past.values(group)
            .annotate(
                scheduled=Count("pk", distinct=True),
                held=Count("pk", distinct=True, filter=Q(status=SessionStatus.HELD)),
            )
            .values_list(group, "scheduled", "held")
        )
    else:
        via = "month"
        session_rows = (
            past.annotate(month=TruncMonth("starts_at"))
            .values("month")
            .annotate(
                scheduled=Count("pk", distinct=True),
                held=Count("pk", distinct=True, filter=Q(status=SessionStatus.HELD)),
            )
            .values_list("month", "scheduled", "held")
        )
    counts: dict[Any, list[int]] = {}
    for key, scheduled, held in session_rows.order_by():
        key = _key(key, by)
        row = counts.setdefault(key, [0, 0, 0, 0, 0, 0])
        row[0] += scheduled
        row[1] += held
    # the members of the circles of those sessions (of the team, with `members`)
    circle_members = CircleMember.objects.filter(circle__sessions__in=past)
    if members is not None:
        circle_members = circle_members.filter(user_id__in=members)
    if by == BY_SEASON:
        people_rows = circle_members.values("circle__season_id").annotate(
            n=Count("user_id", distinct=True)
        )
        people_list = people_rows.values_list("circle__season_id", "n")
    else:
        people_list = (
            circle_members.annotate(month=TruncMonth("circle__sessions__starts_at"))
            .values("month")
            .annotate(n=Count("user_id", distinct=True))
            .values_list("month", "n")
        )
    for key, n in people_list.order_by():
        key = _key(key, by)
        if key in counts:
            counts[key][4] = n
    attendance = Attendance.objects.filter(session__in=past)
    if members is not None:
        attendance = attendance.filter(user_id__in=members)
    if by == BY_MONTH:
        attendance = attendance.annotate(month=TruncMonth("session__starts_at"))
    attendance_rows = (
        attendance.values(via)
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            n=Count("user_id", distinct=True),
        )
        .values_list(via, "expected", "present", "n")
    )
    for key, expected, present, n in attendance_rows.order_by():
        key = _key(key, by)
        if key in counts:
            counts[key][2] += expected
            counts[key][3] += present
            counts[key][5] = n
    if by == BY_SEASON:
        numbers = dict(
            Season.objects.filter(pk__in=list(counts)).values_list("pk", "number").order_by()
        )
        keyed = {numbers[pk]: row for pk, row in counts.items() if pk in numbers}
    else:
        keyed = counts
    return [
        Point(
            by=by,
            key=key,
            scheduled=row[0],
            held=row[1],
            expected=row[2],
            present=row[3],
            people=row[4],
            attendance_people=row[5],
        )
        for key, row in sorted(keyed.items())
    ]
