"""Coffee rounds' metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md): met
rate and members active after 3 rounds (PRODUCT.md §5), per programme and for the whole site
(`program=None`). Registered in RoundsConfig.ready(); never a text, counts only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists
from django.db.models import Max
from django.db.models import Min
from django.db.models import OuterRef
from django.utils.translation import gettext_lazy

from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.evaluation.kpi import percent
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.rounds.models import MET_ANSWERS
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup

WINDOW_DAYS = 365
ACTIVE_AFTER = 3  # rounds


def _rounds(program: Program | None):  # type: ignore[no-untyped-def]
    rounds = Round.objects.filter(program__kind=ProgramKind.COFFEE)
    return rounds if program is None else rounds.filter(program=program)


def met_rate(program: Program | None, today: dt.date) -> Figure:
    """Groups where someone answered "all" or "some" ÷ groups, over the rounds whose meeting
    window closed in the last year. People: the members of those groups."""
    closed = _rounds(program).filter(
        meet_by__lt=today, meet_by__gte=today - dt.timedelta(days=WINDOW_DAYS)
    )
    groups = RoundGroup.objects.filter(round__in=closed)
    total = groups.count()
    met = groups.filter(
        Exists(GroupMember.objects.filter(group=OuterRef("pk"), answer__in=MET_ANSWERS))
    ).count()
    people = GroupMember.objects.filter(round__in=closed).values("user_id").distinct().count()
    return Figure(value=percent(met, total), people=people, numerator=met, denominator=total)


def active_after_rounds(program: Program | None, today: dt.date) -> Figure:
    """Of the members first drawn at least 3 rounds before the programme's latest round, the
    share still taking part (enrolment active or paused) today."""
    latest = dict(
        _rounds(program)
        .values("program_id")
        .annotate(n=Max("number"))
        .order_by()
        .values_list("program_id", "n")
    )
    firsts = (
        GroupMember.objects.filter(round__in=_rounds(program))
        .values("round__program_id", "user_id")
        .annotate(first=Min("round__number"))
        .order_by()
        .values_list("round__program_id", "user_id", "first")
    )
    cohort: dict[int, set[int]] = defaultdict(set)
    for program_id, user_id, first in firsts:
        if first <= latest.get(program_id, 0) - ACTIVE_AFTER:
            cohort[program_id].add(user_id)
    total = sum(len(users) for users in cohort.values())
    if not total:
        return Figure(value=None, people=0)
    staying = sum(
        1
        for program_id, user_id in Enrollment.objects.filter(
            program_id__in=list(cohort),
            status__in=(EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED),
        ).values_list("program_id", "user_id")
        if user_id in cohort[program_id]
    )
    return Figure(value=percent(staying, total), people=total, numerator=staying, denominator=total)


_CLOSED = gettext_lazy(
    "Only rounds whose meeting window has closed (meet-by date before today) in the last 365 "
    "days count. An unanswered check-in is unknown, never a no: a group where nobody "
    "answered counts as not met."
)

METRICS = (
    Metric(
        key="met_rate",
        name=gettext_lazy("Met rate"),
        definition=gettext_lazy(
            "Coffee groups where at least one member answered that all or some of them met, "
            "divided by all groups, over the rounds whose meeting window closed in the last "
            "365 days. People: the members of those groups."
        ),
        unit=Unit.PERCENT,
        unknowns=_CLOSED,
        compute=met_rate,
        kinds=(ProgramKind.COFFEE.value,),
    ),
    Metric(
        key="active_after_3_rounds",
        name=gettext_lazy("Members active after 3 rounds"),
        definition=gettext_lazy(
            "Of the members first drawn at least 3 rounds before the programme's latest "
            "round, the share whose enrolment is still active or paused today. People: those "
            "members."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "Members who left count as not active; members never drawn are not counted. "
            "Fewer than 4 rounds: no figure."
        ),
        compute=active_after_rounds,
        kinds=(ProgramKind.COFFEE.value,),
    ),
)
