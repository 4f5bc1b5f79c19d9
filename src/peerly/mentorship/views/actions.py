"""Agreed actions on a mentorship's page: the mentee and the current mentor see them and add
them (for the mentee or for the mentor); organisers never (the mentorship page is a 404 for
them). Status buttons post to the one status view of every action (growth:action-status),
which only the action's owner may use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.growth import actions
from peerly.growth.forms_actions import MentorshipActionForm
from peerly.growth.views_actions import BUTTONS
from peerly.growth.views_actions import button_label
from peerly.mentorship import selectors
from peerly.mentorship.models import Mentorship
from peerly.mentorship.views._common import program_for


def _owners(ms: Mentorship) -> list[tuple[str, str]]:
    owners = [("mentee", _("%(name)s (mentee)") % {"name": ms.mentee.name})]
    if ms.mentor is not None:
        owners.append(("mentor", _("%(name)s (mentor)") % {"name": ms.mentor.user.name}))
    return owners


def agreed_actions(request: AuthedHttpRequest, ms: Mentorship) -> dict[str, Any]:
    """The mentorship page's *Agreed actions* (templates/mentorship/_agreed_actions.html)."""
    items: list[Any] = actions.actions_of_mentorship(mentorship=ms, viewer=request.user)
    for action in items:
        mine = action.owner_id == request.user.pk
        action.buttons = [(s, button_label(s)) for s in BUTTONS[action.status]] if mine else []
    return {
        "agreed_actions": items,
        "agreed_action_form": MentorshipActionForm(owners=_owners(ms), prefix="agreed")
        if ms.is_open and ms.mentor is not None
        else None,
    }


@login_required
@require_POST
def action_add(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_for(request, slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    form = MentorshipActionForm(request.POST, owners=_owners(ms), prefix="agreed")
    back = reverse("mentorship:mentorship-detail", kwargs={"slug": slug, "mentorship_id": ms.pk})
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[k].label if k in form.fields else k}: {' '.join(map(str, v))}"
            for k, v in form.errors.items()
        )
        messages.error(request, _("Check the action: %(errors)s") % {"errors": errors})
        return redirect(f"{back}#agreed-actions")
    owner = ms.mentee if form.cleaned_data["owner"] == "mentee" else None
    if owner is None and ms.mentor is not None:
        owner = ms.mentor.user
    with service_errors(request, success=_("Action agreed.")):
        actions.add_action(
            actor=request.user,
            mentorship=ms,
            owner=owner,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
        )
    return redirect(f"{back}#agreed-actions")
