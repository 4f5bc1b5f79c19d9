"""Organisers' page for one mentorship: reassign, close, end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import ReasonForm
from peerly.mentorship.forms import ReassignForm
from peerly.mentorship.views._common import _answers
from peerly.mentorship.views._common import _timeline
from peerly.mentorship.views._common import organiser_nav
from peerly.mentorship.views._common import program_for

# The organiser's buttons that take only a reason: action -> (service, success message).
REASON_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "close": (services.close_application, "Application closed."),
    "end": (services.end_mentorship, "Mentorship ended."),
}


@login_required
@require_http_methods(["GET", "POST"])
def manage_mentorship(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    ms = selectors.get_mentorship_for_organiser(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    reassign_form = ReassignForm(request.POST or None, program=program, exclude=ms.mentor_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reassign":
            if reassign_form.is_valid():
                with service_errors(request, success=_("Mentor changed.")):
                    services.reassign_mentor(
                        actor=request.user, mentorship=ms, **reassign_form.cleaned_data
                    )
            else:
                messages.error(request, _("Choose a new mentor and give a reason."))
        elif action in REASON_ACTIONS:
            service, success = REASON_ACTIONS[action]
            reason = request.POST.get("reason", "")
            with service_errors(request, success=success):
                service(actor=request.user, mentorship=ms, reason=reason)
        else:
            raise PermissionDenied
        return redirect("mentorship:manage-mentorship", slug=slug, mentorship_id=ms.pk)
    return render(
        request,
        "mentorship/manage_mentorship.html",
        {
            **organiser_nav(request, program, "manage"),
            "program": program,
            "ms": ms,
            "timeline": _timeline(ms),
            "history": selectors.mentorship_history(ms),
            "answers": _answers(ms),
            "report_count": ms.reports.count(),
            "reassign_form": ReassignForm(program=program, exclude=ms.mentor_id),
            "reason_form": ReasonForm(),
        },
    )
