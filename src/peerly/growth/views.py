"""The member's growth pages: their goals, one goal with its milestones and check-ins.
Everything here is the logged-in member's own; anybody else's goal is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.growth import actions
from peerly.growth import journal
from peerly.growth import plan_selectors
from peerly.growth import selectors
from peerly.growth import services
from peerly.growth import views_actions
from peerly.growth.forms import CheckInForm
from peerly.growth.forms import DropForm
from peerly.growth.forms import GoalForm
from peerly.growth.forms import MilestoneForm
from peerly.growth.forms import ReasonlessForm
from peerly.growth.forms import ShareForm
from peerly.growth.models import Goal
from peerly.growth.models import GoalStatus
from peerly.growth.models import ProgressMode
from peerly.growth.models import Share


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in GoalStatus.values:
        status = GoalStatus.ACTIVE
    page = paginate(request, selectors.list_goals_for_user(user=request.user, status=status))
    for goal in page.object_list:
        goal.progress = services.progress_of(
            goal, done=goal.milestone_done, total=goal.milestone_total
        )
    return render(
        request,
        "growth/home.html",
        {
            "page": page,
            "status": status,
            "statuses": GoalStatus.choices,
            **views_actions.home_context(request),
            "vision": plan_selectors.get_vision_for_user(user=request.user),
            "recent_entries": journal.recent_entries(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: AuthedHttpRequest) -> HttpResponse:
    form = GoalForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Goal saved.")) as outcome:
            goal = services.create_goal(owner=request.user, **form.cleaned_data)
        if outcome.ok:
            return redirect("growth:goal-detail", goal_id=goal.pk)
    return render(request, "growth/goal_form.html", {"form": form, "goal": None})


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    initial = {name: getattr(goal, name) for name in services.EDITABLE}
    form = GoalForm(request.POST or None, owner=request.user, initial=initial)
    if submitted(
        request, form, services.update_goal, _("Goal saved."), goal=goal, actor=request.user
    ):
        return redirect("growth:goal-detail", goal_id=goal.pk)
    return render(request, "growth/goal_form.html", {"form": form, "goal": goal})


def _detail(request: AuthedHttpRequest, goal: Goal, **forms: Any) -> HttpResponse:
    milestones = list(goal.milestones.all())
    done = sum(m.done_at is not None for m in milestones)
    shares = selectors.shares_of(goal)
    context = {
        "goal": goal,
        "progress": services.progress_of(goal, done=done, total=len(milestones)),
        "milestones": milestones,
        "check_ins": paginate(request, goal.check_ins.all(), per_page=20),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "check_in_form": forms.get("check_in_form")
        or CheckInForm(
            with_percent=goal.progress_mode == ProgressMode.PERCENT,
            initial={"percent": goal.percent},
        ),
        "drop_form": forms.get("drop_form") or DropForm(),
        "goal_actions": views_actions.decorate(
            actions.list_actions_for_user(user=request.user).filter(goal=goal)[:50], request.user
        ),
        "shares": shares,
        "share_form": forms.get("share_form") or _share_form(request, shares),
        "can": {
            action: services.GOAL_MACHINE.can(goal.status, action)
            for action in ("achieve", "drop", "reopen")
        },
    }
    return render(request, "growth/goal_detail.html", context)


@login_required
@require_GET
def goal_detail(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    return _detail(request, selectors.get_goal_for_user(user=request.user, goal_id=goal_id))


@login_required
@require_POST
def milestone_add(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    form = MilestoneForm(request.POST)
    if submitted(
        request, form, services.add_milestone, _("Milestone added."), goal=goal, actor=request.user
    ):
        return redirect("growth:goal-detail", goal_id=goal.pk)
    return _detail(request, goal, milestone_form=form)


@login_required
@require_POST
def milestone_done(request: AuthedHttpRequest, goal_id: int, milestone_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    milestone = selectors.get_milestone_for_user(
        user=request.user, goal=goal, milestone_id=milestone_id
    )
    with service_errors(request):
        services.set_milestone_done(
            milestone=milestone, actor=request.user, done=request.POST.get("done") == "1"
        )
    return redirect("growth:goal-detail", goal_id=goal.pk)


@login_required
@require_POST
def milestone_delete(request: AuthedHttpRequest, goal_id: int, milestone_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    milestone = selectors.get_milestone_for_user(
        user=request.user, goal=goal, milestone_id=milestone_id
    )
    with service_errors(request, success=_("Milestone removed.")):
        services.delete_milestone(milestone=milestone, actor=request.user)
    return redirect("growth:goal-detail", goal_id=goal.pk)


@login_required
@require_POST
def goal_check_in(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    form = CheckInForm(request.POST, with_percent=goal.progress_mode == ProgressMode.PERCENT)
    if submitted(
        request, form, services.check_in, _("Check-in saved."), goal=goal, actor=request.user
    ):
        return redirect("growth:goal-detail", goal_id=goal.pk)
    return _detail(request, goal, check_in_form=form)


@login_required
@require_POST
def goal_status(request: AuthedHttpRequest, goal_id: int, action: str) -> HttpResponse:
    """The achieve / drop / reopen buttons (the URL names the action; drop has a reason)."""
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    success = {
        "achieve": _("Well done: goal achieved."),
        "drop": _("Goal dropped."),
        "reopen": _("Goal reopened."),
    }[action]
    form = DropForm(request.POST) if action == "drop" else ReasonlessForm(request.POST)
    if submitted(
        request, form, services.change_status, success, goal=goal, actor=request.user, action=action
    ):
        return redirect("growth:goal-detail", goal_id=goal.pk)
    return _detail(request, goal, drop_form=form if action == "drop" else None)


@login_required
@require_POST
def goal_delete(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    with service_errors(request, success=_("Goal deleted.")) as outcome:
        services.delete_goal(goal=goal, actor=request.user)
    if outcome.ok:
        return redirect("growth:home")
    return redirect("growth:goal-detail", goal_id=goal.pk)


def _share_form(
    request: AuthedHttpRequest, shares: list[Share], data: Any = None
) -> ShareForm | None:
    """The form offering the audiences the goal is not shown to yet (None when there is none)."""
    taken = {f"mentorship:{s.mentorship_id}" for s in shares if s.mentorship_id} | {
        f"circle:{s.circle_id}" for s in shares if s.circle_id
    }
    choices = [(a.key, a.label) for a in services.audiences_for(request.user) if a.key not in taken]
    return ShareForm(data, choices=choices) if choices else None


def share_subject(
    request: AuthedHttpRequest,
    subject: Any,
    page: Callable[..., HttpResponse],
    back: HttpResponse,
) -> HttpResponse:
    """Share `subject` (a goal, journal entry, plan or SWOT version of the viewer's) with the
    audience posted (one of the owner's own); else `page` again with the form's message."""
    audiences = {a.key: a for a in services.audiences_for(request.user)}
    form = _share_form(request, selectors.shares_of(subject), request.POST)
    if form is None:
        messages.error(request, _("There is nobody to share it with: no mentor, no circle."))
        return back
    if form.is_valid():
        with service_errors(request, form, success=_("Shared.")) as outcome:
            services.share(
                subject=subject,
                actor=request.user,
                audience=audiences[form.cleaned_data["audience"]],
            )
        if outcome.ok:
            return back
    return page(request, subject, share_form=form)


def withdraw_share(
    request: AuthedHttpRequest, subject: Any, share_id: int, back: HttpResponse
) -> HttpResponse:
    share = selectors.get_share_for_user(user=request.user, subject=subject, share_id=share_id)
    with service_errors(request, success=_("No longer shared.")):
        services.withdraw_share(share=share, actor=request.user)
    return back


@login_required
@require_POST
def goal_share(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    return share_subject(request, goal, _detail, redirect("growth:goal-detail", goal_id=goal.pk))


@login_required
@require_POST
def share_withdraw(request: AuthedHttpRequest, goal_id: int, share_id: int) -> HttpResponse:
    goal = selectors.get_goal_for_user(user=request.user, goal_id=goal_id)
    return withdraw_share(request, goal, share_id, redirect("growth:goal-detail", goal_id=goal.pk))


@login_required
@require_GET
def shared_goal(request: AuthedHttpRequest, goal_id: int) -> HttpResponse:
    """Somebody's goal as the mentor or circle they share it with sees it: read only."""
    goal = selectors.get_shared_goal_for_user(user=request.user, goal_id=goal_id)
    milestones = list(goal.milestones.all())
    done = sum(m.done_at is not None for m in milestones)
    return render(
        request,
        "growth/shared_goal.html",
        {
            "goal": goal,
            "progress": services.progress_of(goal, done=done, total=len(milestones)),
            "milestones": milestones,
            "check_ins": paginate(request, goal.check_ins.all(), per_page=20),
        },
    )
