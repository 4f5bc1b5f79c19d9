"""Mentorship's metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md): time to
match and monthly report rate (PRODUCT.md §5), per programme and for the whole site
(`program=None`), optionally from a date (`since`) and for one team's mentees (`members`, see
kpi.FILTERS). Registered in MentorshipConfig.ready(); counts and dates only."""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from peerly.evaluation import kpi
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.evaluation.kpi import percent
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind

WINDOW_DAYS = 365
REPORT_MONTHS = 3  # the last complete months the report rate looks at
MAX_REPORT_MONTHS = 24  # with a start date: at most this many complete months


def _mentorships(program: Program | None, members: QuerySet | None = None) -> QuerySet[Mentorship]:
    found = Mentorship.objects.filter(program__kind=ProgramKind.MENTORSHIP)
    if members is not None:
        found = found.filter(mentee_id__in=members)
    return found if program is None else found.filter(program=program)


def time_to_match(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Median days from application to first assignment of a mentor, over the mentorships
    matched in the last 365 days (on or after `since`, if given). People: those mentees (with
    `members`, a team: only those of them)."""
    start = since if since is not None else today - dt.timedelta(days=WINDOW_DAYS)
    rows = list(
        _mentorships(program, members)
        .filter(matched_at__isnull=False, matched_at__gte=kpi.day_start(start))
        .values_list("mentee_id", "submitted_at", "matched_at")
    )
    days = [
        (matched - submitted).total_seconds() / 86400
        for _m, submitted, matched in rows
        if matched is not None
    ]
    value = round(statistics.median(days), 1) if days else None
    return Figure(value=value, people=len({m for m, _s, _t in rows}), denominator=len(days))


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` complete months before `today`'s month, oldest first."""
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _months_since(since: dt.date, today: dt.date) -> int:
    """How many complete months there are from `since`'s month to the month before `today`'s,
    at most MAX_REPORT_MONTHS (0 when `since` is in today's month or later)."""
    count = (today.year - since.year) * 12 + today.month - since.month
    return max(0, min(count, MAX_REPORT_MONTHS))


def report_rate(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Of the (mentorship, month) pairs of the last 3 complete months (with `since`: of the
    complete months from `since`'s month on, at most 24) in which the mentorship was running
    (accepted before the month ended, not ended before it began), the share with a monthly
    report. People: the mentees of those mentorships (with `members`, a team: only those)."""
    count = REPORT_MONTHS if since is None else _months_since(since, today)
    months = _month_starts(today, count)
    if not months:
        return Figure(value=None, people=0)
    month_ends = {m: (m + dt.timedelta(days=32)).replace(day=1) for m in months}
    running = list(
        _mentorships(program, members)
        .filter(accepted_at__isnull=False)
        .values_list("pk", "mentee_id", "accepted_at", "ended_at")
    )
    expected: set[tuple[int, dt.date]] = set()
    mentees: set[int] = set()
    for pk, mentee, accepted, ended in running:
        for month in months:
            if timezone.localdate(accepted) < month_ends[month] and (
                ended is None or timezone.localdate(ended) >= month
            ):
                expected.add((pk, month))
                mentees.add(mentee)
    reported = set(
        MonthlyReport.objects.filter(
            mentorship_id__in={pk for pk, _m in expected}, month__in=months
        ).values_list("mentorship_id", "month")
    )
    done = len(expected & reported)
    total = len(expected)
    return Figure(
        value=percent(done, total), people=len(mentees), numerator=done, denominator=total
    )


METRICS = (
    Metric(
        key="time_to_match",
        name=gettext_lazy("Time to match (median)"),
        definition=gettext_lazy(
            "The median number of days from a mentee's application to the first assignment "
            "of a mentor, over the mentorships matched in the last 365 days (from a start date: "
            "matched on or after that day). People: those mentees."
        ),
        unit=Unit.DAYS,
        unknowns=gettext_lazy(
            "Applications not matched yet are not counted (they make no figure until they are "
            "matched); a later reassignment does not change the first match. For a team: only "
            "its members' applications as mentees."
        ),
        compute=time_to_match,
        kinds=(ProgramKind.MENTORSHIP.value,),
        filters=kpi.FILTERS,
    ),
    Metric(
        key="report_rate",
        name=gettext_lazy("Monthly report rate"),
        definition=gettext_lazy(
            "Of the months in the last three complete months (from a start date: the complete "
            "months from that date's month on, at most 24) in which a mentorship was running "
            "(accepted before the month ended and not ended before it began), the share with a "
            "monthly report. People: the mentees of those mentorships."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "A month without a report counts as not reported; mentorships not accepted yet are "
            "not counted. A start date in the current month leaves no complete month: no "
            "figure. For a team: only the mentorships of its members as mentees."
        ),
        compute=report_rate,
        kinds=(ProgramKind.MENTORSHIP.value,),
        filters=kpi.FILTERS,
    ),
)
