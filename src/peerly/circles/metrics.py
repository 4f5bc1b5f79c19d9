"""Peer-coaching circles' metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md):
session completion and attendance (PRODUCT.md §5), per programme and for the whole site
(`program=None`), with the same definitions as the organisers' season page
(`selectors.CircleHealth`). Registered in CirclesConfig.ready(); counts only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.evaluation.kpi import percent
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind


def _past_sessions(program: Program | None, today: dt.date) -> QuerySet[CircleSession]:
    """Sessions that started before today and were not cancelled."""
    sessions = CircleSession.objects.filter(circle__program__kind=ProgramKind.CIRCLE)
    if program is not None:
        sessions = sessions.filter(circle__program=program)
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return sessions.filter(starts_at__lt=start_of_today).exclude(status=SessionStatus.CANCELLED)


def session_completion(program: Program | None, today: dt.date) -> Figure:
    """Sessions held ÷ sessions scheduled (before today, not cancelled). People: the members
    of the circles those sessions belong to."""
    past = _past_sessions(program, today)
    counts = past.aggregate(
        scheduled=Count("id"), held=Count("id", filter=Q(status=SessionStatus.HELD))
    )
    people = (
        CircleMember.objects.filter(circle__sessions__in=past).values("user_id").distinct().count()
    )
    return Figure(
        value=percent(counts["held"], counts["scheduled"]),
        people=people,
        numerator=counts["held"],
        denominator=counts["scheduled"],
    )


def attendance(program: Program | None, today: dt.date) -> Figure:
    """Present ÷ expected over the attendance recorded for held sessions. People: the members
    whose attendance was recorded."""
    rows = Attendance.objects.filter(session__in=_past_sessions(program, today))
    counts = rows.aggregate(
        expected=Count("id"), present=Count("id", filter=Q(status=AttendanceStatus.PRESENT))
    )
    people = rows.values("user_id").distinct().count()
    return Figure(
        value=percent(counts["present"], counts["expected"]),
        people=people,
        numerator=counts["present"],
        denominator=counts["expected"],
    )


METRICS = (
    Metric(
        key="session_completion",
        name=gettext_lazy("Session completion"),
        definition=gettext_lazy(
            "Circle sessions marked held divided by the sessions scheduled to start before "
            "today (cancelled sessions left out). People: the members of those circles."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "A past session nobody marked held counts as not held. Cancelled sessions are not "
            "counted at all."
        ),
        compute=session_completion,
        kinds=(ProgramKind.CIRCLE.value,),
    ),
    Metric(
        key="attendance",
        name=gettext_lazy("Attendance"),
        definition=gettext_lazy(
            "Of the attendance recorded for past sessions, the share marked present. People: "
            "the members whose attendance was recorded."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "Sessions without recorded attendance are not counted (a held session records "
            "everyone, present or absent)."
        ),
        compute=attendance,
        kinds=(ProgramKind.CIRCLE.value,),
    ),
)
