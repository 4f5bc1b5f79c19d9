"""The growth space's metrics for the KPI dictionary (evaluation/kpi.py, docs/metrics.md):
goal progress, goal attainment, goals per active member and action completion, each computed
by the one function below, per programme and for the whole site (`program=None`), optionally
from a date (`since`: goals set, or goals and actions that fell due, on or after it) and for
one team's members (`members`: only their goals and actions; see kpi.FILTERS).

Each function returns the raw `Figure` (value and the number of people it is from); callers
show it through `Metric.figure()`, which hides it below MIN_PEOPLE people. No figure ever
carries a goal's or an action's text. Registered in GrowthConfig.ready() (growth/apps.py).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models import Q
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from peerly.evaluation import kpi
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.evaluation.kpi import percent
from peerly.growth import actions as actions_module
from peerly.growth.models import ActionItem
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.selectors import _counted
from peerly.growth.services import progress_of
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind


def _goals(program: Program | None, members: QuerySet | None = None) -> QuerySet[Goal]:
    """Per programme: the goals linked to it; overall: every goal. With `members`: only the
    goals they own."""
    goals = Goal.objects.all() if program is None else Goal.objects.filter(program=program)
    return goals if members is None else goals.filter(owner_id__in=members)


def created_since(since: dt.date) -> Q:
    """Goals created (set) on or after `since` (the site's local days)."""
    return Q(created_at__gte=kpi.day_start(since))


def fell_due_since(since: dt.date, *, due_field: str) -> Q:
    """Goals or actions that fell due on or after `since`: the day one falls due is the
    earlier of its `due_field` date and the day it was closed (`closed_at`, cleared on
    reopening). One with neither date has no such day and is not counted."""
    due_null = Q(**{f"{due_field}__isnull": True})
    return (
        (due_null | Q(**{f"{due_field}__gte": since}))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=kpi.day_start(since)))
        & ~(due_null & Q(closed_at__isnull=True))
    )


def goal_progress(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Mean progress (`services.progress_of`) of the goals that are active or achieved (with
    `since`: set on or after it; with `members`: owned by them)."""
    goals = _goals(program, members).exclude(status=GoalStatus.DROPPED)
    if since is not None:
        goals = goals.filter(created_since(since))
    goals = _counted(goals).only("owner_id", "status", "progress_mode", "percent").order_by()
    progress, owners = [], set()
    for goal in goals:  # one query: milestones counted by the database (`_counted`)
        owners.add(goal.owner_id)
        done, total = goal.milestone_done, goal.milestone_total  # type: ignore[attr-defined]
        progress.append(progress_of(goal, done=done, total=total))
    value = round(sum(progress) / len(progress), 1) if progress else None
    return Figure(value=value, people=len(owners), denominator=len(progress))


def goal_is_due(today: dt.date) -> Q:
    """A goal is due once it is closed (achieved or dropped) or its target date has passed."""
    return Q(status__in=(GoalStatus.ACHIEVED, GoalStatus.DROPPED)) | Q(target_on__lt=today)


def goal_attainment(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Achieved ÷ due (`goal_is_due`), of the people whose goals are due (with `since`: the
    goals that fell due on or after it, `fell_due_since`; with `members`: owned by them)."""
    goals = _goals(program, members).filter(goal_is_due(today))
    if since is not None:
        goals = goals.filter(fell_due_since(since, due_field="target_on"))
    counts = goals.aggregate(
        people=Count("owner", distinct=True),
        due=Count("id"),
        achieved=Count("id", filter=Q(status=GoalStatus.ACHIEVED)),
    )
    return Figure(
        value=percent(counts["achieved"], counts["due"]),
        people=counts["people"],
        numerator=counts["achieved"],
        denominator=counts["due"],
    )


def goals_per_member(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Goals (any status) of active members ÷ active members. Per programme: its active members
    and the goals they linked to it; overall: members active in any programme, all their goals.
    With `since`: only the goals set on or after it; with `members`: only those of the active
    members (and their goals)."""
    active = Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE)
    if program is not None:
        active = active.filter(program=program)
    if members is not None:
        active = active.filter(user_id__in=members)
    people_ids = active.values("user_id")
    people = people_ids.order_by().aggregate(n=Count("user_id", distinct=True))["n"]
    goals = _goals(program).filter(owner_id__in=people_ids.order_by())
    if since is not None:
        goals = goals.filter(created_since(since))
    count = goals.count()
    value = round(count / people, 2) if people else None
    return Figure(value=value, people=people, numerator=count, denominator=people)


def _actions(program: Program | None, members: QuerySet | None = None) -> QuerySet[ActionItem]:
    """Per programme: the actions agreed in its circles and mentorships; overall: every action
    (the members' own included). With `members`: only the actions they own."""
    if program is None:
        actions = ActionItem.objects.all()
    else:
        actions = ActionItem.objects.filter(
            Q(circle__program=program) | Q(mentorship__program=program)
        )
    return actions if members is None else actions.filter(owner_id__in=members)


def action_completion(
    program: Program | None,
    today: dt.date,
    *,
    since: dt.date | None = None,
    members: QuerySet | None = None,
) -> Figure:
    """Done ÷ due, counted by `growth.actions.action_completion` (the one definition of an
    action's completion), of the people whose actions are due (with `since`: the actions that
    fell due on or after it, `fell_due_since`; with `members`: owned by them)."""
    actions = _actions(program, members)
    if since is not None:
        actions = actions.filter(fell_due_since(since, due_field="due_on"))
    done, due = actions_module.action_completion(actions, today=today)
    # the people in it: the owners of the actions that function counts as due
    due_rows = Q(status__in=actions_module.CLOSED_ACTION_STATUSES) | Q(due_on__lt=today)
    people = actions.filter(due_rows).aggregate(n=Count("owner", distinct=True))["n"]
    return Figure(value=percent(done, due), people=people, numerator=done, denominator=due)


GOAL_PROGRESS = Metric(
    key="goal_progress",
    name=gettext_lazy("Goal progress (mean)"),
    definition=gettext_lazy(
        "The mean progress of goals that are active or achieved: per programme the goals "
        "linked to it, overall every goal. A goal's progress is the percentage its owner "
        "records, or for a goal measured by milestones the share of its milestones done; an "
        "achieved goal counts as 100 %. People: the owners of those goals."
    ),
    unit=Unit.PERCENT,
    unknowns=gettext_lazy(
        "A goal with no check-in yet counts as 0 %, as does a goal measured by milestones that "
        "has none. Dropped goals are left out. From a start date: only the goals set (created) "
        "on or after it. For a team: only its members' goals."
    ),
    compute=goal_progress,
    filters=kpi.FILTERS,
)
GOAL_ATTAINMENT = Metric(
    key="goal_attainment",
    name=gettext_lazy("Goal attainment (achieved ÷ due)"),
    definition=gettext_lazy(
        "Goals achieved ÷ goals due: per programme the goals linked to it, overall every goal. "
        "A goal is due once it is closed (achieved or dropped) or its target date is before "
        "today. People: the owners of the goals due."
    ),
    unit=Unit.PERCENT,
    unknowns=gettext_lazy(
        "An active goal without a target date is not due and not counted. A dropped goal is "
        "due and not achieved. No goal due: no figure. From a start date: only the goals that "
        "fell due on or after it (the earlier of the target date and the day the goal was "
        "closed). For a team: only its members' goals."
    ),
    compute=goal_attainment,
    filters=kpi.FILTERS,
)
GOALS_PER_MEMBER = Metric(
    key="goals_per_member",
    name=gettext_lazy("Goals per active member"),
    definition=gettext_lazy(
        "Goals ÷ active members. Per programme: the goals (whatever their status) its active "
        "members linked to it ÷ its active members; overall: every goal of the members active "
        "in any programme ÷ those members. People: the active members."
    ),
    unit=Unit.PER_MEMBER,
    unknowns=gettext_lazy(
        "An active member without a goal counts as 0. Members waiting for approval, paused or "
        "gone are left out, and so are their goals. From a start date: only the goals set "
        "(created) on or after it, over today's active members. For a team: only its active "
        "members and their goals."
    ),
    compute=goals_per_member,
    filters=kpi.FILTERS,
)
ACTION_COMPLETION = Metric(
    key="action_completion",
    name=gettext_lazy("Action completion rate"),
    definition=gettext_lazy(
        "Action items done ÷ action items due: per programme the actions agreed in its circles "
        "and mentorships, overall every action (members' own included). An action is due once "
        "it is closed (done or dropped) or its due date is before today. People: the owners of "
        "the actions due."
    ),
    unit=Unit.PERCENT,
    unknowns=gettext_lazy(
        "An open action without a due date is not due and not counted. A dropped action is due "
        "and not done. No action due: no figure. From a start date: only the actions that fell "
        "due on or after it (the earlier of the due date and the day the action was closed); "
        "one closed without a recorded day and without a due date is then not counted. For a "
        "team: only its members' actions."
    ),
    compute=action_completion,
    filters=kpi.FILTERS,
    kinds=(ProgramKind.CIRCLE.value, ProgramKind.MENTORSHIP.value),
)

METRICS = (GOAL_PROGRESS, GOAL_ATTAINMENT, GOALS_PER_MEMBER, ACTION_COMPLETION)
