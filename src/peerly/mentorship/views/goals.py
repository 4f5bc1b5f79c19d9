"""The mentee sets a goal from their mentorship (orientation's "Set your goals"): growth's goal
form with the programme preset, first milestones and "share with my mentor"."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import submitted
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import MentorshipGoalForm
from peerly.mentorship.services.goals import title_from
from peerly.mentorship.views._common import program_for


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_for(request, slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    if ms.mentee_id != request.user.pk or not ms.is_running:
        raise Http404(_("No such page."))  # the mentee's own page, once a mentor accepted them
    # the application's text starts the first goal (not again once there is one)
    first = not selectors.program_goals_of(user=request.user, program=program)
    initial = {"title": title_from(ms.goals), "why": ms.goals.strip()} if first else {}
    form = MentorshipGoalForm(request.POST or None, owner=request.user, initial=initial)
    if submitted(
        request,
        form,
        services.set_goal,
        _("Goal saved."),
        actor=request.user,
        mentorship=ms,
    ):
        return redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=ms.pk)
    return render(
        request, "mentorship/goal_form.html", {"program": program, "ms": ms, "form": form}
    )
