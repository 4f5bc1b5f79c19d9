"""Members' landing page and the application form."""

from __future__ import annotations

from typing import Any

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
from peerly.mentorship.forms import ApplicationForm
from peerly.mentorship.models import MentorNomination
from peerly.mentorship.models import Review
from peerly.mentorship.views._common import _timeline
from peerly.mentorship.views._common import access_for_page
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Role
from peerly.programs.views import kind_nav_context


@login_required
def program_home(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_for_page(request, slug)
    program = access.program
    today = timezone.localdate()
    mentorship = selectors.get_current_mentorship(user=request.user, program=program)
    mentor_profile = selectors.get_mentor_profile(user=request.user, program=program)
    nominations = MentorNomination.objects.filter(
        program=program, nominee=request.user, status__in=("evaluation", "training", "review")
    )
    enrollment = access.enrollment
    joined_as_mentor = (
        mentor_profile is None
        and enrollment is not None
        and enrollment.role == Role.MENTOR
        and enrollment.status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.APPLIED)
    )
    reviews_due = Review.objects.filter(
        round__program=program,
        reviewer=request.user,
        submitted_at__isnull=True,
        round__closes_on__gte=today,
    ).select_related("reviewee")
    return render(
        request,
        "mentorship/program_home.html",
        {
            "program": program,
            "enrollment": enrollment,
            "joined_as_mentor": joined_as_mentor,
            "mentorship": mentorship,
            "timeline": _timeline(mentorship) if mentorship else [],
            "mentor_profile": mentor_profile,
            "is_organiser": access.is_organiser,
            "nominations": list(nominations),
            "reviews_due": list(reviews_due),
            "can_apply": mentor_profile is None
            and not joined_as_mentor
            and (mentorship is None or not mentorship.is_open),
            **kind_nav_context(
                request, program, active="program", is_organiser=access.is_organiser
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_for_page(request, slug)
    program, enrollment = access.program, access.enrollment
    enrolled = enrollment is not None and enrollment.status in (
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.APPLIED,
        EnrollmentStatus.PAUSED,
    )
    form = ApplicationForm(request.POST or None, program=program, with_questions=not enrolled)

    def send(*, goals: str, wants: str, agreement: bool = False, **_questions: Any) -> object:
        return services.submit_application(  # form.answers() reads the questions' fields
            user=request.user,
            program=program,
            goals=goals,
            wants=wants,
            answers=form.answers(),
            accept_agreement=agreement,
        )

    if submitted(request, form, send, _("Application sent. You can follow it on this page.")):
        return redirect("mentorship:program", slug=slug)
    return render(
        request,
        "mentorship/application_form.html",
        {"program": program, "form": form, "enrolled": enrolled},
    )
