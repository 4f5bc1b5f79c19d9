"""A programme's targets page (organisers only): each target with its current value, trend
and status, a form to add one and a button to remove one (`targets.py`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import submitted
from peerly.evaluation import targets
from peerly.evaluation.models import Comparison
from peerly.programs.access import access_program
from peerly.programs.models import Program
from peerly.programs.views import kind_nav_context


class TargetForm(forms.Form):
    metric_key = forms.ChoiceField(label=gettext_lazy("Metric"))
    comparison = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=Comparison.choices)
    value = forms.FloatField(
        label=gettext_lazy("Target"),
        help_text=gettext_lazy("In the metric's unit: per cent from 0 to 100, days, …"),
    )
    by_date = forms.DateField(
        label=gettext_lazy("By (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("After this date a target not reached is “missed”."),
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric_key"].choices = [  # type: ignore[attr-defined]
            (m.key, f"{m.name} ({m.unit.label})") for m in targets.metrics_for(program)
        ]


def _organised(request: AuthedHttpRequest, slug: str) -> Program:
    return access_program(request.user, slug, need="organiser").program


@login_required
@require_http_methods(["GET", "POST"])
def targets_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    form = TargetForm(request.POST or None, program=program)
    if submitted(
        request,
        form,
        targets.set_target,
        _("Target saved."),
        actor=request.user,
        program=program,
    ):
        return redirect("evaluation:targets", slug=program.slug)
    return render(
        request,
        "evaluation/targets.html",
        {
            "program": program,
            "rows": targets.rows_for(program),
            "form": form,
            **kind_nav_context(request, program, active="targets", is_organiser=True),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def target_remove(request: AuthedHttpRequest, slug: str, target_id: int) -> HttpResponse:
    program = _organised(request, slug)
    targets.remove_target(actor=request.user, program=program, target_id=target_id)
    return redirect("evaluation:targets", slug=program.slug)
