"""Mentorship's metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md): time to
match and monthly report rate (PRODUCT.md §5), per programme and for the whole site
(`program=None`). Registered in MentorshipConfig.ready(); counts and dates only."""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

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


def _mentorships(program: Program | None) -> QuerySet[Mentorship]:
    found = Mentorship.objects.filter(program__kind=ProgramKind.MENTORSHIP)
    return found if program is None else found.filter(program=program)


def time_to_match(program: Program | None, today: dt.date) -> Figure:
    """Median days from application to first assignment of a mentor, over the mentorships
    matched in the last 365 days. People: those mentees."""
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=WINDOW_DAYS), dt.time.min)
    )
    rows = list(
        _mentorships(program)
        .filter(matched_at__isnull=False, matched_at__gte=since)
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


def report_rate(program: Program | None, today: dt.date) -> Figure:
    """Of the (mentorship, month) pairs of the last 3 complete months in which the mentorship
    was running (accepted before the month ended, not ended before it began), the share with
    a monthly report. People: the mentees of those mentorships."""
    months = _month_starts(today, REPORT_MONTHS)
    month_ends = {m: (m + dt.timedelta(days=32)).replace(day=1) for m in months}
    running = list(
        _mentorships(program)
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
            "of a mentor, over the mentorships matched in the last 365 days. People: those "
            "mentees."
        ),
        unit=Unit.DAYS,
        unknowns=gettext_lazy(
            "Applications not matched yet are not counted (they make no figure until they are "
            "matched); a later reassignment does not change the first match."
        ),
        compute=time_to_match,
        kinds=(ProgramKind.MENTORSHIP.value,),
    ),
    Metric(
        key="report_rate",
        name=gettext_lazy("Monthly report rate"),
        definition=gettext_lazy(
            "Of the months in the last three complete months in which a mentorship was "
            "running (accepted before the month ended and not ended before it began), the "
            "share with a monthly report. People: the mentees of those mentorships."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "A month without a report counts as not reported; mentorships not accepted yet are "
            "not counted."
        ),
        compute=report_rate,
        kinds=(ProgramKind.MENTORSHIP.value,),
    ),
)
