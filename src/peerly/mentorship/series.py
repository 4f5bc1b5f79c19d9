"""A mentorship programme's figures over time for its dashboard (issue 15): per calendar month
(in the site's time zone) the applications, the mentees matched, the mentorships running, the
share of those with a monthly report, the median time to match and the mean review rating;
and the funnel applied → matched → accepted → active → completed.

The definitions are the KPI dictionary's (mentorship/metrics.py): a mentorship runs in a month
when it was accepted before the month ended and had not ended before it began; time to match
is from the application to the first assignment of a mentor. Counts and dates only, never a
text; 3 queries whatever the programme's size. A rate, median or mean from fewer than
MIN_PEOPLE people is None (the page shows none for that point)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from peerly.core.aggregates import MIN_PEOPLE
from peerly.evaluation.kpi import percent
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorshipStatus
from peerly.mentorship.models import MonthlyReport
from peerly.mentorship.models import Review

if TYPE_CHECKING:
    from peerly.programs.models import Program

DEFAULT_MONTHS = 12  # without `since`: the last 12 months, today's included
MAX_MONTHS = 36  # a longer period shows its last 36 months


@dataclass(frozen=True)
class Point:
    month: dt.date  # its first day
    complete: bool  # the month is over (before today's month): its report rate is final
    applications: int
    matched: int
    active: int  # mentorships running in the month
    reported: int  # of those, with a monthly report for the month
    people: int  # the distinct mentees who applied, were matched or had a running mentorship
    matched_people: int
    active_people: int
    review_people: int  # the distinct reviewers who gave a rating
    match_days: float | None  # the median days to match, None from fewer than MIN_PEOPLE
    review_mean: float | None  # the mean review rating (1-5), None from fewer than MIN_PEOPLE

    @property
    def report_rate(self) -> float | None:
        """Reported ÷ running in per cent, for complete months from MIN_PEOPLE mentees."""
        if not self.complete or self.active_people < MIN_PEOPLE:
            return None
        return percent(self.reported, self.active)


@dataclass(frozen=True)
class Stage:
    key: str  # applied, matched, accepted, active, completed
    count: int  # mentorships that reached the stage
    people: int  # their distinct mentees
    share: float | None  # of the applications, in per cent (None from fewer than MIN_PEOPLE)


STAGES = ("applied", "matched", "accepted", "active", "completed")


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def months(*, today: dt.date, since: dt.date | None = None) -> list[dt.date]:
    """The first days of the months from `since`'s (default: 11 before today's) to today's,
    at most MAX_MONTHS (the last ones)."""
    last = today.replace(day=1)
    first = (since or today).replace(day=1)
    if since is None:
        for _ in range(DEFAULT_MONTHS - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
    found = []
    month = first
    while month <= last:
        found.append(month)
        month = _next_month(month)
    return found[-MAX_MONTHS:]


def _day(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else timezone.localdate(value)


def _rows(program: Program, members: QuerySet[Any, int] | None) -> list[tuple[Any, ...]]:
    found = Mentorship.objects.filter(program=program)
    if members is not None:
        found = found.filter(mentee_id__in=members)
    return list(
        found.order_by().values_list(
            "pk",
            "mentee_id",
            "status",
            "submitted_at",
            "matched_at",
            "accepted_at",
            "graduated_at",
            "ended_at",
        )
    )


def points(
    program: Program,
    *,
    today: dt.date,
    since: dt.date | None = None,
    members: QuerySet[Any, int] | None = None,
) -> list[Point]:
    """One point per month of the period (`months`), oldest first; only what happened by
    `today` counts (3 queries)."""
    wanted = months(today=today, since=since)
    rows = _rows(program, members)
    month_of = {m: i for i, m in enumerate(wanted)}
    n = len(wanted)
    applied: list[set[int]] = [set() for _ in range(n)]
    applications = [0] * n
    matched: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    running: list[dict[int, int]] = [{} for _ in range(n)]  # mentorship -> mentee
    for pk, mentee, _status, submitted, matched_at, accepted, _graduated, ended in rows:
        day = _day(submitted)
        if day is not None and day <= today and (i := month_of.get(day.replace(day=1))) is not None:
            applications[i] += 1
            applied[i].add(mentee)
        day = _day(matched_at)
        if (
            day is not None
            and day <= today
            and (i := month_of.get(day.replace(day=1))) is not None
            and matched_at is not None
        ):
            matched[i].append((mentee, (matched_at - submitted).total_seconds() / 86400))
        accepted_on, ended_on = _day(accepted), _day(ended)
        if accepted_on is None or accepted_on > today:
            continue
        for i, month in enumerate(wanted):
            if accepted_on < _next_month(month) and (ended_on is None or ended_on >= month):
                running[i][pk] = mentee
    reported = set(
        MonthlyReport.objects.filter(mentorship__program=program, month__in=wanted)
        .order_by()
        .values_list("mentorship_id", "month")
    )
    reviews: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    found = Review.objects.filter(
        mentorship__program=program, rating__isnull=False, submitted_at__isnull=False
    )
    if members is not None:
        found = found.filter(mentorship__mentee_id__in=members)
    for reviewer, rating, submitted in found.order_by().values_list(
        "reviewer_id", "rating", "submitted_at"
    ):
        day = _day(submitted)
        if rating is None or day is None or day > today:
            continue
        if (i := month_of.get(day.replace(day=1))) is not None:
            reviews[i].append((reviewer, rating))
    result = []
    this_month = today.replace(day=1)
    for i, month in enumerate(wanted):
        matched_people = len({m for m, _d in matched[i]})
        active_people = len(set(running[i].values()))
        review_people = len({r for r, _x in reviews[i]})
        days = [d for _m, d in matched[i]]
        ratings = [x for _r, x in reviews[i]]
        result.append(
            Point(
                month=month,
                complete=month < this_month,
                applications=applications[i],
                matched=len(matched[i]),
                active=len(running[i]),
                reported=sum(1 for pk in running[i] if (pk, month) in reported),
                people=len(applied[i] | {m for m, _d in matched[i]} | set(running[i].values())),
                matched_people=matched_people,
                active_people=active_people,
                review_people=review_people,
                match_days=round(statistics.median(days), 1)
                if days and matched_people >= MIN_PEOPLE
                else None,
                review_mean=round(sum(ratings) / len(ratings), 2)
                if ratings and review_people >= MIN_PEOPLE
                else None,
            )
        )
    return result


def has_reviews(program: Program) -> bool:
    """Whether the programme has any review with a rating (the page's review column)."""
    return Review.objects.filter(
        mentorship__program=program, rating__isnull=False, submitted_at__isnull=False
    ).exists()


def funnel(
    program: Program,
    *,
    today: dt.date,
    since: dt.date | None = None,
    members: QuerySet[Any, int] | None = None,
) -> list[Stage]:
    """Of the applications made from `since` (default: ever) to `today`, how many reached each
    stage by `today`: matched (a mentor assigned), accepted (by the mentor), active
    (orientation done), completed (ended after being active). 1 query."""
    reached: dict[str, list[int]] = {key: [] for key in STAGES}

    def by_today(value: dt.datetime | None) -> bool:
        day = _day(value)
        return day is not None and day <= today

    for _pk, mentee, status, submitted, matched_at, accepted, graduated, ended in _rows(
        program, members
    ):
        day = _day(submitted)
        if day is None or day > today or (since is not None and day < since):
            continue
        reached["applied"].append(mentee)
        for key, when in (("matched", matched_at), ("accepted", accepted), ("active", graduated)):
            if by_today(when):
                reached[key].append(mentee)
        if by_today(graduated) and status == MentorshipStatus.ENDED and by_today(ended):
            reached["completed"].append(mentee)
    applied = len(reached["applied"])
    applied_people = len(set(reached["applied"]))
    return [
        Stage(
            key=key,
            count=len(reached[key]),
            people=len(set(reached[key])),
            share=percent(len(reached[key]), applied) if applied_people >= MIN_PEOPLE else None,
        )
        for key in STAGES
    ]
