"""Peer-coaching circles' metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md):
session completion and attendance (PRODUCT.md §5), per programme and for the whole site
(`program=None`), with the same definitions as the organisers' season page
(`selectors.CircleHealth`), optionally from a date (`since`) and for one team's members
(`members`, see kpi.FILTERS). Registered in CirclesConfig.ready(); counts only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models import Exists
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from peerly.circles.models import Attendance
from peerly.circles.models import AttendanceStatus
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.evaluation import kpi
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.evaluation.kpi import percent
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind


def _past_sessions(
    program: Program | None, today: dt.date, since: dt.date | None = None
) -> QuerySet[CircleSession]:
    """Sessions that started before today (and on or after `since`, if given) and were not
    cancelled; days start at the site's local midnight."""
    sessions = CircleSession.objects.filter(circle__program__kind=ProgramKind.CIRCLE)
    if program is not None:
        sessions = sessions.filter(circle__program=program)
    if since is not None:
        sessions = sessions.filter(starts_at__gte=kpi.day_start(since))
    return sessions.filter(starts_at__lt=kpi.day_start(today)).exclude(
        status=SessionStatus.CANCELLED
    )


def session_completion(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Sessions held ÷ sessions scheduled (before today, from `since` if given, not cancelled).
    People: the members of the circles those sessions belong to. With `members` (a team): only
    the sessions of circles with at least one of them, and people are those of them."""
    past = _past_sessions(program, today, since)
    seats = CircleMember.objects.filter(circle__sessions__in=past)
    if members is not None:
        seats = seats.filter(user_id__in=members)
        past = past.filter(
            Exists(CircleMember.objects.filter(circle=OuterRef("circle"), user_id__in=members))
        )
    counts = past.aggregate(
        scheduled=Count("id"), held=Count("id", filter=Q(status=SessionStatus.HELD))
    )
    people = seats.values("user_id").distinct().count()
    return Figure(
        value=percent(counts["held"], counts["scheduled"]),
        people=people,
        numerator=counts["held"],
        denominator=counts["scheduled"],
    )


def attendance(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Present ÷ expected over the attendance recorded for held sessions (before today, from
    `since` if given). People: the members whose attendance was recorded. With `members` (a
    team): only their attendance."""
    rows = Attendance.objects.filter(session__in=_past_sessions(program, today, since))
    if members is not None:
        rows = rows.filter(user_id__in=members)
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
            "today (cancelled sessions left out; from a start date: the sessions starting from "
            "that day to before today). People: the members of those circles."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "A past session nobody marked held counts as not held. Cancelled sessions are not "
            "counted at all. For a team: the sessions of circles with at least one of its "
            "members, and only they count as people."
        ),
        compute=session_completion,
        kinds=(ProgramKind.CIRCLE.value,),
        filters=kpi.FILTERS,
    ),
    Metric(
        key="attendance",
        name=gettext_lazy("Attendance"),
        definition=gettext_lazy(
            "Of the attendance recorded for past sessions (from a start date: the sessions "
            "starting from that day to before today), the share marked present. People: the "
            "members whose attendance was recorded."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "Sessions without recorded attendance are not counted (a held session records "
            "everyone, present or absent). For a team: only its members' attendance."
        ),
        compute=attendance,
        kinds=(ProgramKind.CIRCLE.value,),
        filters=kpi.FILTERS,
    ),
)
