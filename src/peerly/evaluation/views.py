"""The KPI dictionary as a page: every metric's definition, for any signed-in member."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from peerly.core.http import AuthedHttpRequest
from peerly.evaluation import kpi


@login_required
@require_GET
def definitions(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "evaluation/metric_list.html",
        {"metrics": [(m, kpi.kind_labels(m)) for m in kpi.registry()]},
    )
