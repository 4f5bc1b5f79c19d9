"""A programme's themes page (organisers and site admins only): theme labels and counts,
never a text (`themes.py`, docs/insights.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peerly.core.http import AuthedHttpRequest
from peerly.insights import themes
from peerly.insights.clustering import MIN_PEOPLE
from peerly.programs.access import access_program
from peerly.programs.views import kind_nav_context


@login_required
@require_GET
def themes_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = access_program(request.user, slug, need="organiser").program
    report = themes.themes(program)
    return render(
        request,
        "insights/themes.html",
        {
            "program": program,
            "report": report,
            "min_people": MIN_PEOPLE,
            "max_texts": themes.MAX_TEXTS,
            "is_embeddings": report.backend == themes.EMBEDDINGS,
            **kind_nav_context(request, program, active="insights", is_organiser=True),
        },
    )
