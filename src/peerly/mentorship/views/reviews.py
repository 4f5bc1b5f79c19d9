"""The yearly feedback round: writing reviews, organisers opening the round."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from peerly.core.http import AuthedHttpRequest
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import ReviewForm
from peerly.mentorship.views._common import organiser_nav
from peerly.mentorship.views._common import program_for


@login_required
def review_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    reviews = selectors.list_reviews_for_user(user=request.user, program=program)
    return render(request, "mentorship/review_list.html", {"program": program, **reviews})


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: AuthedHttpRequest, slug: str, review_id: int) -> HttpResponse:
    program = program_for(request, slug)
    review = selectors.get_review_for_reviewer(
        user=request.user, program=program, review_id=review_id
    )
    form = ReviewForm(
        request.POST or None,
        initial={"strengths": review.strengths, "improve": review.improve, "rating": review.rating},
    )
    if submitted(
        request,
        form,
        services.submit_review,
        _("Thank you: your feedback is saved."),
        actor=request.user,
        review=review,
    ):
        return redirect("mentorship:review-list", slug=slug)
    return render(
        request,
        "mentorship/review_form.html",
        {
            "program": program,
            "review": review,
            "form": form,
            "look_back": selectors.review_look_back(review=review, viewer=request.user),
            "vision_url": _vision_url(),
        },
    )


def _vision_url() -> str:
    """The member's vision page, or their growth page until there is one."""
    try:
        return reverse("growth:vision")
    except NoReverseMatch:
        return reverse("growth:home")


@login_required
@require_http_methods(["GET", "POST"])
def manage_reviews(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug, need="organiser")
    if request.method == "POST":
        with service_errors(request, success=_("Feedback round opened: everyone has been asked.")):
            services.open_review_round(actor=request.user, program=program, now=timezone.now())
        return redirect("mentorship:manage-reviews", slug=slug)
    return render(
        request,
        "mentorship/manage_reviews.html",
        {
            **organiser_nav(request, program, "reviews"),
            "program": program,
            "aggregates": selectors.review_aggregates(program=program),
            "rounds": program.review_rounds.all(),
        },
    )
