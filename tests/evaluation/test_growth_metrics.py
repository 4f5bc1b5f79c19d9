"""The growth metrics of the KPI dictionary (growth/metrics.py), each on hand-built data with a
known answer: per programme and overall, unknowns, and nothing shown from fewer than 5."""

from __future__ import annotations

import pytest
from django.utils import timezone

from peerly.evaluation import kpi
from peerly.growth import metrics
from peerly.growth.models import ActionStatus
from peerly.growth.models import GoalStatus
from peerly.growth.models import Milestone
from peerly.growth.models import ProgressMode
from peerly.programs.models import EnrollmentStatus
from tests.evaluation.conftest import FUTURE
from tests.evaluation.conftest import PAST
from tests.evaluation.conftest import TODAY
from tests.evaluation.conftest import action
from tests.evaluation.conftest import goal
from tests.evaluation.conftest import mentorship_of
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------ goal progress
def test_goal_progress_is_the_mean_of_progress_of_active_and_achieved_goals(members) -> None:
    program, other = ProgramFactory(), ProgramFactory()
    a, b, c, d, e = members(program, 5)
    [f] = members(other, 1)
    goal(a, program, percent=40)
    goal(b, program, percent=60)
    goal(c, program, percent=10, status=GoalStatus.ACHIEVED)  # achieved counts as 100
    by_milestones = goal(d, program, progress_mode=ProgressMode.MILESTONES)
    for done in (True, False, False, False):  # 1 of 4 done: 25
        Milestone.objects.create(
            goal=by_milestones, title="m", done_at=timezone.now() if done else None
        )
    goal(e, program, progress_mode=ProgressMode.MILESTONES)  # no milestones: 0
    goal(e, program, percent=90, status=GoalStatus.DROPPED)  # dropped: left out
    goal(f, other, percent=100)  # another programme: only overall
    goal(a, None, percent=0)  # no programme: only overall

    figure = metrics.GOAL_PROGRESS.figure(program=program, today=TODAY)
    assert (figure.value, figure.people, figure.denominator) == (45.0, 5, 5)
    overall = metrics.GOAL_PROGRESS.figure(today=TODAY)
    assert (overall.value, overall.people, overall.denominator) == (46.4, 6, 7)  # 325 / 7


def test_goal_progress_from_fewer_than_5_people_is_not_shown(members) -> None:
    program = ProgramFactory()
    for owner in members(program, 4):
        goal(owner, program, percent=50)
        goal(owner, program, percent=70)  # 8 goals, still 4 people
    raw = metrics.goal_progress(program, TODAY)
    assert (raw.value, raw.people) == (60.0, 4)
    figure = metrics.GOAL_PROGRESS.figure(program=program, today=TODAY)
    assert figure.value is None and figure.denominator is None
    assert figure.people == 4 and figure.too_few


def test_goal_progress_without_goals_has_no_value() -> None:
    figure = metrics.GOAL_PROGRESS.figure(program=ProgramFactory(), today=TODAY)
    assert (figure.value, figure.people) == (None, 0)


# ---------------------------------------------------------------------- goal attainment
def test_goal_attainment_is_achieved_of_due_and_unknowns_are_not_due(members) -> None:
    program = ProgramFactory()
    a, b, c, d, e, f, g, h = members(program, 8)
    goal(a, program, status=GoalStatus.ACHIEVED, target_on=FUTURE)  # closed: due, achieved
    goal(b, program, status=GoalStatus.DROPPED, target_on=FUTURE)  # closed: due, not achieved
    goal(c, program, target_on=PAST)  # late: due
    goal(d, program, target_on=FUTURE)  # not due yet
    goal(d, program, target_on=TODAY)  # due tomorrow, not today
    goal(e, program)  # active, no target date: unknown, not counted
    goal(f, program, status=GoalStatus.ACHIEVED)  # achieved without a date: due
    goal(g, program, target_on=PAST)
    goal(h, program, status=GoalStatus.ACHIEVED, target_on=PAST)
    figure = metrics.GOAL_ATTAINMENT.figure(program=program, today=TODAY)
    assert (figure.numerator, figure.denominator, figure.value, figure.people) == (3, 6, 50.0, 6)
    assert metrics.GOAL_ATTAINMENT.figure(today=TODAY).value == 50.0  # the only goals


def test_goal_attainment_counts_the_people_whose_goals_are_due(members) -> None:
    program = ProgramFactory()
    owners = members(program, 6)
    for owner in owners[:4]:
        goal(owner, program, status=GoalStatus.ACHIEVED)
    for owner in owners[4:]:
        goal(owner, program, target_on=FUTURE)  # 6 people with goals, 4 with goals due
    figure = metrics.GOAL_ATTAINMENT.figure(program=program, today=TODAY)
    assert figure.people == 4
    assert figure.value is None and figure.numerator is None and figure.denominator is None
    assert metrics.goal_attainment(program, TODAY).value == 100.0  # the raw figure, never shown


def test_goal_attainment_per_programme_and_overall(members) -> None:
    program, other = ProgramFactory(), ProgramFactory()
    for owner in members(program, 5):
        goal(owner, program, status=GoalStatus.ACHIEVED)
    for owner in members(other, 5):
        goal(owner, other, status=GoalStatus.DROPPED)
    assert metrics.GOAL_ATTAINMENT.figure(program=program, today=TODAY).value == 100.0
    assert metrics.GOAL_ATTAINMENT.figure(program=other, today=TODAY).value == 0.0
    overall = metrics.GOAL_ATTAINMENT.figure(today=TODAY)
    assert (overall.value, overall.people, overall.denominator) == (50.0, 10, 10)


# --------------------------------------------------------------------- goals per member
def test_goals_per_active_member(members) -> None:
    program, other = ProgramFactory(), ProgramFactory()
    a, b, _c, d, e = members(program, 5)  # c has no goal
    [paused] = members(program, 1, status=EnrollmentStatus.PAUSED)
    [gone] = members(program, 1, status=EnrollmentStatus.LEFT)
    [f] = members(other, 1)
    goal(a, program)
    goal(a, program, status=GoalStatus.DROPPED)  # any status counts
    goal(b, program, status=GoalStatus.ACHIEVED)
    goal(d, program)
    goal(e, None)  # not linked to the programme: only overall
    goal(paused, program)  # not an active member: left out
    goal(gone, program)
    goal(f, None)
    figure = metrics.GOALS_PER_MEMBER.figure(program=program, today=TODAY)
    assert (figure.numerator, figure.denominator, figure.value, figure.people) == (4, 5, 0.8, 5)
    # overall: members active in any programme (a-e, f) and all their goals (5 + 1)
    overall = metrics.GOALS_PER_MEMBER.figure(today=TODAY)
    assert (overall.numerator, overall.people, overall.value) == (6, 6, 1.0)


def test_goals_per_member_needs_5_active_members(members) -> None:
    program = ProgramFactory()
    for owner in members(program, 4):
        goal(owner, program)
    members(program, 3, status=EnrollmentStatus.APPLIED)
    figure = metrics.GOALS_PER_MEMBER.figure(program=program, today=TODAY)
    assert (figure.people, figure.value, figure.numerator) == (4, None, None)


# -------------------------------------------------------------------- action completion
def test_action_completion_is_done_of_due_in_the_programmes_circles_and_mentorships(
    members, circles_program, mentorship_program, circle_of
) -> None:
    circle = circle_of(circles_program)
    u1, u2, u3, u4, u5, u6 = members(circles_program, 6)
    action(u1, circle=circle, status=ActionStatus.DONE, due_on=FUTURE)  # closed: due, done
    action(u2, circle=circle, status=ActionStatus.DROPPED)  # closed: due, not done
    action(u3, circle=circle, due_on=PAST)  # overdue
    action(u4, circle=circle, status=ActionStatus.IN_PROGRESS, due_on=PAST)
    action(u5, circle=circle, status=ActionStatus.DONE)  # done without a date: due
    action(u6, circle=circle)  # open, no due date: unknown, not counted
    action(u6, circle=circle, due_on=FUTURE)  # not due yet
    action(u1, status=ActionStatus.DONE)  # the member's own: only overall
    [mentee] = members(mentorship_program, 1)
    action(mentee, mentorship=mentorship_of(mentorship_program, mentee), status=ActionStatus.DONE)

    figure = metrics.ACTION_COMPLETION.figure(program=circles_program, today=TODAY)
    assert (figure.numerator, figure.denominator, figure.value, figure.people) == (2, 5, 40.0, 5)
    in_mentorship = metrics.ACTION_COMPLETION.figure(program=mentorship_program, today=TODAY)
    assert (in_mentorship.people, in_mentorship.value) == (1, None)  # one person: not shown
    assert metrics.action_completion(mentorship_program, TODAY).value == 100.0
    overall = metrics.ACTION_COMPLETION.figure(today=TODAY)
    assert (overall.numerator, overall.denominator, overall.people) == (4, 7, 6)
    assert overall.value == 57.1


def test_action_completion_applies_to_circles_and_mentorship_only() -> None:
    assert metrics.ACTION_COMPLETION not in kpi.for_kind("coffee")
    assert metrics.ACTION_COMPLETION in kpi.for_kind("circle")
    assert metrics.ACTION_COMPLETION in kpi.for_kind("mentorship")
    assert metrics.GOAL_ATTAINMENT in kpi.for_kind("coffee")


def test_the_growth_metrics_count_in_one_or_two_queries_whatever_the_rows(
    members, circles_program, circle_of, django_assert_max_num_queries
) -> None:
    circle = circle_of(circles_program)
    owners = members(circles_program, 12)
    for owner in owners:
        for _ in range(3):
            g = goal(owner, circles_program, progress_mode=ProgressMode.MILESTONES)
            Milestone.objects.create(goal=g, title="m")
            action(owner, circle=circle, due_on=PAST)
    for metric in metrics.METRICS:
        with django_assert_max_num_queries(2):
            metric.figure(program=circles_program, today=TODAY)
        with django_assert_max_num_queries(2):
            metric.figure(today=TODAY)
