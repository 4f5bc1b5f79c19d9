"""Retention cohorts (evaluation/cohorts.py) on hand-made enrolments with known answers: who is
still taking part after 1, 3 and 6 months, "not yet" cells, small cohorts hidden, the since and
team filters, the `retention_3_months` metric and the table's template."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from peerly.evaluation import cohorts
from peerly.evaluation import kpi
from peerly.evaluation.cohorts import HIDDEN
from peerly.evaluation.cohorts import NOT_YET
from peerly.evaluation.cohorts import SHOWN
from peerly.evaluation.cohorts import cohort_table
from peerly.evaluation.cohorts import months_later
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = EnrollmentStatus
JAN = dt.date(2027, 1, 1)
FEB = dt.date(2027, 2, 1)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def join(
    program: Program,
    joined: dt.date | dt.datetime | None,
    *,
    left: dt.date | None = None,
    status: str | None = None,
    team: str = "Engineering",
    team_visibility: str | None = None,
) -> Enrollment:
    """A member who joined on `joined` (noon UTC) and left on `left` (status left)."""
    user = UserFactory(profile__team=team)
    if team_visibility is not None:
        user.profile.field_visibility = {"team": team_visibility}
        user.profile.save()
    if status is None:
        status = S.LEFT if left is not None else S.ACTIVE
    joined_at = joined if isinstance(joined, dt.datetime) or joined is None else at(joined)
    return EnrollmentFactory(
        program=program,
        user=user,
        status=status,
        joined_at=joined_at,
        left_at=at(left) if left is not None else None,
    )


def row_for(table: cohorts.CohortTable, month: dt.date) -> cohorts.CohortRow:
    (row,) = [r for r in table.rows if r.month == month]
    return row


def shares(row: cohorts.CohortRow) -> list[float | str | None]:
    return [c.share if c.status == SHOWN else c.status for c in row.cells]


@pytest.fixture
def program() -> Program:
    return ProgramFactory()


# ------------------------------------------------------------------------------ months
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2027, 1, 10), 1, dt.date(2027, 2, 10)),
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2027, 5, 31), -3, dt.date(2027, 2, 28)),
    ],
)
def test_months_later_keeps_the_day_or_takes_the_last_one(day, months, expected) -> None:
    assert months_later(day, months) == expected


# --------------------------------------------------------------------------- the table
def test_joined_in_january_and_left_in_february_is_not_active_after_1_month(program) -> None:
    join(program, dt.date(2027, 1, 10), left=dt.date(2027, 2, 5))  # before Feb 10: gone
    join(program, dt.date(2027, 1, 10), left=dt.date(2027, 2, 10))  # on the day: gone
    join(program, dt.date(2027, 1, 10), left=dt.date(2027, 2, 11))  # 1 month yes, 3 no
    join(program, dt.date(2027, 1, 10), status=S.PAUSED)  # paused: still taking part
    join(program, dt.date(2027, 1, 10))
    join(program, dt.date(2027, 1, 31), left=dt.date(2027, 2, 28))  # Jan 31 + 1 month = Feb 28
    table = cohort_table(program, today=dt.date(2027, 8, 15))
    row = row_for(table, JAN)
    assert row.size == 6
    # after 1 month: the one who left Feb 11, paused, active = 3 of 6; after 3 and 6: 2 of 6
    assert shares(row) == [50.0, 33.3, 33.3]
    assert [c.on for c in row.cells] == [
        dt.date(2027, 2, 28),
        dt.date(2027, 4, 30),
        dt.date(2027, 7, 31),
    ]


def test_joined_two_months_ago_the_later_cells_are_not_yet(program) -> None:
    for _ in range(5):
        join(program, dt.date(2027, 1, 10))
    table = cohort_table(program, today=dt.date(2027, 3, 15))
    row = row_for(table, JAN)
    assert shares(row) == [100.0, NOT_YET, NOT_YET]
    assert row.cells[2].share is None and row.cells[2].not_yet
    # the 3-month cell is known from the last day of April, not before
    assert shares(row_for(cohort_table(program, today=dt.date(2027, 4, 29)), JAN))[1] == NOT_YET
    assert shares(row_for(cohort_table(program, today=dt.date(2027, 4, 30)), JAN))[1] == 100.0


def test_a_cohort_of_four_shows_neither_its_size_nor_shares(program) -> None:
    for _ in range(4):
        join(program, dt.date(2027, 2, 3))
    join(program, dt.date(2027, 2, 4), left=dt.date(2027, 2, 20))
    for _ in range(4):
        join(program, dt.date(2027, 3, 3))
    table = cohort_table(program, today=dt.date(2027, 12, 1))
    february, march = row_for(table, FEB), row_for(table, dt.date(2027, 3, 1))
    assert february.size == 5 and shares(february) == [80.0, 80.0, 80.0]
    # known once the last of them (joined on the 28th at the latest) has reached k months
    assert [c.on for c in february.cells] == [
        dt.date(2027, 3, 28),
        dt.date(2027, 5, 28),
        dt.date(2027, 8, 28),
    ]
    assert march.size is None and march.too_few
    assert shares(march) == [HIDDEN, HIDDEN, HIDDEN]
    html = render_to_string("evaluation/_cohorts.html", {"cohorts": table})
    march_row = html.split("March 2027")[1].split("</tr>")[0]
    assert "fewer than 5" in march_row and "%" not in march_row and ">4<" not in march_row


def test_only_members_who_were_ever_active_with_a_joining_date_count(program) -> None:
    for _ in range(5):
        join(program, dt.date(2027, 1, 10))
    join(program, dt.date(2027, 1, 10), status=S.APPLIED)
    join(program, dt.date(2027, 1, 10), status=S.DECLINED)
    join(program, None, status=S.ACTIVE)  # no joining date: no cohort
    join(ProgramFactory(), dt.date(2027, 1, 10))  # another programme
    assert row_for(cohort_table(program, today=dt.date(2027, 9, 1)), JAN).size == 5


def test_left_without_a_date_counts_as_left(program) -> None:
    for _ in range(4):
        join(program, dt.date(2027, 1, 10))
    join(program, dt.date(2027, 1, 10), status=S.LEFT)  # no left_at
    assert shares(row_for(cohort_table(program, today=dt.date(2027, 9, 1)), JAN)) == [80.0] * 3


def test_cohorts_are_by_the_local_month_of_joining(program, settings) -> None:
    settings.TIME_ZONE = "Europe/Berlin"
    for _ in range(5):  # 31 January 23:30 UTC is 1 February in Berlin
        join(program, dt.datetime(2027, 1, 31, 23, 30, tzinfo=dt.UTC))
    table = cohort_table(program, today=dt.date(2027, 9, 1))
    assert [r.month for r in table.rows] == [FEB]


def test_since_keeps_the_members_who_joined_on_or_after_it(program) -> None:
    for _ in range(5):
        join(program, dt.date(2027, 1, 10))
    for _ in range(5):
        join(program, dt.date(2027, 1, 20), left=dt.date(2027, 1, 25))
    for _ in range(5):
        join(program, dt.date(2027, 2, 2))
    today = dt.date(2027, 9, 1)
    everyone = cohort_table(program, today=today)
    assert [(r.month, r.size) for r in everyone.rows] == [(JAN, 10), (FEB, 5)]
    from_feb = cohort_table(program, today=today, since=FEB)
    assert [(r.month, r.size) for r in from_feb.rows] == [(FEB, 5)]
    from_jan_20 = cohort_table(program, today=today, since=dt.date(2027, 1, 20))
    assert shares(row_for(from_jan_20, JAN)) == [0.0, 0.0, 0.0]  # only the five who left
    assert from_jan_20.since == dt.date(2027, 1, 20)


def test_team_keeps_only_members_who_show_that_team_to_organisers(program) -> None:
    for _ in range(5):
        join(program, dt.date(2027, 1, 10), team="Sales")
    # keeps their team to themselves: organisers do not see it, so not in the team
    join(program, dt.date(2027, 1, 10), left=dt.date(2027, 1, 12), team="Sales",
         team_visibility="private")  # fmt: skip
    for _ in range(5):
        join(program, dt.date(2027, 1, 10), left=dt.date(2027, 1, 12), team="Engineering")
    today = dt.date(2027, 9, 1)
    assert row_for(cohort_table(program, today=today), JAN).size == 11
    sales = cohort_table(program, today=today, team="Sales")
    assert sales.team == "Sales"
    assert row_for(sales, JAN).size == 5 and shares(row_for(sales, JAN)) == [100.0] * 3
    engineering = row_for(cohort_table(program, today=today, team="Engineering"), JAN)
    assert engineering.size == 5 and shares(engineering) == [0.0] * 3


def test_at_most_the_last_24_cohorts_oldest_first(program) -> None:
    first = dt.date(2024, 1, 5)
    for k in range(27):
        join(program, months_later(first, k))
    join(program, dt.date(2027, 12, 1))  # after today: not a cohort yet
    table = cohort_table(program, today=dt.date(2026, 3, 20))
    months = [r.month for r in table.rows]
    assert len(months) == 24 and months == sorted(months)
    assert months[0] == dt.date(2024, 4, 1) and months[-1] == dt.date(2026, 3, 1)


def test_no_members_no_rows(program) -> None:
    table = cohort_table(program, today=dt.date(2027, 1, 1))
    assert table.rows == ()
    html = render_to_string("evaluation/_cohorts.html", {"cohorts": table})
    assert "no cohorts" in html and "<table" not in html


def test_the_template_is_an_accessible_table(program) -> None:
    for _ in range(5):
        join(program, dt.date(2027, 1, 10))
    join(program, dt.date(2027, 1, 11), left=dt.date(2027, 1, 13))
    table = cohort_table(program, today=dt.date(2027, 3, 15), since=JAN, team="Engineering")
    html = render_to_string("evaluation/_cohorts.html", {"cohorts": table})
    assert "<caption" in html and "still taking part" in html
    assert "on or after" in html and "Engineering" in html  # the filters are in the caption
    assert html.count('scope="col"') == 5 and '<th scope="row">January 2027</th>' in html
    assert "83 %" in html and html.count("not yet") == 2 and "<td>6</td>" in html
    assert 'href="/metrics/#retention_3_months"' in html


def test_the_table_costs_the_same_queries_at_any_size() -> None:
    def queries(n: int) -> int:
        program = ProgramFactory()
        for i in range(n):
            join(program, months_later(dt.date(2025, 1, 15), i % 30), team="Sales")
        with CaptureQueriesContext(connection) as ctx:
            table = cohort_table(program, today=dt.date(2027, 9, 1), team="Sales")
        assert table.rows
        return len(ctx.captured_queries)

    small, big = queries(6), queries(90)
    assert big <= small


# -------------------------------------------------------------------------- the metric
def retention(program: Program | None = None, **filters: object) -> kpi.Figure:
    return kpi.get("retention_3_months").figure(
        program=program,
        today=dt.date(2027, 5, 10),
        **filters,  # type: ignore[arg-type]
    )


def test_the_metric_is_registered_for_every_kind_with_both_filters() -> None:
    metric = kpi.get("retention_3_months")
    assert metric.kinds == () and metric.unit is kpi.Unit.PERCENT
    assert metric.filters == kpi.FILTERS
    assert [m.key for m in kpi.registry()].index("retention_3_months") > [
        m.key for m in kpi.registry()
    ].index("cross_team_ties")
    for kind in ProgramKind.values:
        assert metric in kpi.for_kind(kind)


def test_the_metric_counts_members_who_joined_at_least_3_months_ago(program) -> None:
    for _ in range(4):
        join(program, dt.date(2027, 1, 10))
    join(program, dt.date(2027, 1, 10), left=dt.date(2027, 4, 9))  # left before Apr 10
    join(program, dt.date(2027, 2, 10), left=dt.date(2027, 5, 10))  # left on the day: gone
    join(program, dt.date(2027, 2, 11), left=dt.date(2027, 3, 1))  # 3 months on May 11: not due
    join(program, dt.date(2027, 2, 9), status=S.PAUSED)  # 3 months on May 9: paused, in
    figure = retention(program)
    assert (figure.value, figure.people) == (71.4, 7)
    assert (figure.numerator, figure.denominator) == (5, 7)


def test_the_metric_hides_fewer_than_5_and_honours_since_and_team(program) -> None:
    for _ in range(5):
        join(program, dt.date(2026, 6, 1), team="Sales")
    for _ in range(5):
        join(program, dt.date(2027, 1, 5), left=dt.date(2027, 1, 6), team="Engineering")
    join(program, dt.date(2027, 1, 5), team="Sales")
    assert retention(program).value == round(100 * 6 / 11, 1)
    assert retention(program, team="Sales").value == 100.0
    assert retention(program, team="Engineering").value == 0.0
    late = retention(program, since=dt.date(2027, 1, 1))
    assert (late.value, late.people) == (round(100 / 6, 1), 6)
    few = retention(program, since=dt.date(2027, 1, 1), team="Sales")  # one person
    assert (few.value, few.numerator, few.denominator) == (None, None, None)


def test_the_metric_for_the_whole_site_counts_every_programme(program) -> None:
    other = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    for _ in range(3):
        join(program, dt.date(2027, 1, 5))
    for _ in range(3):
        join(other, dt.date(2027, 1, 5), left=dt.date(2027, 1, 7))
    assert retention(program).value is None  # 3 people
    site = retention(None)
    assert (site.value, site.people) == (50.0, 6)
