"""The organisers' dashboard and settings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import submitted
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import SettingsForm
from peerly.mentorship.views._common import organiser_nav
from peerly.mentorship.views._common import program_for


@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    board = selectors.organiser_dashboard(program=program, now=timezone.now())
    return render(
        request,
        "mentorship/manage_dashboard.html",
        {**organiser_nav(request, program, "manage"), "program": program, "board": board},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    form = SettingsForm(request.POST or None, instance=services.get_settings(program))
    if submitted(
        request,
        form,
        services.update_settings,
        _("Settings saved."),
        program=program,
        actor=request.user,
    ):
        return redirect("mentorship:manage-settings", slug=slug)
    return render(
        request,
        "mentorship/manage_settings.html",
        {**organiser_nav(request, program, "settings"), "program": program, "form": form},
    )
