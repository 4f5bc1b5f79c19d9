"""Assignment: one by one with suggestions, or a whole batch through the engine."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.mentorship import jobs
from peerly.mentorship import matching_bridge
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import AssignForm
from peerly.mentorship.forms import AutoAssignForm
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.views._common import organiser_nav
from peerly.mentorship.views._common import program_for


@login_required
@require_http_methods(["GET", "POST"])
def manage_assign(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    if request.method == "POST":
        form = AssignForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(
                "Choose a mentee and a mentor from the list (ids must be whole numbers).",
                content_type="text/plain; charset=utf-8",
            )
        ms = selectors.get_mentorship_for_organiser(
            user=request.user, program=program, mentorship_id=form.cleaned_data["mentorship"]
        )
        mentor_id = form.cleaned_data["mentor"]
        mentor = (
            MentorProfile.objects.filter(program=program, pk=mentor_id).first()
            if mentor_id
            else None
        )
        if mentor is None:
            messages.error(request, gettext("Choose a mentor."))
        else:
            assigned = gettext("%(name)s is assigned to %(name2)s.") % {
                "name": ms.mentee.name,
                "name2": mentor.user.name,
            }
            with service_errors(request, success=assigned):
                services.assign_mentor(actor=request.user, mentorship=ms, mentor=mentor)
        return redirect("mentorship:manage-assign", slug=slug)
    waiting = list(selectors.list_unassigned(program=program)[:50])
    mentors = selectors.list_mentors_for_matching(program=program)
    today = timezone.localdate()
    now = timezone.now()
    rows = [
        {
            "ms": ms,
            "waiting_days": (now - ms.submitted_at).days,
            "suggestions": matching_bridge.suggest(ms, mentors, limit=3, reference=today),
        }
        for ms in waiting
    ]
    return render(
        request,
        "mentorship/manage_assign.html",
        {
            **organiser_nav(request, program, "assign"),
            "program": program,
            "rows": rows,
            "mentors": [m for m in mentors if m.free > 0 and m.is_accepting],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_auto_assign(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    form = AutoAssignForm(request.POST or None)
    plan = None
    if request.method == "POST" and "confirm" in request.POST:
        pairs = []
        for raw in request.POST.getlist("pair"):
            ms_id, _, mentor_id = raw.partition(":")
            if ms_id.isdigit() and mentor_id.isdigit():
                pairs.append((int(ms_id), int(mentor_id)))
        with service_errors(request) as outcome:
            job, _started = jobs.start_batch(actor=request.user, program=program, pairs=pairs)
        if not outcome.ok:
            return redirect("mentorship:manage-auto-assign", slug=slug)
        # a worker saves the pairs; the job's page shows how far it is, then sends the
        # organiser on to the assign page with the outcome (a second click gets the same job)
        return redirect("core:job-detail", job_id=job.pk)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form):
            plan = services.plan_batch(
                program=program,
                method=form.cleaned_data["method"],
                seed=form.cleaned_data.get("seed") or 0,
            )
    return render(
        request,
        "mentorship/manage_auto_assign.html",
        {
            **organiser_nav(request, program, "auto-assign"),
            "program": program,
            "form": form,
            "plan": plan,
            "assigned": sum(1 for p in plan or [] if p.mentor is not None),
        },
    )
