"""The member's action items of every kind: the *Actions* page, the section on the growth
home, adding their own, editing, status buttons and deleting. Only ever the member's own:
anybody else's action item is a 404 (organisers and site admins included)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.accounts.models import User
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.growth import actions
from peerly.growth.forms_actions import ActionForm
from peerly.growth.forms_actions import ActionStatusForm
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus

HOME_ACTIONS = 10  # open actions listed on the growth home (the rest: the Actions page)
# the status buttons each action shows, by its status: (status, label)
BUTTONS = {
    ActionStatus.OPEN: ("in_progress", "done", "dropped"),
    ActionStatus.IN_PROGRESS: ("done", "dropped"),
    ActionStatus.DONE: ("open",),
    ActionStatus.DROPPED: ("open",),
}


def button_label(status: str) -> str:
    return {
        "open": _("Reopen"),
        "in_progress": _("Start"),
        "done": _("Done"),
        "dropped": _("Drop"),
    }[status]


def source_of(action: ActionItem, viewer: User) -> tuple[str, str]:
    """Where an action comes from, for its owner: (label, link or "")."""
    if action.circle is not None:
        url = reverse(
            "circles:circle",
            kwargs={"slug": action.circle.program.slug, "circle_id": action.circle_id},
        )
        label = _("Agreed in %(circle)s (%(programme)s)") % {
            "circle": action.circle.name,
            "programme": action.circle.program.name,
        }
        return label, url
    ms = action.mentorship
    if ms is not None:
        url = reverse(
            "mentorship:mentorship-detail",
            kwargs={"slug": ms.program.slug, "mentorship_id": ms.pk},
        )
        if ms.mentee_id == viewer.pk:
            who = ms.mentor.user.name if ms.mentor is not None else _("your mentor")
            label = _("Agreed with your mentor %(name)s (%(programme)s)")
        else:
            who = ms.mentee.name
            label = _("Agreed with your mentee %(name)s (%(programme)s)")
        return label % {"name": who, "programme": ms.program.name}, url
    return _("My own"), ""


def decorate(items: Any, viewer: User) -> list[ActionItem]:
    """The actions of one page with what the list shows: where each comes from and its status
    buttons (no query: the selector joined what is needed)."""
    rows = list(items)
    today = timezone.localdate()
    for action in rows:
        action.is_overdue = action.is_open and action.due_on is not None and action.due_on < today
        action.source_label, action.source_url = source_of(action, viewer)
        action.buttons = [(s, button_label(s)) for s in BUTTONS[ActionStatus(action.status)]]
    return rows


def home_context(request: AuthedHttpRequest) -> dict[str, Any]:
    """The *Actions* section of the growth home: the first open actions and the add form."""
    found = list(
        actions.list_actions_for_user(user=request.user, status="open")[: HOME_ACTIONS + 1]
    )
    return {
        "open_actions": decorate(found[:HOME_ACTIONS], request.user),
        "more_actions": len(found) > HOME_ACTIONS,
        "action_form": ActionForm(owner=request.user, prefix="action"),
    }


def _page(request: AuthedHttpRequest, form: ActionForm | None = None) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in actions.FILTERS:
        status = "open"
    page = paginate(request, actions.list_actions_for_user(user=request.user, status=status))
    page.object_list = decorate(page.object_list, request.user)
    return render(
        request,
        "growth/action_list.html",
        {
            "page": page,
            "status": status,
            "filters": [("open", _("To do")), ("done", _("Done or dropped"))],
            "action_form": form or ActionForm(owner=request.user, prefix="action"),
        },
    )


@login_required
@require_GET
def action_list(request: AuthedHttpRequest) -> HttpResponse:
    return _page(request)


def _back(request: AuthedHttpRequest) -> HttpResponse:
    """Back to the page the button was on (a local `next`), else the Actions page."""
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(nxt)
    return redirect("growth:actions")


@login_required
@require_POST
def action_add(request: AuthedHttpRequest) -> HttpResponse:
    """The member adds one of their own actions (on the growth home or the Actions page)."""
    form = ActionForm(request.POST, owner=request.user, prefix="action")
    if submitted(request, form, actions.add_action, _("Action added."), actor=request.user):
        return _back(request)
    return _page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    action = actions.get_action_for_user(user=request.user, action_id=action_id)
    initial = {"text": action.text, "due_on": action.due_on, "goal": action.goal}
    form = ActionForm(
        request.POST or None, owner=request.user, current_goal=action.goal, initial=initial
    )
    if submitted(
        request, form, actions.update_action, _("Action saved."), action=action, actor=request.user
    ):
        return redirect("growth:actions")
    return render(request, "growth/action_form.html", {"form": form, "action": action})


@login_required
@require_POST
def action_status(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """The status buttons, for every kind of action (the owner's only)."""
    action = actions.get_action_for_user(user=request.user, action_id=action_id)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        with service_errors(request, success=_("Action updated.")):
            actions.set_action_status(action=action, actor=request.user, **form.cleaned_data)
    else:
        messages.error(request, _("Choose a status."))
    return _back(request)


@login_required
@require_POST
def action_delete(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    action = actions.get_action_for_user(user=request.user, action_id=action_id)
    with service_errors(request, success=_("Action removed.")):
        actions.delete_action(action=action, actor=request.user)
    return _back(request)
