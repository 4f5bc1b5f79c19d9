"""The feedback pages: a member's surveys and the feedback others passed on to them, a
survey's answer page, the after-session form, the leave form with its reasons; for
organisers a programme's surveys, a new survey, a survey's aggregate and its CSV."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.csvsafe import safe_row
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.feedback import selectors
from peerly.feedback import services
from peerly.feedback.forms import AnswerForm
from peerly.feedback.forms import ExitForm
from peerly.feedback.forms import NpsAtEndForm
from peerly.feedback.forms import SessionFeedbackForm
from peerly.feedback.forms import SurveyForm
from peerly.feedback.models import Anonymity
from peerly.feedback.models import SurveyKind
from peerly.programs import kinds
from peerly.programs.access import access_program


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/my_surveys.html",
        {
            "surveys": selectors.list_open_surveys_for_user(user=request.user),
            "received": paginate(request, selectors.list_feedback_received(user=request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: AuthedHttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.get_survey_for_member(user=request.user, survey_id=survey_id)
    answered = services.has_answered(survey=survey, user=request.user)
    form = AnswerForm(request.POST or None, questions=list(survey.questions.all()))
    if request.method == "POST" and not answered and form.is_valid():
        with service_errors(request, form, success=_("Thank you for your answers.")) as outcome:
            services.submit_response(survey=survey, user=request.user, answers=form.answers())
        if outcome.ok:
            return redirect("feedback:home")
    return render(
        request,
        "feedback/survey_answer.html",
        {"survey": survey, "form": form, "answered": answered, "Anonymity": Anonymity},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session(request: AuthedHttpRequest, kind: str, ref: str) -> HttpResponse:
    occasion = services.resolve_occasion(kind_code=kind, ref=ref, user=request.user)
    if occasion is None:
        raise Http404("Nothing to give feedback on here.")
    survey = selectors.get_standing_survey(program=occasion.program, kind=SurveyKind.AFTER_SESSION)
    key = services.occasion_key(kind, ref)
    answered = survey is not None and services.has_answered(
        survey=survey, user=request.user, occasion=key
    )
    form = SessionFeedbackForm(request.POST or None)
    if request.method == "POST" and not answered and form.is_valid():
        with service_errors(request, form, success=_("Thank you for your feedback.")) as outcome:
            services.submit_session_feedback(
                user=request.user, kind_code=kind, occasion=occasion, **form.cleaned_data
            )
        if outcome.ok:
            url = kinds.kind_of(occasion.program).member_url(occasion.program)
            return redirect(url or "feedback:home")
    return render(
        request,
        "feedback/session_form.html",
        {"occasion": occasion, "form": form, "answered": answered},
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_program(request.user, slug, need="member")
    enrollment = access.enrollment
    if enrollment is None or not access.is_member:
        raise Http404("You are not a member of this programme.")
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("You have left the programme.")) as outcome:
            services.leave_with_reason(
                user=request.user, enrollment=enrollment, **form.cleaned_data
            )
        if outcome.ok:
            return redirect("programs:detail", slug=slug)
    return render(request, "feedback/leave_form.html", {"program": access.program, "form": form})


# ----------------------------------------------------------------------------- organisers
@login_required
@require_GET
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_program(request.user, slug, need="organiser")
    return _manage_page(request, access.program, None)


def _manage_page(request, program, form, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    if form is None:
        current = services.feedback_settings(program)
        form = NpsAtEndForm(
            initial={
                "nps_at_end": current.nps_at_end,
                "nps_days": current.nps_days,
                "nps_every_rounds": current.nps_every_rounds,
            }
        )
    page = paginate(request, selectors.list_surveys_for_program(program=program))
    return render(
        request,
        "feedback/manage_list.html",
        {"program": program, "page": page, "settings_form": form},
        status=status,
    )


@login_required
@require_POST
def nps_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_program(request.user, slug, need="organiser")
    form = NpsAtEndForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, access.program, form, status=400)
    with service_errors(request, form, success=_("Settings saved.")) as outcome:
        services.save_feedback_settings(
            actor=request.user, program=access.program, **form.cleaned_data
        )
    if not outcome.ok:
        return _manage_page(request, access.program, form, status=400)
    return redirect("feedback:manage", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def survey_create(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_program(request.user, slug, need="organiser")
    form = SurveyForm(request.POST or None, organiser=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Survey scheduled.")) as outcome:
            survey = services.create_survey(
                actor=request.user, program=access.program, **form.service_kwargs()
            )
        if outcome.ok:
            return redirect("feedback:results", slug=slug, survey_id=survey.pk)
    return render(request, "feedback/survey_form.html", {"program": access.program, "form": form})


@login_required
@require_GET
def results(request: AuthedHttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = selectors.get_survey_for_organiser(user=request.user, slug=slug, survey_id=survey_id)
    return render(
        request,
        "feedback/survey_results.html",
        {"program": survey.program, "survey": survey, "figures": selectors.survey_figures(survey)},
    )


@login_required
@require_POST
def close(request: AuthedHttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = selectors.get_survey_for_organiser(user=request.user, slug=slug, survey_id=survey_id)
    with service_errors(request, success=_("Survey closed.")):
        services.close_survey(actor=request.user, survey=survey)
    return redirect("feedback:results", slug=slug, survey_id=survey.pk)


CSV_COLUMNS = ("question", "type", "option", "count", "mean", "nps", "text")


def figure_rows(figures: selectors.SurveyFigures) -> list[list[object]]:
    """The aggregate as CSV rows (header first): nothing but the count below 5 responses."""
    rows: list[list[object]] = [list(CSV_COLUMNS)]
    rows.append(["(responses)", "", "", figures.responses, "", "", ""])
    if not figures.shown:
        return rows
    for fig in figures.questions:
        q = fig.question
        rows.append([q.text, q.type, "", fig.answers, fig.mean or "", fig.nps or "", ""])
        rows.extend([q.text, q.type, option, n, "", "", ""] for option, n in fig.distribution)
        rows.extend([q.text, q.type, "", "", "", "", text] for text in fig.texts)
    return rows


@login_required
@require_GET
def export(request: AuthedHttpRequest, slug: str, survey_id: int) -> HttpResponse:
    survey = selectors.get_survey_for_organiser(user=request.user, slug=slug, survey_id=survey_id)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in figure_rows(selectors.survey_figures(survey)):
        writer.writerow(safe_row(row))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response
