"""The network page of a programme (organisers only): who the programme has introduced to whom,
by team, from the stored summary (`network.py`); CSV and JSON of the same figures."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_POST

from peerly.core.csvsafe import safe_row
from peerly.core.http import AuthedHttpRequest
from peerly.evaluation import network
from peerly.evaluation.charts import heat_map_svg
from peerly.evaluation.models import NetworkSummary
from peerly.programs.access import access_program
from peerly.programs.views import kind_nav_context

FORMATS = ("html", "csv", "json")


def _organised(request: AuthedHttpRequest, slug: str):  # type: ignore[no-untyped-def]
    program = access_program(request.user, slug, need="organiser").program
    if program.kind not in network.KINDS:
        raise Http404(_("This programme has no groups, so no network figures."))
    return program


@login_required
@require_GET
def network_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        return HttpResponse(
            _("Unknown format: choose html, csv or json."), status=400, content_type="text/plain"
        )
    summary = NetworkSummary.objects.filter(program=program).first()
    shown = network.view(summary)
    if fmt == "json":
        return _json(program.slug, shown)
    if fmt == "csv":
        return _csv(program.slug, shown)
    chart = heat_map_svg(shown["labels"], [r["cells"] for r in shown["rows"]]) if shown else ""
    return render(
        request,
        "evaluation/network.html",
        {
            "program": program,
            "summary": summary,
            "shown": shown,
            "chart": chart,
            "too_few": summary is not None and shown is None,
            **kind_nav_context(request, program, active="network", is_organiser=True),
        },
    )


def _json(slug: str, shown: dict | None) -> HttpResponse:  # type: ignore[type-arg]
    body: dict[str, object] = {"programme": slug, "network": None}
    if shown is not None:
        body["network"] = {
            "computed_at": shown["computed_at"].isoformat(),
            "people": shown["people"],
            "distinct_met": shown["distinct_met"],
            "new_ties": shown["new_ties"],
            "new_cross_team_ties": shown["new_cross_team_ties"],
            "known_before_ties": shown["known_before_ties"],
            "repeat_draws": shown["repeat_draws"],
            "team_pairs": shown["team_pairs"],
            "team_pairs_connected": shown["team_pairs_connected"],
            "teams": [
                {"team": label, "people": row["people"], "new_ties": row["cells"]}
                for label, row in zip(shown["labels"], shown["rows"], strict=True)
            ],
            "events": shown["events"],
        }
    response = HttpResponse(json.dumps(body, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{slug}-network.json"'
    return response


def _csv(slug: str, shown: dict | None) -> HttpResponse:  # type: ignore[type-arg]
    """The team matrix: one row per team, one column per team (new ties between them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if shown is not None:
        writer.writerow(safe_row(["team", "people", *shown["labels"]]))
        for label, row in zip(shown["labels"], shown["rows"], strict=True):
            writer.writerow(safe_row([label, row["people"], *row["cells"]]))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-network.csv"'
    return response


@login_required
@require_POST
def network_refresh(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """Compute the figures now (a background job with a progress page)."""
    program = _organised(request, slug)
    job, _started = network.start_refresh(program, actor=request.user)
    return redirect("core:job-detail", job_id=job.pk)
