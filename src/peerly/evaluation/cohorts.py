"""Retention cohorts (issue 15): of the members who joined a programme in a month, how many
were still taking part 1, 3 and 6 months later.

Definitions (the same in the table, the `retention_3_months` metric, the API and
docs/evaluation.md):

- **Members**: the programme's enrolments that were ever active — status active, paused or
  left — with a joining date (`Enrollment.joined_at`). Applications waiting for approval and
  declined ones are not members. Someone who left and joined again counts once, from their
  latest joining (joining again resets the dates).
- **Joined on**: the local date (the site's time zone) of `joined_at`; a member's **cohort** is
  the calendar month of that date.
- **Still taking part after k months**: the member had not left by the date k months after
  they joined (the same day of the month, the last day when the month is shorter: joined on
  31 January, one month later is 28 or 29 February). "Had not left by then": no `left_at`, or
  the local date of `left_at` is after that date; leaving on that very day counts as left. A
  paused member is still taking part. An enrolment marked as left without a date counts as
  left from the start (never as still taking part).
- **A cohort's cell** for k months is known once every member of the cohort has reached k
  months: from k months after the last day of the cohort's month (the January cohort's
  3-month cell from 30 April, February's from 28 May). Before that date the cell is "not
  yet", never 0 %.
- **Shares** are per cent of the cohort's members, to one decimal. A cohort of fewer than 5
  people (MIN_PEOPLE) shows neither its size (only "fewer than 5") nor any share.
- **Filters** (kpi.FILTERS): `since` keeps the members who joined on or after that date;
  `team` keeps the members who show that team to organisers (`scope.team_members`).
- The table shows at most the last MAX_COHORTS cohorts (months in which someone joined),
  oldest first.

`cohort_table()` reads the programme's enrolments in two queries whatever its size; the
metric `retention_3_months` (registered by EvaluationConfig.ready()) in one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from django.db.models import Count
from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from peerly.core.aggregates import MIN_PEOPLE
from peerly.evaluation import kpi
from peerly.evaluation import scope
from peerly.feedback.ticks import add_months
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus

if TYPE_CHECKING:
    from peerly.programs.models import Program

MONTHS = (1, 3, 6)  # the table's columns: still taking part after this many months
MAX_COHORTS = 24
EVER_ACTIVE = (EnrollmentStatus.ACTIVE, EnrollmentStatus.PAUSED, EnrollmentStatus.LEFT)

NOT_YET = "not_yet"  # the cell's date is after today
HIDDEN = "hidden"  # the cohort has fewer than MIN_PEOPLE people
SHOWN = "shown"


def months_later(day: dt.date, months: int) -> dt.date:
    """`day` `months` later: the same day of the month, the last day when the month is
    shorter (one rule with the surveys' cadence, `feedback.ticks.add_months`)."""
    return add_months(dt.datetime.combine(day, dt.time()), months).date()


def _month_end(first: dt.date) -> dt.date:
    return months_later(first, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Member:
    """One enrolment as the definitions read it (plain values)."""

    joined_on: dt.date
    left_on: dt.date | None
    has_left: bool  # status "left" (with or without a date)

    def taking_part_on(self, day: dt.date) -> bool:
        """Still taking part on `day` (see the module doc: had not left by then)."""
        if not self.has_left and self.left_on is None:
            return True
        return self.left_on is not None and self.left_on > day

    def taking_part_after(self, months: int) -> bool:
        return self.taking_part_on(months_later(self.joined_on, months))


def _enrolments(
    program: Program | None,
    *,
    since: dt.date | None = None,
    members: Any = None,
    joined_from: dt.date | None = None,
    joined_until: dt.date | None = None,
) -> QuerySet[Enrollment]:
    """The members (ever active, with a joining date) of `program` (None: every programme),
    joined on or after `since` and `joined_from`, on or before `joined_until`; only
    `members` (user ids) when given."""
    rows = Enrollment.objects.filter(status__in=EVER_ACTIVE, joined_at__isnull=False)
    if program is not None:
        rows = rows.filter(program=program)
    for start in (since, joined_from):
        if start is not None:
            rows = rows.filter(joined_at__gte=kpi.day_start(start))
    if joined_until is not None:
        rows = rows.filter(joined_at__lt=kpi.day_start(joined_until + dt.timedelta(days=1)))
    if members is not None:
        rows = rows.filter(user_id__in=members)
    return rows.order_by()


def _members(rows: QuerySet[Enrollment]) -> Iterable[tuple[Member, int]]:
    """The enrolments as (member, how many): those with the same local joining and leaving
    days and status are counted together by the database (one query, a row per distinct
    day pair rather than per member)."""
    grouped = (
        rows.annotate(joined_on=TruncDate("joined_at"), left_on=TruncDate("left_at"))
        .values("joined_on", "left_on", "status")
        .annotate(n=Count("id"))
        .values_list("joined_on", "left_on", "status", "n")
        .order_by()
    )
    for joined_on, left_on, status, n in grouped:
        yield (
            Member(joined_on=joined_on, left_on=left_on, has_left=status == EnrollmentStatus.LEFT),
            n,
        )


@dataclass(frozen=True)
class CohortCell:
    months: int  # still taking part after this many months
    on: dt.date  # the date from which the cell is known
    status: str  # NOT_YET, HIDDEN or SHOWN
    share: float | None = None  # per cent of the cohort (SHOWN only)

    @property
    def not_yet(self) -> bool:
        return self.status == NOT_YET


@dataclass(frozen=True)
class CohortRow:
    month: dt.date  # the first day of the cohort's month
    size: int | None  # None: fewer than MIN_PEOPLE (the size is not shown either)
    cells: tuple[CohortCell, ...]

    @property
    def too_few(self) -> bool:
        return self.size is None


@dataclass(frozen=True)
class CohortTable:
    today: dt.date
    since: dt.date | None
    team: str | None
    months: tuple[int, ...]
    rows: tuple[CohortRow, ...]  # oldest cohort first

    @property
    def min_people(self) -> int:
        return MIN_PEOPLE


def _row(month: dt.date, members: list[tuple[Member, int]], today: dt.date) -> CohortRow:
    size = sum(n for _m, n in members)
    cells = []
    for k in MONTHS:
        on = months_later(_month_end(month), k)
        if on > today:
            cells.append(CohortCell(months=k, on=on, status=NOT_YET))
        elif size < MIN_PEOPLE:
            cells.append(CohortCell(months=k, on=on, status=HIDDEN))
        else:
            staying = sum(n for m, n in members if m.taking_part_after(k))
            cells.append(
                CohortCell(months=k, on=on, status=SHOWN, share=kpi.percent(staying, size))
            )
    return CohortRow(month=month, size=size if size >= MIN_PEOPLE else None, cells=tuple(cells))


def cohort_table(
    program: Program,
    *,
    today: dt.date,
    since: dt.date | None = None,
    team: str | None = None,
) -> CohortTable:
    """The retention table of `program` as of `today` (see the module doc), narrowed to the
    members who joined on or after `since` and to those who show `team` to organisers.
    Two queries: the last MAX_COHORTS months with a joiner, then those months' members."""
    members = scope.team_members(program, team) if team is not None else None
    rows = _enrolments(program, since=since, members=members, joined_until=today)
    months = list(
        rows.annotate(month=TruncMonth("joined_at"))
        .values_list("month", flat=True)
        .distinct()
        .order_by("-month")[:MAX_COHORTS]
    )
    if not months:
        return CohortTable(today=today, since=since, team=team, months=MONTHS, rows=())
    oldest = timezone.localdate(min(months)).replace(day=1)
    by_month: dict[dt.date, list[tuple[Member, int]]] = defaultdict(list)
    for member, n in _members(rows.filter(joined_at__gte=kpi.day_start(oldest))):
        by_month[member.joined_on.replace(day=1)].append((member, n))
    return CohortTable(
        today=today,
        since=since,
        team=team,
        months=MONTHS,
        rows=tuple(_row(month, by_month[month], today) for month in sorted(by_month)),
    )


# ------------------------------------------------------------------------ KPI dictionary
RETENTION_MONTHS = 3


def retention_3_months(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: Any = None,
) -> kpi.Figure:
    """Of the members who joined at least 3 months before `today` (on or after `since`; of
    `members` when given), the share still taking part 3 months after joining. People: those
    members."""
    # a few days' margin in the query (31 May - 3 months is 28 February, but 30 November
    # + 3 months is also 28 February); the exact rule below
    until = months_later(today, -RETENTION_MONTHS) + dt.timedelta(days=3)
    rows = _enrolments(program, since=since, members=members, joined_until=until)
    due = [
        (m, n) for m, n in _members(rows) if months_later(m.joined_on, RETENTION_MONTHS) <= today
    ]
    total = sum(n for _m, n in due)
    staying = sum(n for m, n in due if m.taking_part_after(RETENTION_MONTHS))
    return kpi.Figure(
        value=kpi.percent(staying, total), people=total, numerator=staying, denominator=total
    )


RETENTION = kpi.Metric(
    key="retention_3_months",
    name=gettext_lazy("Still taking part after 3 months"),
    definition=gettext_lazy(
        "Of the members who joined at least 3 months ago (enrolment active, paused or left, "
        "with a joining date), the share who had not left 3 months after the day they joined "
        "(leaving on that day counts as left; a paused member is still taking part). People: "
        "those members."
    ),
    unit=kpi.Unit.PERCENT,
    unknowns=gettext_lazy(
        "Someone who left and joined again counts from their latest joining. An enrolment "
        "marked as left without a date counts as left. Applications waiting for approval and "
        "declined ones are not counted."
    ),
    compute=retention_3_months,
    filters=kpi.FILTERS,
)
