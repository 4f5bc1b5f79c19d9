"""The organisers' dashboard and settings."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from peerly.core.http import AuthedHttpRequest
from peerly.mentorship import selectors, services
from peerly.mentorship.forms import (
    SettingsForm,
)
from peerly.mentorship.views._common import (
    _attempt,
    organiser_nav,
    program_for,
)


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
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            lambda: services.update_settings(
                program=program, actor=request.user, **form.cleaned_data
            ),
            "Settings saved.",
            form,
        )
    ):
        return redirect("mentorship:manage-settings", slug=slug)
    return render(
        request,
        "mentorship/manage_settings.html",
        {**organiser_nav(request, program, "settings"), "program": program, "form": form},
    )
