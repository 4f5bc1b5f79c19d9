"""Monthly reports, support requests (the mentor decides, organisers see validated ones)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.growth import selectors as growth_selectors
from peerly.growth.models import GoalStatus
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import CommentForm
from peerly.mentorship.forms import ReportForm
from peerly.mentorship.forms import month_choices
from peerly.mentorship.views._common import organiser_nav
from peerly.mentorship.views._common import program_for


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = program_for(request, slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    if ms.mentee_id != request.user.pk:
        raise PermissionDenied(_("Only the mentee files reports."))
    today = timezone.localdate()
    since = timezone.localdate(ms.accepted_at or ms.submitted_at)
    filed = set(ms.reports.values_list("month", flat=True))
    months = [m for m in month_choices(today, since) if m not in filed]
    form = ReportForm(
        request.POST or None,
        months=months,
        goals=growth_selectors.goals_the_mentee_shares(mentorship=ms).filter(
            status=GoalStatus.ACTIVE
        ),
        initial={
            "month": services.previous_month(today).isoformat()
            if services.previous_month(today) in months
            else None
        },
    )
    if submitted(
        request,
        form,
        services.file_report,
        _("Report filed. Your mentor has been told."),
        actor=request.user,
        mentorship=ms,
    ):
        return redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=ms.pk)
    return render(
        request, "mentorship/report_form.html", {"program": program, "ms": ms, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: AuthedHttpRequest, slug: str, report_id: int) -> HttpResponse:
    program = program_for(request, slug)
    report = selectors.get_report_for_user(user=request.user, program=program, report_id=report_id)
    form = CommentForm(request.POST or None)
    if submitted(
        request,
        form,
        services.comment_on_report,
        _("Comment added."),
        actor=request.user,
        report=report,
    ):
        return redirect("mentorship:report-detail", slug=slug, report_id=report.pk)
    return render(
        request,
        "mentorship/report_detail.html",
        {
            "program": program,
            "report": report,
            "ms": report.mentorship,
            "form": form,
            "comments": report.comments.select_related("author"),
            "goal_check_ins": selectors.report_goal_check_ins(report=report, viewer=request.user),
        },
    )


@login_required
@require_POST
def request_decide(request: AuthedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    program = program_for(request, slug)
    item = selectors.get_request_for_user(user=request.user, program=program, request_id=request_id)
    validate = request.POST.get("decision") == "validate"
    with service_errors(
        request, success=_("Request validated.") if validate else _("Request declined.")
    ):
        services.decide_request(
            actor=request.user,
            request=item,
            validate=validate,
            reason=request.POST.get("reason", ""),
        )
    return redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=item.mentorship_id)


@login_required
def manage_requests(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    return render(
        request,
        "mentorship/manage_requests.html",
        {
            **organiser_nav(request, program, "requests"),
            "program": program,
            "requests": selectors.list_requests_for_organiser(program=program)[:200],
        },
    )
