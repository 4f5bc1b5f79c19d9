"""The KPI dictionary's filters (issue 15: "filters by date range and team"), on hand-made data
with known answers: for each metric a start date (`since`) that drops old rows and a team that
narrows the people, where a member who hides their team from organisers is not in it; the
5-people rule on a team's figure; an unsupported filter gives no figure and `unavailable`; the
teams that may be chosen (`evaluation.scope.team_choices`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pytest
from django.utils import timezone

from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.circles import metrics as circle_metrics
from peerly.circles.models import Attendance
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.evaluation import kpi
from peerly.evaluation import scope
from peerly.feedback import bank
from peerly.feedback import metrics as feedback_metrics
from peerly.feedback.models import Anonymity
from peerly.feedback.models import Answer
from peerly.feedback.models import Question
from peerly.feedback.models import Response
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyKind
from peerly.growth import metrics as growth_metrics
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus
from peerly.growth.models import GoalStatus
from peerly.mentorship import metrics as mentorship_metrics
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.rounds import metrics as round_metrics
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.evaluation.conftest import TODAY
from tests.evaluation.conftest import action
from tests.evaluation.conftest import goal
from tests.factories import EnrollmentFactory
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NETWORK = {"distinct_people_met", "team_pairs_connected", "cross_team_ties"}
FEEDBACK = {"nps", "session_usefulness"}


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def in_team(users: Iterable[User], team: str, visibility: str | None = None) -> None:
    """Give `users` the team `team`, shown at `visibility` (None: the default, members of
    their programmes, which organisers see too)."""
    chosen = {"team": visibility} if visibility else {}
    Profile.objects.filter(user__in=list(users)).update(team=team, field_visibility=chosen)


def sales(program: Program | None, **kw: object):  # type: ignore[no-untyped-def]
    """The raw compute arguments for the team "Sales"."""
    return {"members": scope.team_members(program, "Sales"), **kw}


# ------------------------------------------------------------------------------ the contract
def test_which_metric_supports_which_filter() -> None:
    for metric in kpi.registry():
        assert metric.filters <= kpi.FILTERS, metric.key
        if metric.key in NETWORK:
            assert metric.filters == frozenset(), metric.key  # from a stored summary
        elif metric.key in FEEDBACK:
            assert metric.filters == {kpi.SINCE}, metric.key  # anonymous answers: no team
        else:
            assert metric.filters == kpi.FILTERS, metric.key


@pytest.mark.parametrize("kind", [k.value for k in ProgramKind])
def test_every_metric_computes_with_every_filter_it_supports(kind, members) -> None:
    """Each compute takes `since` and `members` (empty data: no figure, no error), per
    programme and for the whole site."""
    program = ProgramFactory(kind=kind)
    in_team(members(program, 5), "Sales")
    for target in (program, None):
        for shown in kpi.figures(
            kpi.for_kind(kind), program=target, today=TODAY, since=days_ago(30), team="Sales"
        ):
            wanted = shown.metric.filters == kpi.FILTERS
            assert shown.unavailable is not wanted, shown.metric.key
            assert shown.figure.value in (None, 0.0), shown.metric.key  # 0 goals per member


def test_an_unsupported_filter_is_unavailable_and_has_no_figure(members) -> None:
    program = ProgramFactory()
    people = members(program, 6)
    in_team(people, "Sales")
    scores = [10, 10, 9, 9, 3, 0]
    _feedback_answers(program, [(days_ago(3), s, None) for s in scores])
    nps = kpi.get("nps")
    assert nps.figure(program=program, today=TODAY).value == pytest.approx(33.3, abs=0.1)
    assert nps.supports(since=days_ago(30)) and not nps.supports(team="Sales")
    assert nps.figure(program=program, today=TODAY, team="Sales") == kpi.Figure(None, 0)
    [shown] = kpi.figures([nps], program=program, today=TODAY, team="Sales")
    assert shown.unavailable and shown.text == "" and shown.figure.value is None
    [dated] = kpi.figures([nps], program=program, today=TODAY, since=days_ago(30))
    assert not dated.unavailable and dated.figure.value == pytest.approx(33.3, abs=0.1)


def test_a_filter_is_passed_to_compute_only_when_set() -> None:
    calls: list[dict] = []

    def compute(program, today, **extra):  # type: ignore[no-untyped-def]
        calls.append(extra)
        return kpi.Figure(value=1.0, people=5)

    metric = kpi.Metric(
        key="t", name="t", definition="t", unit=kpi.Unit.PERCENT, unknowns="t", compute=compute
    )
    assert metric.figure(today=TODAY).value == 1.0
    assert metric.figure(today=TODAY, since=days_ago(1)).value is None  # not supported
    assert calls == [{}]
    dated = kpi.Metric(
        key="d",
        name="d",
        definition="d",
        unit=kpi.Unit.PERCENT,
        unknowns="d",
        compute=compute,
        filters=frozenset({kpi.SINCE}),
    )
    assert dated.figure(today=TODAY, since=days_ago(1)).value == 1.0
    assert calls[-1] == {"since": days_ago(1)}


# ------------------------------------------------------------------------------ team choices
def test_team_choices_need_five_members_showing_it_to_organisers(members) -> None:
    program = ProgramFactory()
    other = ProgramFactory()
    in_team(members(program, 4), "Sales")
    in_team(members(program, 1), "Sales", Visibility.ORGANISERS)  # organisers see it: counts
    in_team(members(program, 4), "Ops")  # 4 people: too few to choose
    in_team(members(program, 5), "Legal")
    in_team(members(program, 1), "Legal", Visibility.PRIVATE)  # hidden: not in the team
    in_team(members(program, 1), "Ops", Visibility.PRIVATE)  # still 4 shown
    in_team(members(other, 3), "Ops")  # another programme's members: not this one's
    in_team(members(program, 5, status=EnrollmentStatus.APPLIED), "Waiting")  # not taking part
    in_team(members(program, 5), "")  # no team
    assert scope.team_choices(program) == ["Legal", "Sales"]
    # site-wide: every member's profile (4 + 3 Ops; those waiting for approval too)
    assert scope.team_choices(None) == ["Legal", "Ops", "Sales", "Waiting"]
    hidden = Profile.objects.get(team="Legal", field_visibility={"team": "private"}).user_id
    legal = set(scope.team_members(program, "Legal"))
    assert len(legal) == 5 and hidden not in legal


# ----------------------------------------------------------------------------------- coffee
def _round(
    program, number: int, groups: list[list[User]], *, meet_by=TODAY, published=None, answers=None
):  # type: ignore[no-untyped-def]
    round_ = Round.objects.create(
        program=program,
        number=number,
        published_at=published or at(meet_by - dt.timedelta(days=14)),
        meets_from=meet_by - dt.timedelta(days=14),
        meet_by=meet_by,
    )
    for g, people in enumerate(groups, start=1):
        group = RoundGroup.objects.create(round=round_, number=g)
        for user in people:
            answer = (answers or {}).get(user.pk, "")
            GroupMember.objects.create(group=group, round=round_, user=user, answer=answer)
    return round_


def test_met_rate_since_counts_the_rounds_closed_from_that_day(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = members(program, 6)
    pairs = [people[0:2], people[2:4], people[4:6]]
    _round(program, 1, pairs, meet_by=days_ago(400), answers={p.pk: "all" for p in people})
    _round(program, 2, pairs, meet_by=days_ago(100), answers={people[0].pk: "all"})
    _round(program, 3, pairs, meet_by=days_ago(3), answers={people[0].pk: "some"})
    _round(program, 4, pairs, meet_by=TODAY, answers={p.pk: "all" for p in people})  # open
    figure = round_metrics.met_rate(program, TODAY)  # the last 365 days: rounds 2 and 3
    assert (figure.numerator, figure.denominator, figure.people) == (2, 6, 6)
    recent = kpi.get("met_rate").figure(program=program, today=TODAY, since=days_ago(30))
    assert (recent.numerator, recent.denominator, recent.value) == (1, 3, 33.3)
    # a start before the default window reaches further back; the end is still "before today"
    longer = round_metrics.met_rate(program, TODAY, since=days_ago(500))
    assert (longer.numerator, longer.denominator) == (5, 9)
    assert round_metrics.met_rate(program, TODAY, since=days_ago(3)).denominator == 3
    assert round_metrics.met_rate(program, TODAY, since=TODAY).denominator == 0


def test_met_rate_for_a_team_counts_its_groups_and_only_its_members(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = members(program, 12)
    in_team(people, "Ops")
    in_team(people[0:10:2], "Sales")  # one in each of the first five groups
    in_team([people[10]], "Sales", Visibility.PRIVATE)  # the sixth group: hidden
    groups = [people[i : i + 2] for i in range(0, 12, 2)]
    answers = {
        people[1].pk: "all",  # group 1: the other member's answer counts
        people[2].pk: "some",  # group 2
        people[4].pk: "no",  # group 3: not met; groups 4, 5: unknown
        people[10].pk: "all",  # group 6: met, but no team member is visible in it
    }
    _round(program, 1, groups, meet_by=days_ago(5), answers=answers)
    everyone = kpi.get("met_rate").figure(program=program, today=TODAY)
    assert (everyone.numerator, everyone.denominator, everyone.people) == (3, 6, 12)
    team = kpi.get("met_rate").figure(program=program, today=TODAY, team="Sales")
    assert (team.numerator, team.denominator, team.people, team.value) == (2, 5, 5, 40.0)
    both = round_metrics.met_rate(program, TODAY, **sales(program, since=days_ago(1)))
    assert (both.denominator, both.people) == (0, 0)


def test_a_team_figure_of_fewer_than_five_is_not_shown(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    people = members(program, 10)
    in_team(people, "Ops")
    in_team(people[0:8:2], "Sales")  # 4 of them
    in_team([people[8]], "Sales", Visibility.PRIVATE)  # a fifth who hides it
    groups = [people[i : i + 2] for i in range(0, 10, 2)]
    _round(program, 1, groups, meet_by=days_ago(5), answers={p.pk: "all" for p in people})
    raw = round_metrics.met_rate(program, TODAY, **sales(program))
    assert (raw.value, raw.people) == (100.0, 4)
    figure = kpi.get("met_rate").figure(program=program, today=TODAY, team="Sales")
    assert figure.value is None and figure.numerator is None and figure.denominator is None
    assert figure.too_few
    assert "Sales" not in scope.team_choices(program)


def test_active_after_3_rounds_since_and_team(members) -> None:
    program = ProgramFactory(kind=ProgramKind.COFFEE)
    early = members(program, 6)  # first drawn in round 1, 200 days ago
    later = members(program, 6)  # first drawn in round 2, 100 days ago
    newest = members(program, 2)  # first drawn in round 4: too recent to count
    for user in (early[0], later[0], later[1]):
        enrolment = program.enrollments.get(user=user)
        enrolment.status = EnrollmentStatus.LEFT
        enrolment.save()
    in_team(early + later + newest, "Ops")
    in_team([*early[:3], *later[:2]], "Sales")  # early[0], later[0] and later[1] left
    in_team([later[5]], "Sales", Visibility.PRIVATE)
    pairs = lambda users: [users[i : i + 2] for i in range(0, len(users), 2)]  # noqa: E731
    _round(program, 1, pairs(early), published=at(days_ago(200)))
    for n, day in ((2, 100), (3, 60), (5, 10)):
        _round(program, n, pairs(early + later), published=at(days_ago(day)))
    _round(program, 4, pairs(newest), published=at(days_ago(30)))
    everyone = round_metrics.active_after_rounds(program, TODAY)
    assert (everyone.numerator, everyone.denominator) == (9, 12)  # latest round 5: rounds <= 2
    recent = kpi.get("active_after_3_rounds").figure(
        program=program, today=TODAY, since=days_ago(150)
    )
    assert (recent.numerator, recent.denominator, recent.value) == (4, 6, 66.7)
    # published 100 days ago at noon: "on or after" that day counts it
    assert round_metrics.active_after_rounds(program, TODAY, since=days_ago(100)).denominator == 6
    assert round_metrics.active_after_rounds(program, TODAY, since=days_ago(99)).value is None
    team = kpi.get("active_after_3_rounds").figure(program=program, today=TODAY, team="Sales")
    assert (team.numerator, team.denominator, team.people, team.value) == (2, 5, 5, 40.0)
    both = round_metrics.active_after_rounds(program, TODAY, **sales(program, since=days_ago(150)))
    assert (both.numerator, both.denominator) == (0, 2)


# ---------------------------------------------------------------------------------- circles
def _seat(circle, users: Iterable[User]) -> None:  # type: ignore[no-untyped-def]
    for pos, user in enumerate(users):
        CircleMember.objects.create(circle=circle, season=circle.season, user=user, position=pos)


def _session(circle, number: int, day: dt.date, status: str) -> CircleSession:  # type: ignore[no-untyped-def]
    when = at(day, 18)
    return CircleSession.objects.create(
        circle=circle, number=number, original_starts_at=when, starts_at=when, status=status
    )


def _attend(session: CircleSession, present: Iterable[User], absent: Iterable[User]) -> None:
    for user in present:
        Attendance.objects.create(session=session, user=user, status="present")
    for user in absent:
        Attendance.objects.create(session=session, user=user, status="absent")


def test_circle_metrics_since_count_the_sessions_from_that_day(members, circle_of) -> None:
    program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=6)
    people = members(program, 6)
    circle = circle_of(program)
    _seat(circle, people)
    old = _session(circle, 1, days_ago(60), SessionStatus.HELD)
    recent = _session(circle, 2, days_ago(10), SessionStatus.HELD)
    _session(circle, 3, days_ago(5), SessionStatus.SCHEDULED)  # missed
    _session(circle, 4, days_ago(4), SessionStatus.CANCELLED)
    _session(circle, 5, TODAY, SessionStatus.SCHEDULED)  # today: not before today
    _attend(old, people[:5], people[5:])
    _attend(recent, people[:3], people[3:])
    completion = circle_metrics.session_completion(program, TODAY)
    assert (completion.numerator, completion.denominator) == (2, 3)
    dated = kpi.get("session_completion").figure(program=program, today=TODAY, since=days_ago(20))
    assert (dated.numerator, dated.denominator, dated.value, dated.people) == (1, 2, 50.0, 6)
    # a session on the start day itself counts (from the site's local midnight)
    assert circle_metrics.session_completion(program, TODAY, since=days_ago(10)).denominator == 2
    assert circle_metrics.session_completion(program, TODAY, since=days_ago(9)).denominator == 1
    attendance = circle_metrics.attendance(program, TODAY)
    assert (attendance.numerator, attendance.denominator) == (8, 12)
    dated = kpi.get("attendance").figure(program=program, today=TODAY, since=days_ago(20))
    assert (dated.numerator, dated.denominator, dated.value) == (3, 6, 50.0)


def test_circle_metrics_for_a_team(members, circle_of) -> None:
    program = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=6)
    a, b, c = members(program, 6), members(program, 6), members(program, 5)
    in_team(a + b + c, "Ops")
    in_team([*a[:3], *b[:2]], "Sales")
    in_team([b[2], c[0]], "Sales", Visibility.PRIVATE)  # hidden: not in the team
    circles = [circle_of(program) for _ in range(3)]
    for circle, people in zip(circles, (a, b, c), strict=True):
        _seat(circle, people)
    a1 = _session(circles[0], 1, days_ago(20), SessionStatus.HELD)
    _session(circles[0], 2, days_ago(13), SessionStatus.HELD)
    b1 = _session(circles[1], 1, days_ago(20), SessionStatus.HELD)
    _session(circles[1], 2, days_ago(13), SessionStatus.SCHEDULED)
    _session(circles[2], 1, days_ago(20), SessionStatus.SCHEDULED)
    _session(circles[2], 2, days_ago(13), SessionStatus.SCHEDULED)
    _attend(a1, a[1:], a[:1])  # a[0] absent
    _attend(b1, [b[0], *b[2:]], [b[1]])  # b[1] absent, b[2] (hidden) present
    everyone = circle_metrics.session_completion(program, TODAY)
    assert (everyone.numerator, everyone.denominator, everyone.people) == (3, 6, 17)
    team = kpi.get("session_completion").figure(program=program, today=TODAY, team="Sales")
    assert (team.numerator, team.denominator, team.people, team.value) == (3, 4, 5, 75.0)
    attendance = kpi.get("attendance").figure(program=program, today=TODAY, team="Sales")
    assert (attendance.numerator, attendance.denominator, attendance.people) == (3, 5, 5)
    assert attendance.value == 60.0
    both = circle_metrics.session_completion(program, TODAY, **sales(program, since=days_ago(15)))
    assert (both.numerator, both.denominator) == (1, 2)


# ------------------------------------------------------------------------------- mentorship
def _mentorship(
    program,
    *,
    submitted: dt.date,
    matched: dt.date | None = None,
    accepted: dt.date | None = None,
    team: str = "Ops",
    visibility: str | None = None,
) -> Mentorship:  # type: ignore[no-untyped-def]
    mentee = UserFactory()
    in_team([mentee], team, visibility)
    enrollment = EnrollmentFactory(program=program, user=mentee)
    return Mentorship.objects.create(
        program=program,
        mentee=mentee,
        enrollment=enrollment,
        submitted_at=at(submitted),
        matched_at=at(matched) if matched else None,
        accepted_at=at(accepted) if accepted else None,
        status="ended" if accepted else "submitted",  # a status that needs no mentor row
    )


def test_time_to_match_since_and_team() -> None:
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    for days in (2, 4, 10, 20, 30):  # matched 30 days ago, Sales
        matched = days_ago(30)
        _mentorship(
            program, submitted=matched - dt.timedelta(days=days), matched=matched, team="Sales"
        )
    for days in (50, 60, 70):  # matched 200 days ago
        _mentorship(program, submitted=days_ago(200 + days), matched=days_ago(200))
    hidden = days_ago(10)  # matched 10 days ago after 100 days, team hidden
    _mentorship(
        program,
        submitted=hidden - dt.timedelta(days=100),
        matched=hidden,
        team="Sales",
        visibility=Visibility.PRIVATE,
    )
    _mentorship(program, submitted=days_ago(500), matched=days_ago(400))  # older than a year
    everyone = mentorship_metrics.time_to_match(program, TODAY)  # 2 4 10 20 30 50 60 70 100
    assert (everyone.value, everyone.people) == (30.0, 9)
    recent = kpi.get("time_to_match").figure(program=program, today=TODAY, since=days_ago(100))
    assert (recent.value, recent.people) == (15.0, 6)  # 2 4 10 20 30 100
    assert mentorship_metrics.time_to_match(program, TODAY, since=days_ago(600)).people == 10
    team = kpi.get("time_to_match").figure(program=program, today=TODAY, team="Sales")
    assert (team.value, team.people) == (10.0, 5)
    assert mentorship_metrics.time_to_match(
        program, TODAY, **sales(program, since=days_ago(29))
    ) == kpi.Figure(value=None, people=0, denominator=0)


def test_report_rate_since_counts_the_complete_months_from_that_month() -> None:
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)  # TODAY is 2027-03-01
    running = [
        _mentorship(program, submitted=dt.date(2024, 5, 1), accepted=dt.date(2024, 6, 15))
        for _ in range(5)
    ]
    nov, dec, jan, feb = (
        dt.date(y, m, 1) for y, m in ((2026, 11), (2026, 12), (2027, 1), (2027, 2))
    )
    for m in running:
        MonthlyReport.objects.create(mentorship=m, month=nov, did="x", submitted_at=at(nov))
    for month in (dec, jan, feb):
        for m in running[:2]:
            MonthlyReport.objects.create(mentorship=m, month=month, did="x", submitted_at=at(month))
    default = mentorship_metrics.report_rate(program, TODAY)  # December to February
    assert (default.numerator, default.denominator) == (6, 15)
    since = kpi.get("report_rate").figure(program=program, today=TODAY, since=dt.date(2026, 11, 20))
    assert (since.numerator, since.denominator, since.value, since.people) == (11, 20, 55.0, 5)
    # a start in today's month leaves no complete month: no figure
    assert mentorship_metrics.report_rate(program, TODAY, since=TODAY).value is None
    # at most 24 months: March 2025 to February 2027; a report for February 2025 is not counted
    feb_2025 = dt.date(2025, 2, 1)
    MonthlyReport.objects.create(
        mentorship=running[2], month=feb_2025, did="x", submitted_at=at(feb_2025)
    )
    longest = mentorship_metrics.report_rate(program, TODAY, since=dt.date(2020, 1, 1))
    assert (longest.numerator, longest.denominator) == (11, 5 * 24)


def test_report_rate_for_a_team() -> None:
    program = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    accepted = dt.date(2026, 10, 1)
    team = [
        _mentorship(program, submitted=accepted, accepted=accepted, team="Sales") for _ in range(5)
    ]
    hidden = _mentorship(
        program, submitted=accepted, accepted=accepted, team="Sales", visibility="private"
    )
    months = (dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1))
    for m in [*team[:4], hidden]:
        for month in months:
            MonthlyReport.objects.create(mentorship=m, month=month, did="x", submitted_at=at(month))
    everyone = mentorship_metrics.report_rate(program, TODAY)
    assert (everyone.numerator, everyone.denominator, everyone.people) == (15, 18, 6)
    figure = kpi.get("report_rate").figure(program=program, today=TODAY, team="Sales")
    assert (figure.numerator, figure.denominator, figure.people, figure.value) == (12, 15, 5, 80.0)


# ----------------------------------------------------------------------------------- growth
def _created(goal_or_action, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    type(goal_or_action).objects.filter(pk=goal_or_action.pk).update(created_at=at(day))


def test_goal_progress_since_counts_the_goals_set_from_that_day(members) -> None:
    program = ProgramFactory()
    owners = members(program, 5)
    for owner in owners:
        _created(goal(owner, program, percent=10), days_ago(100))
        _created(goal(owner, program, percent=50), days_ago(10))
    assert growth_metrics.goal_progress(program, TODAY).value == 30.0
    figure = kpi.get("goal_progress").figure(program=program, today=TODAY, since=days_ago(30))
    assert (figure.value, figure.denominator, figure.people) == (50.0, 5, 5)
    assert growth_metrics.goal_progress(program, TODAY, since=days_ago(10)).denominator == 5
    assert growth_metrics.goal_progress(program, TODAY, since=days_ago(9)).value is None


def test_goal_attainment_since_counts_the_goals_that_fell_due_from_that_day(members) -> None:
    program = ProgramFactory()
    owners = members(program, 7)
    closed = lambda n: at(days_ago(n))  # noqa: E731
    achieved, dropped = GoalStatus.ACHIEVED, GoalStatus.DROPPED
    goal(owners[0], program, status=achieved, closed_at=closed(10))  # in: closed 10 days ago
    goal(owners[1], program, status=achieved, closed_at=closed(10), target_on=days_ago(50))  # out
    goal(owners[2], program, target_on=days_ago(5))  # in: late
    goal(owners[3], program, status=dropped, closed_at=closed(40), target_on=TODAY)  # out
    goal(owners[4], program, status=achieved, closed_at=closed(5), target_on=days_ago(-30))  # in
    goal(owners[5], program, status=achieved)  # achieved, no date at all: out with a start date
    goal(owners[6], program, target_on=days_ago(1))  # in: late
    goal(owners[6], program, target_on=days_ago(-1))  # not due
    everyone = growth_metrics.goal_attainment(program, TODAY)
    assert (everyone.numerator, everyone.denominator, everyone.people) == (4, 7, 7)
    since = growth_metrics.goal_attainment(program, TODAY, since=days_ago(30))
    assert (since.numerator, since.denominator, since.people, since.value) == (2, 4, 4, 50.0)
    shown = kpi.get("goal_attainment").figure(program=program, today=TODAY, since=days_ago(30))
    assert shown.value is None and shown.too_few  # 4 people


def test_goals_per_member_since_and_team(members) -> None:
    program = ProgramFactory()
    team = members(program, 5)
    hidden = members(program, 1)
    ops = members(program, 2)
    members(program, 1, status=EnrollmentStatus.PAUSED)  # not active: not counted
    in_team(team + hidden + ops, "Ops")
    in_team(team, "Sales")
    in_team(hidden, "Sales", Visibility.PRIVATE)
    for owner in team:
        _created(goal(owner, program), days_ago(100))
    for _ in range(3):
        _created(goal(hidden[0], program), days_ago(5))
    for owner in ops:
        _created(goal(owner, program), days_ago(100))
        _created(goal(owner, program), days_ago(5))
    everyone = growth_metrics.goals_per_member(program, TODAY)
    assert (everyone.value, everyone.people) == (1.5, 8)  # 12 / 8
    since = kpi.get("goals_per_member").figure(program=program, today=TODAY, since=days_ago(30))
    assert (since.value, since.numerator, since.people) == (0.62, 5, 8)
    figure = kpi.get("goals_per_member").figure(program=program, today=TODAY, team="Sales")
    assert (figure.value, figure.numerator, figure.people) == (1.0, 5, 5)
    both = growth_metrics.goals_per_member(program, TODAY, **sales(program, since=days_ago(30)))
    assert (both.value, both.people) == (0.0, 5)


def test_goal_metrics_for_a_team(members) -> None:
    program = ProgramFactory()
    team, hidden, ops = members(program, 5), members(program, 1), members(program, 1)
    in_team(ops, "Ops")
    in_team(team, "Sales")
    in_team(hidden, "Sales", Visibility.PRIVATE)
    for i, owner in enumerate(team):
        goal(owner, program, percent=20 * i, target_on=days_ago(3))  # due, not achieved
    goal(team[0], program, status=GoalStatus.ACHIEVED, closed_at=at(days_ago(2)))
    goal(hidden[0], program, status=GoalStatus.ACHIEVED, closed_at=at(days_ago(2)))
    goal(ops[0], program, status=GoalStatus.ACHIEVED, closed_at=at(days_ago(2)))
    progress = kpi.get("goal_progress").figure(program=program, today=TODAY, team="Sales")
    assert (progress.value, progress.denominator, progress.people) == (50.0, 6, 5)  # 300 / 6
    attainment = kpi.get("goal_attainment").figure(program=program, today=TODAY, team="Sales")
    assert (attainment.numerator, attainment.denominator, attainment.people) == (1, 6, 5)
    everyone = growth_metrics.goal_attainment(program, TODAY)
    assert (everyone.numerator, everyone.denominator, everyone.people) == (3, 8, 7)


def test_action_completion_since_and_team(members) -> None:
    people = members(ProgramFactory(kind=ProgramKind.CIRCLE), 7)
    in_team(people, "Ops")
    in_team(people[:5], "Sales")
    in_team(people[5:6], "Sales", Visibility.PRIVATE)
    done, dropped, open_ = ActionStatus.DONE, ActionStatus.DROPPED, ActionStatus.OPEN
    closed = lambda n: at(days_ago(n))  # noqa: E731
    rows = [
        (people[0], done, None, closed(10)),  # in
        (people[1], done, days_ago(50), closed(10)),  # out: due 50 days ago
        (people[2], open_, days_ago(5), None),  # in, not done
        (people[3], dropped, None, closed(40)),  # out
        (people[4], done, None, None),  # done before close days were kept: out with a start
        (people[5], open_, days_ago(60), None),  # out
        (people[6], done, days_ago(-10), closed(3)),  # in
        (people[6], open_, days_ago(-10), None),  # not due
    ]
    for owner, status, due_on, closed_at in rows:
        action(owner, status=status, due_on=due_on, closed_at=closed_at)
    assert ActionItem.objects.filter(closed_at__isnull=False).count() == 4
    everyone = growth_metrics.action_completion(None, TODAY)
    assert (everyone.numerator, everyone.denominator, everyone.people) == (4, 7, 7)
    since = growth_metrics.action_completion(None, TODAY, since=days_ago(30))
    assert (since.numerator, since.denominator, since.people) == (2, 3, 3)
    team = kpi.get("action_completion").figure(today=TODAY, team="Sales")  # the whole site
    assert (team.numerator, team.denominator, team.people, team.value) == (3, 5, 5, 60.0)
    both = growth_metrics.action_completion(None, TODAY, **sales(None, since=days_ago(30)))
    assert (both.numerator, both.denominator) == (1, 2)


# --------------------------------------------------------------------------------- feedback
def _feedback_answers(
    program: Program, rows: list[tuple[dt.date, int, User | None]], *, code: str = bank.NPS
) -> None:
    """One survey per date (anonymous, or attributed when a respondent is given), one answer
    to the question `code` per row."""
    kind = SurveyKind.AFTER_SESSION if code == bank.USEFUL else SurveyKind.NPS
    surveys: dict[object, Question] = {}
    for day, number, respondent in rows:
        # the after-session survey is one standing survey per programme
        key = kind if kind == SurveyKind.AFTER_SESSION else (day, respondent is None)
        if key not in surveys:
            survey = Survey.objects.create(
                program=program,
                kind=kind,
                title="t",
                anonymity=Anonymity.ANONYMOUS if respondent is None else Anonymity.ATTRIBUTED,
                end_key="" if kind == SurveyKind.AFTER_SESSION else f"{day}-{len(surveys)}",
            )
            surveys[key] = Question.objects.create(
                survey=survey,
                position=1,
                type="scale" if code == bank.USEFUL else "nps",
                text="q",
                code=code,
            )
        question = surveys[key]
        response = Response.objects.create(
            survey=question.survey, respondent=respondent, submitted_on=day
        )
        Answer.objects.create(response=response, question=question, number=number)


def test_nps_since_counts_the_answers_dated_from_that_day() -> None:
    program = ProgramFactory()
    _feedback_answers(program, [(days_ago(200), 0, None) for _ in range(6)])
    _feedback_answers(program, [(days_ago(20), s, None) for s in (10, 10, 10, 9, 8, 0)])
    _feedback_answers(program, [(days_ago(400), 10, None) for _ in range(5)])
    everyone = feedback_metrics.nps(program, TODAY)  # 4 promoters, 7 detractors of 12
    assert (everyone.numerator, everyone.denominator) == (-3, 12)
    recent = kpi.get("nps").figure(program=program, today=TODAY, since=days_ago(20))
    assert (recent.numerator, recent.denominator, recent.people) == (3, 6, 6)
    assert recent.value == 50.0
    assert feedback_metrics.nps(program, TODAY, since=days_ago(19)).value is None
    longer = feedback_metrics.nps(program, TODAY, since=days_ago(500))
    assert (longer.numerator, longer.denominator) == (2, 17)


def test_session_usefulness_since(members) -> None:
    program = ProgramFactory()
    people = members(program, 5)
    _feedback_answers(
        program,
        [(days_ago(100), 1, p) for p in people] + [(days_ago(2), 5, p) for p in people],
        code=bank.USEFUL,
    )
    assert feedback_metrics.session_usefulness(program, TODAY).value == 3.0
    figure = kpi.get("session_usefulness").figure(program=program, today=TODAY, since=days_ago(7))
    assert (figure.value, figure.people, figure.denominator) == (5.0, 5, 5)
    assert not kpi.get("session_usefulness").supports(team="Sales")


# ------------------------------------------------------------------------------ query counts
def _world(n: int, circle_of) -> list[Program]:  # type: ignore[no-untyped-def]
    """One programme of each kind with `n` members (half of them in "Sales"), rounds, circle
    sessions with attendance, mentorships with reports, goals and actions."""
    coffee = ProgramFactory(kind=ProgramKind.COFFEE)
    circles = ProgramFactory(kind=ProgramKind.CIRCLE, group_size=6)
    mentoring = ProgramFactory(kind=ProgramKind.MENTORSHIP)
    people = [UserFactory() for _ in range(n)]
    for program in (coffee, circles):
        for user in people:
            EnrollmentFactory(program=program, user=user)
    in_team(people, "Ops")
    in_team(people[::2], "Sales")
    pairs = [people[i : i + 2] for i in range(0, n, 2)]
    for number in range(1, 5):
        _round(coffee, number, pairs, meet_by=days_ago(10 * number), answers={people[0].pk: "all"})
    circle = circle_of(circles)
    _seat(circle, people)
    for number in range(1, 4):
        session = _session(circle, number, days_ago(5 * number), SessionStatus.HELD)
        _attend(session, people[1:], people[:1])
    for i in range(n):
        m = _mentorship(
            mentoring,
            submitted=days_ago(90),
            matched=days_ago(80 - i),
            accepted=days_ago(70),
            team="Sales" if i % 2 else "Ops",
        )
        MonthlyReport.objects.create(
            mentorship=m, month=dt.date(2027, 2, 1), did="x", submitted_at=at(days_ago(5))
        )
    for user in people:
        goal(user, coffee, target_on=days_ago(3))
        action(user, circle=circle, due_on=days_ago(2), status=ActionStatus.DONE)
    return [coffee, circles, mentoring]


def test_filters_cost_no_query_per_row(circle_of) -> None:
    """Each metric's queries with both filters set are as many for 40 members as for 10."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(programs: list[Program]) -> dict[tuple[str, str], int]:
        found = {}
        for program in programs:
            for metric in kpi.for_kind(program.kind):
                with CaptureQueriesContext(connection) as queries:
                    metric.figure(program=program, today=TODAY, since=days_ago(60), team="Sales")
                found[(program.kind, metric.key)] = len(queries)
        return found

    small = counts(_world(10, circle_of))
    big_world = _world(40, circle_of)
    big = counts(big_world)
    assert big.keys() == small.keys()
    for key, n in big.items():
        assert n <= small[key], key
    # and the figures are real ones: the team's half of the 40 members
    sales_met = kpi.get("met_rate").figure(
        program=big_world[0], today=TODAY, since=days_ago(60), team="Sales"
    )
    assert (sales_met.people, sales_met.denominator) == (20, 80)
