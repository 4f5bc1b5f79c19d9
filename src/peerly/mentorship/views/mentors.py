"""Mentors: the directory, the mentor's dashboard and profile, resignation, nominations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.accounts.models import split_tags
from peerly.accounts.selectors import profile_fields_for_viewer
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.mentorship import selectors
from peerly.mentorship import services
from peerly.mentorship.forms import ApproveNominationForm
from peerly.mentorship.forms import EvaluationForm
from peerly.mentorship.forms import MentorProfileForm
from peerly.mentorship.forms import NominationForm
from peerly.mentorship.forms import ResignForm
from peerly.mentorship.models import NominationStatus
from peerly.mentorship.views._common import KIND
from peerly.mentorship.views._common import program_for
from peerly.programs.access import access_program
from peerly.programs.access import is_organiser


@login_required
def mentor_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = access_program(request.user, slug, kind=KIND, need="member")
    program = access.program
    page = paginate(request, selectors.list_mentors_for_member(access=access), per_page=50)
    mentors = list(page)
    shown = profile_fields_for_viewer(
        viewer=request.user,
        users=[m.user for m in mentors],
        program=program,
        names=["timezone", "languages"],
        level=Visibility.PROGRAMMES,  # the mentor list is the same for members and organisers
    )
    rows = [
        {
            "mentor": m,
            "timezone": shown[m.user_id].get("timezone", ""),
            # the mentor profile's own languages are public; else the profile's, if shown
            "languages": split_tags(m.languages or shown[m.user_id].get("languages", "")),
        }
        for m in mentors
    ]
    from peerly.programs.views import kind_nav_context

    nav = kind_nav_context(request, program, active="mentors", is_organiser=access.is_organiser)
    return render(
        request,
        "mentorship/mentor_list.html",
        {"program": program, "rows": rows, "page": page, **nav},
    )


@login_required
def mentor_dashboard(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    profile = selectors.get_own_mentor_profile(user=request.user, program=program)
    board = selectors.mentor_dashboard(profile=profile, today=timezone.localdate())
    return render(
        request,
        "mentorship/mentor_dashboard.html",
        {"program": program, "board": board, "profile": profile},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentor_profile(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    profile = selectors.get_own_mentor_profile(user=request.user, program=program)
    form = MentorProfileForm(request.POST or None, instance=profile)

    def save(**fields: Any) -> object:
        profile.refresh_from_db()  # validating the form wrote its values onto the instance
        return services.update_mentor_profile(actor=request.user, profile=profile, **fields)

    if submitted(request, form, save, _("Mentor profile saved.")):
        return redirect("mentorship:mentor-dashboard", slug=slug)
    return render(
        request,
        "mentorship/mentor_form.html",
        {
            "program": program,
            "form": form,
            "profile": profile,
            "resign_form": ResignForm(profile=profile),
        },
    )


@login_required
@require_POST
def mentor_resign(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    profile = selectors.get_own_mentor_profile(user=request.user, program=program)
    form = ResignForm(request.POST, profile=profile)
    if not form.is_valid():
        messages.error(request, _("Please give a reason."))
        return redirect("mentorship:mentor-profile", slug=slug)
    thanks = _("You have stepped down. Thank you for mentoring.")
    with service_errors(request, success=thanks) as outcome:
        services.resign_mentor(actor=request.user, profile=profile, **form.cleaned_data)
    return redirect("mentorship:program" if outcome.ok else "mentorship:mentor-profile", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = program_for(request, slug)
    is_mentor = selectors.get_mentor_profile(user=request.user, program=program) is not None
    form = NominationForm(request.POST or None, program=program)
    if not is_mentor:
        del form.fields["nominee_email"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nominee: User | None = request.user
        if data.get("nominee_email"):
            nominee = User.objects.filter(
                email__iexact=data["nominee_email"], is_active=True
            ).first()
            if nominee is None:
                form.add_error("nominee_email", _("Nobody with this email has a Peerly account."))
        evaluator = data["evaluator"].user if data.get("evaluator") else None
        if nominee is not None:
            with service_errors(request, form, success=_("Nomination sent.")) as outcome:
                services.nominate_mentor(
                    actor=request.user,
                    program=program,
                    nominee=nominee,
                    statement=data["statement"],
                    expertise=data["expertise"],
                    evaluator=evaluator,
                )
            if outcome.ok:
                return redirect("mentorship:program", slug=slug)
    return render(
        request,
        "mentorship/nomination_form.html",
        {"program": program, "form": form, "is_mentor": is_mentor},
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_detail(request: AuthedHttpRequest, slug: str, nomination_id: int) -> HttpResponse:
    program = program_for(request, slug)
    nom = selectors.get_nomination_for_user(
        user=request.user, program=program, nomination_id=nomination_id
    )
    user, post = request.user, request.POST
    organiser = is_organiser(user, program)
    if request.method == "POST":
        action = post.get("action", "")
        if action == "evaluate":
            form = EvaluationForm(post)
            if form.is_valid():
                with service_errors(request, success=_("Evaluation saved.")):
                    services.evaluate_nomination(actor=user, nomination=nom, **form.cleaned_data)
            else:
                messages.error(request, _("Choose a recommendation and write an evaluation."))
        elif action == "training":
            with service_errors(request, success=_("Training checklist saved.")):
                services.set_training_item(
                    actor=user,
                    nomination=nom,
                    index=int(post.get("item", "-1") or -1),
                    done=post.get("done") == "1",
                )
        elif action == "approve":
            approve_form = ApproveNominationForm(post)
            capacity = (
                approve_form.cleaned_data.get("capacity") if approve_form.is_valid() else None
            )
            welcome = _("%(name)s is now a mentor.") % {"name": nom.nominee.name}
            with service_errors(request, success=welcome):
                services.approve_nomination(actor=user, nomination=nom, capacity=capacity)
        elif action == "decline":
            with service_errors(request, success=_("Nomination declined.")):
                services.decline_nomination(
                    actor=user, nomination=nom, reason=post.get("reason", "")
                )
        elif action == "withdraw":
            with service_errors(request, success=_("Nomination withdrawn.")):
                services.withdraw_nomination(actor=user, nomination=nom)
        else:
            raise PermissionDenied
        return redirect("mentorship:nomination-detail", slug=slug, nomination_id=nom.pk)
    items = services.get_settings(program).training_items
    return render(
        request,
        "mentorship/nomination_detail.html",
        {
            "program": program,
            "nom": nom,
            "is_nominee": nom.nominee_id == user.pk,
            "is_organiser": organiser,
            "can_evaluate": nom.status == NominationStatus.EVALUATION
            and nom.nominee_id != user.pk
            and nom.evaluator_id in (None, user.pk)
            and selectors.get_mentor_profile(user=user, program=program) is not None,
            "training": [(i, label, i in nom.training_done) for i, label in enumerate(items)],
            "evaluation_form": EvaluationForm(),
            "approve_form": ApproveNominationForm(),
        },
    )
