"""One mentorship's page and every action its mentee and mentor take on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.http import QueryDict
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.feedback.services import with_exit_reason
from peerly.growth import journal
from peerly.growth import plan_selectors
from peerly.growth import selectors as growth_selectors
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import GoalsForm
from peerly.mentorship.forms import ReasonForm
from peerly.mentorship.forms import RecognitionForm
from peerly.mentorship.forms import RequestForm
from peerly.mentorship.forms import TermForm
from peerly.mentorship.models import Mentorship
from peerly.mentorship.views._common import _answers
from peerly.mentorship.views._common import _partner_fields
from peerly.mentorship.views._common import _timeline
from peerly.mentorship.views._common import program_for
from peerly.mentorship.views.actions import agreed_actions


@login_required
def mentorship_detail(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_for(request, slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    is_mentor = ms.mentor is not None and ms.mentor.user_id == request.user.pk
    partner = ms.mentee if is_mentor else (ms.mentor.user if ms.mentor else None)
    return render(
        request,
        "mentorship/mentorship_detail.html",
        {
            "program": program,
            "ms": ms,
            "is_mentor": is_mentor,
            "is_mentee": not is_mentor,
            "partner": partner,
            "partner_fields": _partner_fields(partner) if partner else {},
            "timeline": _timeline(ms),
            "reports": selectors.reports_for(ms),
            "requests": ms.requests.all(),
            "history": selectors.mentorship_history(ms),
            "answers": _answers(ms) if is_mentor else [],
            "reason_form": ReasonForm(),
            "request_form": RequestForm(),
            "recognition_form": RecognitionForm(),
            "term_form": TermForm(),
            "goals_form": GoalsForm(initial={"goals": ms.goals}),
            "term_asked": ms.term_asked_for is not None and ms.term_asked_for == ms.term_ends_on,
            "my_term_choice": ms.mentor_term_choice if is_mentor else ms.mentee_term_choice,
            "shared_goals": growth_selectors.goals_shared_through_mentorship(
                mentorship=ms, viewer=request.user
            ),
            **plan_selectors.shared_plans_through_mentorship(mentorship=ms, viewer=request.user),
            "shared_entries": journal.entries_shared_through_mentorship(
                mentorship=ms, viewer=request.user
            ),
            **agreed_actions(request, ms),
            "my_goals": []
            if is_mentor
            else selectors.program_goals_of(user=request.user, program=program),
        },
    )


@dataclass(frozen=True)
class Action:
    """One button on the mentorship page: the service it calls with (actor, mentorship) and
    the POST fields it passes, the success message, and where to go after success."""

    service: Callable[..., Any]
    success: str  # may name {mentee}
    fields: tuple[str, ...] = ()
    options: Callable[[QueryDict], dict[str, Any]] | None = None
    after: str = ""  # URL name ("" = back to the mentorship page)


ACTIONS = {
    "start_screening": Action(services.start_screening, "Screening started."),
    "accept": Action(services.accept_application, "{mentee} is accepted: orientation starts now."),
    "decline": Action(
        services.decline_application,
        "Application declined.",
        ("reason",),
        lambda post: {"back_to_pool": post.get("outcome", "pool") != "close"},
        "mentorship:mentor-dashboard",
    ),
    "withdraw": Action(
        with_exit_reason(services.withdraw_application),  # feedback: the exit survey
        "Application withdrawn.",
        ("reason", "exit_reason"),
        None,
        "mentorship:program",
    ),
    "orientation": Action(
        services.set_orientation_item,
        "Checklist saved.",
        ("item",),
        lambda post: {"done": post.get("done") == "1"},
    ),
    "goals": Action(services.update_goals, "Goals saved.", ("goals",)),
    "graduate": Action(services.graduate_mentee, "{mentee} has graduated from orientation."),
    "recognise": Action(services.recognise_mentee, "Sent to the organisers.", ("kind", "note")),
    "change": Action(
        services.request_mentor_change, "The organisers will find a new mentor.", ("reason",)
    ),
    "term": Action(services.answer_term, "Thank you, your answer is saved.", ("choice",)),
    "end": Action(
        with_exit_reason(services.end_mentorship),  # feedback: the exit survey
        "The mentorship has ended.",
        ("reason", "exit_reason"),
        None,
        "mentorship:program",
    ),
}


def _file_request(request: AuthedHttpRequest, ms: Mentorship) -> None:
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Check the request: "
            + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
        return
    with service_errors(request, success=_("Request sent to your mentor.")):
        services.file_request(actor=request.user, mentorship=ms, **form.cleaned_data)


@login_required
@require_POST
def mentorship_action(
    request: AuthedHttpRequest, slug: str, mentorship_id: int, action: str
) -> HttpResponse:
    program = program_for(request, slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    back = redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=ms.pk)
    if action == "request":
        _file_request(request, ms)
        return back
    step = ACTIONS.get(action)
    if step is None:
        raise PermissionDenied
    post = request.POST
    kwargs = {name: post.get(name, "") for name in step.fields}
    kwargs |= step.options(post) if step.options else {}
    with service_errors(request, success=step.success.format(mentee=ms.mentee.name)) as outcome:
        step.service(actor=request.user, mentorship=ms, **kwargs)
    return redirect(step.after, slug=slug) if outcome.ok and step.after else back
