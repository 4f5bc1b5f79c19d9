"""Coffee rounds' metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md): met
rate and members active after 3 rounds (PRODUCT.md §5), per programme and for the whole site
(`program=None`), optionally from a date (`since`) and for one team's members (`members`,
see kpi.FILTERS). Registered in RoundsConfig.ready(); never a text, counts only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists
from django.db.models import Max
from django.db.models import Min
from django.db.models import OuterRef
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from peerly.evaluation import kpi
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


def met_rate(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Groups where someone answered "all" or "some" ÷ groups, over the rounds whose meeting
    window closed in the last year (from `since`, if given, instead). People: the members of
    those groups. With `members` (a team): only the groups with at least one of them, and
    people are those of them in the groups (whoever in the group answered decides "met")."""
    start = since if since is not None else today - dt.timedelta(days=WINDOW_DAYS)
    closed = _rounds(program).filter(meet_by__lt=today, meet_by__gte=start)
    groups = RoundGroup.objects.filter(round__in=closed)
    seats = GroupMember.objects.filter(round__in=closed)
    if members is not None:
        seats = seats.filter(user_id__in=members)
        groups = groups.filter(Exists(seats.filter(group=OuterRef("pk"))))
    total = groups.count()
    met = groups.filter(
        Exists(GroupMember.objects.filter(group=OuterRef("pk"), answer__in=MET_ANSWERS))
    ).count()
    people = seats.values("user_id").distinct().count()
    return Figure(value=percent(met, total), people=people, numerator=met, denominator=total)


def active_after_rounds(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Of the members first drawn at least 3 rounds before the programme's latest round, the
    share still taking part (enrolment active or paused) today. With `since`: only the members
    first drawn (their first round published) on or after that day; with `members` (a team):
    only those of them."""
    latest = dict(
        _rounds(program)
        .values("program_id")
        .annotate(n=Max("number"))
        .order_by()
        .values_list("program_id", "n")
    )
    seats = GroupMember.objects.filter(round__in=_rounds(program))
    if members is not None:
        seats = seats.filter(user_id__in=members)
    firsts = (
        seats.values("round__program_id", "user_id")
        .annotate(first=Min("round__number"), first_at=Min("round__published_at"))
        .order_by()
        .values_list("round__program_id", "user_id", "first", "first_at")
    )
    start = kpi.day_start(since) if since is not None else None
    cohort: dict[int, set[int]] = defaultdict(set)
    for program_id, user_id, first, first_at in firsts:
        if first > latest.get(program_id, 0) - ACTIVE_AFTER:
            continue
        if start is None or first_at >= start:
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
    "days, or from the chosen start date, count. An unanswered check-in is unknown, never a "
    "no: a group where nobody answered counts as not met. For a team: the groups with at "
    "least one of its members, and only they count as people; anyone's answer in the group "
    "counts."
)

METRICS = (
    Metric(
        key="met_rate",
        name=gettext_lazy("Met rate"),
        definition=gettext_lazy(
            "Coffee groups where at least one member answered that all or some of them met, "
            "divided by all groups, over the rounds whose meeting window closed in the last "
            "365 days (from a start date: the rounds whose meet-by date is from that day to "
            "before today). People: the members of those groups."
        ),
        unit=Unit.PERCENT,
        unknowns=_CLOSED,
        compute=met_rate,
        kinds=(ProgramKind.COFFEE.value,),
        filters=kpi.FILTERS,
    ),
    Metric(
        key="active_after_3_rounds",
        name=gettext_lazy("Members active after 3 rounds"),
        definition=gettext_lazy(
            "Of the members first drawn at least 3 rounds before the programme's latest "
            "round, the share whose enrolment is still active or paused today (from a start "
            "date: only the members first drawn on or after it). People: those members."
        ),
        unit=Unit.PERCENT,
        unknowns=gettext_lazy(
            "Members who left count as not active; members never drawn are not counted. "
            "Fewer than 4 rounds: no figure. For a team: only its members, first drawn in "
            "whichever group."
        ),
        compute=active_after_rounds,
        kinds=(ProgramKind.COFFEE.value,),
        filters=kpi.FILTERS,
    ),
)
