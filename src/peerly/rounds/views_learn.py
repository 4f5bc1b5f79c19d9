"""The coffee programme page's "what I'd like to learn from people" note (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.programs.access import access_program
from peerly.programs.models import ProgramKind
from peerly.rounds import learn_notes
from peerly.rounds.forms import LearnNoteForm


@login_required
@require_POST
def learn_note(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = access_program(request.user, slug, kind=ProgramKind.COFFEE, need="member").program
    form = LearnNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Your note is too long: 300 characters at most."))
    else:
        with service_errors(request, success=_("Your note is saved.")):
            learn_notes.set_learn_note(
                user=request.user, program=program, text=form.cleaned_data["text"]
            )
    return redirect("rounds:program", slug=slug)
