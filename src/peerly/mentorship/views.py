"""Mentorship pages: parse → selector/service → render or redirect. Nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from peerly.accounts.models import User, Visibility, split_tags
from peerly.accounts.selectors import profile_fields_for_viewer, visible_fields
from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest
from peerly.mentorship import matching_bridge, selectors, services
from peerly.mentorship.forms import (
    ApplicationForm,
    ApproveNominationForm,
    AssignForm,
    AutoAssignForm,
    CommentForm,
    EvaluationForm,
    GoalsForm,
    MentorProfileForm,
    NominationForm,
    ReasonForm,
    ReassignForm,
    RecognitionForm,
    ReportForm,
    RequestForm,
    ResignForm,
    ReviewForm,
    SettingsForm,
    TermForm,
    month_choices,
)
from peerly.mentorship.models import (
    MentorNomination,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    NominationStatus,
    Review,
)
from peerly.programs.models import EnrollmentStatus, Role
from peerly.programs.selectors import get_enrollment_for_user, is_organizer

M = MentorshipStatus
STEPS = [
    (M.SUBMITTED, "Submitted"),
    (M.ASSIGNED, "Assigned to a mentor"),
    (M.SCREENING, "Screening"),
    (M.ORIENTATION, "Orientation"),
    (M.ACTIVE, "Active (graduated)"),
    (M.ENDED, "Ended"),
]


def _attempt(
    request: AuthedHttpRequest, action: Callable[[], Any], success: str, form: Any = None
) -> bool:
    """Run one service call; show its ServiceError as a message or on the form."""
    try:
        action()
    except ServiceError as exc:
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def _timeline(ms: Mentorship) -> list[dict[str, object]]:
    order: list[str] = [s for s, _ in STEPS]
    position = order.index(ms.status) if ms.status in order else -1
    return [
        {"label": label, "done": i < position, "current": i == position}
        for i, (_, label) in enumerate(STEPS)
    ]


def _partner_fields(user: User) -> dict[str, Any]:
    """The partner's profile highlights other programme members may see, ready to print."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return {}
    fields = visible_fields(profile, "programmes")
    return {
        name.replace("_", " ").capitalize(): ", ".join(value) if isinstance(value, list) else value
        for name, value in fields.items()
        if value
    }


# ----------------------------------------------------------------------------- members
@login_required
def program_home(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    today = timezone.localdate()
    mentorship = selectors.get_current_mentorship(user=request.user, program=program)
    mentor_profile = selectors.get_mentor_profile(user=request.user, program=program)
    nominations = MentorNomination.objects.filter(
        program=program, nominee=request.user, status__in=("evaluation", "training", "review")
    )
    enrollment = get_enrollment_for_user(user=request.user, program=program)
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
            "is_organizer": is_organizer(request.user, program),
            "nominations": list(nominations),
            "reviews_due": list(reviews_due),
            "can_apply": mentor_profile is None
            and not joined_as_mentor
            and (mentorship is None or not mentorship.is_open),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    enrollment = get_enrollment_for_user(user=request.user, program=program)
    enrolled = enrollment is not None and enrollment.status in (
        EnrollmentStatus.ACTIVE,
        EnrollmentStatus.APPLIED,
        EnrollmentStatus.PAUSED,
    )
    form = ApplicationForm(request.POST or None, program=program, with_questions=not enrolled)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.submit_application(
                user=request.user,
                program=program,
                goals=data["goals"],
                wants=data["wants"],
                answers=form.answers(),
                accept_agreement=data.get("agreement", False),
            ),
            "Application sent. You can follow it on this page.",
            form,
        ):
            return redirect("mentorship:program", slug=slug)
    return render(
        request,
        "mentorship/application_form.html",
        {"program": program, "form": form, "enrolled": enrolled},
    )


@login_required
def mentor_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    mentors = list(selectors.list_mentors_for_member(user=request.user, program=program))
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
    return render(request, "mentorship/mentor_list.html", {"program": program, "rows": rows})


@login_required
def mentorship_detail(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    is_mentor = ms.mentor is not None and ms.mentor.user_id == request.user.pk
    partner = ms.mentee if is_mentor else (ms.mentor.user if ms.mentor else None)
    return render(
        request,
        "mentorship/mentorship_detail.html",
        {
            "program": program,
            "ms": ms,
            "is_mentor": is_mentor,
            "is_mentee": not is_mentor,
            "partner": partner,
            "partner_fields": _partner_fields(partner) if partner else {},
            "timeline": _timeline(ms),
            "reports": selectors.reports_for(ms),
            "requests": ms.requests.all(),
            "history": selectors.mentorship_history(ms),
            "answers": _answers(ms) if is_mentor else [],
            "reason_form": ReasonForm(),
            "request_form": RequestForm(),
            "recognition_form": RecognitionForm(),
            "term_form": TermForm(),
            "goals_form": GoalsForm(initial={"goals": ms.goals}),
            "term_asked": ms.term_asked_for is not None and ms.term_asked_for == ms.term_ends_on,
            "my_term_choice": ms.mentor_term_choice if is_mentor else ms.mentee_term_choice,
        },
    )


def _answers(ms: Mentorship) -> list[tuple[str, object]]:
    labels = {str(q.pk): q.label for q in ms.program.questions.all()}
    return [(labels.get(k, "?"), v) for k, v in (ms.enrollment.answers or {}).items()]


@login_required
@require_POST
def mentorship_action(
    request: AuthedHttpRequest, slug: str, mentorship_id: int, action: str
) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    user, post = request.user, request.POST
    back = redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=ms.pk)
    if action == "start_screening":
        _attempt(
            request,
            lambda: services.start_screening(actor=user, mentorship=ms),
            "Screening started.",
        )
    elif action == "accept":
        _attempt(
            request,
            lambda: services.accept_application(actor=user, mentorship=ms),
            f"{ms.mentee.name} is accepted: orientation starts now.",
        )
    elif action == "decline":
        back_to_pool = post.get("outcome", "pool") != "close"
        if _attempt(
            request,
            lambda: services.decline_application(
                actor=user, mentorship=ms, reason=post.get("reason", ""), back_to_pool=back_to_pool
            ),
            "Application declined.",
        ):
            return redirect("mentorship:mentor-dashboard", slug=slug)
    elif action == "withdraw":
        if _attempt(
            request,
            lambda: services.withdraw_application(
                actor=user, mentorship=ms, reason=post.get("reason", "")
            ),
            "Application withdrawn.",
        ):
            return redirect("mentorship:program", slug=slug)
    elif action == "orientation":
        done = post.get("done") == "1"
        _attempt(
            request,
            lambda: services.set_orientation_item(
                actor=user, mentorship=ms, item=post.get("item", ""), done=done
            ),
            "Checklist saved.",
        )
    elif action == "goals":
        _attempt(
            request,
            lambda: services.update_goals(actor=user, mentorship=ms, goals=post.get("goals", "")),
            "Goals saved.",
        )
    elif action == "graduate":
        _attempt(
            request,
            lambda: services.graduate_mentee(actor=user, mentorship=ms),
            f"{ms.mentee.name} has graduated from orientation.",
        )
    elif action == "request":
        form = RequestForm(post)
        if not form.is_valid():
            messages.error(
                request,
                "Check the request: "
                + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
            )
        else:
            _attempt(
                request,
                lambda: services.file_request(
                    actor=user,
                    mentorship=ms,
                    kind=form.cleaned_data["kind"],
                    amount=form.cleaned_data["amount"],
                    justification=form.cleaned_data["justification"],
                ),
                "Request sent to your mentor.",
            )
    elif action == "recognise":
        _attempt(
            request,
            lambda: services.recognise_mentee(
                actor=user, mentorship=ms, kind=post.get("kind", ""), note=post.get("note", "")
            ),
            "Sent to the organisers.",
        )
    elif action == "change":
        _attempt(
            request,
            lambda: services.request_mentor_change(
                actor=user, mentorship=ms, reason=post.get("reason", "")
            ),
            "The organisers will find a new mentor.",
        )
    elif action == "term":
        _attempt(
            request,
            lambda: services.answer_term(actor=user, mentorship=ms, choice=post.get("choice", "")),
            "Thank you, your answer is saved.",
        )
    elif action == "end":
        if _attempt(
            request,
            lambda: services.end_mentorship(
                actor=user, mentorship=ms, reason=post.get("reason", "")
            ),
            "The mentorship has ended.",
        ):
            return redirect("mentorship:program", slug=slug)
    else:
        raise PermissionDenied
    return back


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    ms = selectors.get_mentorship_for_user(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    if ms.mentee_id != request.user.pk:
        raise PermissionDenied("Only the mentee files reports.")
    today = timezone.localdate()
    since = timezone.localdate(ms.accepted_at or ms.submitted_at)
    filed = set(ms.reports.values_list("month", flat=True))
    months = [m for m in month_choices(today, since) if m not in filed]
    form = ReportForm(
        request.POST or None,
        months=months,
        initial={
            "month": services.previous_month(today).isoformat()
            if services.previous_month(today) in months
            else None
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.file_report(
                actor=request.user,
                mentorship=ms,
                month=data["month"],
                did=data["did"],
                next_steps=data["next_steps"],
                blockers=data["blockers"],
            ),
            "Report filed. Your mentor has been told.",
            form,
        ):
            return redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=ms.pk)
    return render(
        request, "mentorship/report_form.html", {"program": program, "ms": ms, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: AuthedHttpRequest, slug: str, report_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    report = selectors.get_report_for_user(user=request.user, program=program, report_id=report_id)
    form = CommentForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            request,
            lambda: services.comment_on_report(
                actor=request.user, report=report, body=form.cleaned_data["body"]
            ),
            "Comment added.",
            form,
        )
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
        },
    )


@login_required
@require_POST
def request_decide(request: AuthedHttpRequest, slug: str, request_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    item = selectors.get_request_for_user(user=request.user, program=program, request_id=request_id)
    validate = request.POST.get("decision") == "validate"
    _attempt(
        request,
        lambda: services.decide_request(
            actor=request.user,
            request=item,
            validate=validate,
            reason=request.POST.get("reason", ""),
        ),
        "Request validated." if validate else "Request declined.",
    )
    return redirect("mentorship:mentorship-detail", slug=slug, mentorship_id=item.mentorship_id)


# ----------------------------------------------------------------------------- mentors
@login_required
def mentor_dashboard(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
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
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    profile = selectors.get_own_mentor_profile(user=request.user, program=program)
    form = MentorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile.refresh_from_db()
        if _attempt(
            request,
            lambda: services.update_mentor_profile(
                actor=request.user,
                profile=profile,
                expertise=data["expertise"],
                languages=data["languages"],
                capacity=data["capacity"],
                is_accepting=data["is_accepting"],
            ),
            "Mentor profile saved.",
            form,
        ):
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
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    profile = selectors.get_own_mentor_profile(user=request.user, program=program)
    form = ResignForm(request.POST, profile=profile)
    if not form.is_valid():
        messages.error(request, "Please give a reason.")
        return redirect("mentorship:mentor-profile", slug=slug)
    if _attempt(
        request,
        lambda: services.resign_mentor(
            actor=request.user,
            profile=profile,
            reason=form.cleaned_data["reason"],
            replacement=form.cleaned_data["replacement"],
        ),
        "You have stepped down. Thank you for mentoring.",
    ):
        return redirect("mentorship:program", slug=slug)
    return redirect("mentorship:mentor-profile", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
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
                form.add_error("nominee_email", "Nobody with this email has a Peerly account.")
        evaluator = data["evaluator"].user if data.get("evaluator") else None
        if nominee is not None and _attempt(
            request,
            lambda: services.nominate_mentor(
                actor=request.user,
                program=program,
                nominee=nominee,
                statement=data["statement"],
                expertise=data["expertise"],
                evaluator=evaluator,
            ),
            "Nomination sent.",
            form,
        ):
            return redirect("mentorship:program", slug=slug)
    return render(
        request,
        "mentorship/nomination_form.html",
        {"program": program, "form": form, "is_mentor": is_mentor},
    )


@login_required
@require_http_methods(["GET", "POST"])
def nomination_detail(request: AuthedHttpRequest, slug: str, nomination_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    nom = selectors.get_nomination_for_user(
        user=request.user, program=program, nomination_id=nomination_id
    )
    user, post = request.user, request.POST
    organiser = is_organizer(user, program)
    if request.method == "POST":
        action = post.get("action", "")
        if action == "evaluate":
            form = EvaluationForm(post)
            if form.is_valid():
                _attempt(
                    request,
                    lambda: services.evaluate_nomination(
                        actor=user,
                        nomination=nom,
                        recommend=form.cleaned_data["recommend"],
                        evaluation=form.cleaned_data["evaluation"],
                    ),
                    "Evaluation saved.",
                )
            else:
                messages.error(request, "Choose a recommendation and write an evaluation.")
        elif action == "training":
            _attempt(
                request,
                lambda: services.set_training_item(
                    actor=user,
                    nomination=nom,
                    index=int(post.get("item", "-1") or -1),
                    done=post.get("done") == "1",
                ),
                "Training checklist saved.",
            )
        elif action == "approve":
            approve_form = ApproveNominationForm(post)
            capacity = (
                approve_form.cleaned_data.get("capacity") if approve_form.is_valid() else None
            )
            _attempt(
                request,
                lambda: services.approve_nomination(actor=user, nomination=nom, capacity=capacity),
                f"{nom.nominee.name} is now a mentor.",
            )
        elif action == "decline":
            _attempt(
                request,
                lambda: services.decline_nomination(
                    actor=user, nomination=nom, reason=post.get("reason", "")
                ),
                "Nomination declined.",
            )
        elif action == "withdraw":
            _attempt(
                request,
                lambda: services.withdraw_nomination(actor=user, nomination=nom),
                "Nomination withdrawn.",
            )
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
            "is_organizer": organiser,
            "can_evaluate": nom.status == NominationStatus.EVALUATION
            and nom.nominee_id != user.pk
            and nom.evaluator_id in (None, user.pk)
            and selectors.get_mentor_profile(user=user, program=program) is not None,
            "training": [(i, label, i in nom.training_done) for i, label in enumerate(items)],
            "evaluation_form": EvaluationForm(),
            "approve_form": ApproveNominationForm(),
        },
    )


# ----------------------------------------------------------------------------- reviews
@login_required
def review_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    reviews = selectors.list_reviews_for_user(user=request.user, program=program)
    return render(request, "mentorship/review_list.html", {"program": program, **reviews})


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: AuthedHttpRequest, slug: str, review_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program(user=request.user, slug=slug)
    review = selectors.get_review_for_reviewer(
        user=request.user, program=program, review_id=review_id
    )
    form = ReviewForm(
        request.POST or None,
        initial={"strengths": review.strengths, "improve": review.improve, "rating": review.rating},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.submit_review(
                actor=request.user,
                review=review,
                strengths=data["strengths"],
                improve=data["improve"],
                rating=data["rating"],
            ),
            "Thank you: your feedback is saved.",
            form,
        ):
            return redirect("mentorship:review-list", slug=slug)
    return render(
        request, "mentorship/review_form.html", {"program": program, "review": review, "form": form}
    )


# ----------------------------------------------------------------------------- organisers
@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    board = selectors.organiser_dashboard(program=program, now=timezone.now())
    return render(request, "mentorship/manage_dashboard.html", {"program": program, "board": board})


@login_required
@require_http_methods(["GET", "POST"])
def manage_assign(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    if request.method == "POST":
        form = AssignForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(
                "Choose a mentee and a mentor from the list (ids must be whole numbers).",
                content_type="text/plain; charset=utf-8",
            )
        ms = selectors.get_mentorship_for_organizer(
            user=request.user, program=program, mentorship_id=form.cleaned_data["mentorship"]
        )
        mentor_id = form.cleaned_data["mentor"]
        mentor = (
            MentorProfile.objects.filter(program=program, pk=mentor_id).first()
            if mentor_id
            else None
        )
        if mentor is None:
            messages.error(request, "Choose a mentor.")
        else:
            _attempt(
                request,
                lambda: services.assign_mentor(actor=request.user, mentorship=ms, mentor=mentor),
                f"{ms.mentee.name} is assigned to {mentor.user.name}.",
            )
        return redirect("mentorship:manage-assign", slug=slug)
    waiting = list(selectors.list_unassigned(program=program)[:50])
    mentors = selectors.list_mentors_for_matching(program=program)
    today = timezone.localdate()
    now = timezone.now()
    rows = [
        {
            "ms": ms,
            "waiting_days": (now - ms.submitted_at).days,
            "suggestions": matching_bridge.suggest(ms, mentors, limit=3, reference=today),
        }
        for ms in waiting
    ]
    return render(
        request,
        "mentorship/manage_assign.html",
        {
            "program": program,
            "rows": rows,
            "mentors": [m for m in mentors if m.free > 0 and m.is_accepting],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_auto_assign(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    form = AutoAssignForm(request.POST or None)
    plan = None
    if request.method == "POST" and "confirm" in request.POST:
        pairs = []
        for raw in request.POST.getlist("pair"):
            ms_id, _, mentor_id = raw.partition(":")
            if ms_id.isdigit() and mentor_id.isdigit():
                pairs.append((int(ms_id), int(mentor_id)))
        done, failed = services.apply_batch(actor=request.user, program=program, pairs=pairs)
        messages.success(request, f"{len(done)} applicant(s) assigned.")
        for failed_id, problem in failed:
            messages.warning(request, f"Application #{failed_id}: {problem}")
        return redirect("mentorship:manage-assign", slug=slug)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_batch(
                program=program,
                method=form.cleaned_data["method"],
                seed=form.cleaned_data.get("seed") or 0,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
    return render(
        request,
        "mentorship/manage_auto_assign.html",
        {
            "program": program,
            "form": form,
            "plan": plan,
            "assigned": sum(1 for p in plan or [] if p.mentor is not None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_mentorship(request: AuthedHttpRequest, slug: str, mentorship_id: int) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    ms = selectors.get_mentorship_for_organizer(
        user=request.user, program=program, mentorship_id=mentorship_id
    )
    reassign_form = ReassignForm(request.POST or None, program=program, exclude=ms.mentor_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reassign":
            if reassign_form.is_valid():
                _attempt(
                    request,
                    lambda: services.reassign_mentor(
                        actor=request.user,
                        mentorship=ms,
                        mentor=reassign_form.cleaned_data["mentor"],
                        reason=reassign_form.cleaned_data["reason"],
                    ),
                    "Mentor changed.",
                )
            else:
                messages.error(request, "Choose a new mentor and give a reason.")
        elif action == "close":
            _attempt(
                request,
                lambda: services.close_application(
                    actor=request.user, mentorship=ms, reason=request.POST.get("reason", "")
                ),
                "Application closed.",
            )
        elif action == "end":
            _attempt(
                request,
                lambda: services.end_mentorship(
                    actor=request.user, mentorship=ms, reason=request.POST.get("reason", "")
                ),
                "Mentorship ended.",
            )
        else:
            raise PermissionDenied
        return redirect("mentorship:manage-mentorship", slug=slug, mentorship_id=ms.pk)
    return render(
        request,
        "mentorship/manage_mentorship.html",
        {
            "program": program,
            "ms": ms,
            "timeline": _timeline(ms),
            "history": selectors.mentorship_history(ms),
            "answers": _answers(ms),
            "report_count": ms.reports.count(),
            "reassign_form": ReassignForm(program=program, exclude=ms.mentor_id),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_reviews(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.open_review_round(
                actor=request.user, program=program, now=timezone.now()
            ),
            "Feedback round opened: everyone has been asked.",
        )
        return redirect("mentorship:manage-reviews", slug=slug)
    return render(
        request,
        "mentorship/manage_reviews.html",
        {
            "program": program,
            "aggregates": selectors.review_aggregates(program=program),
            "rounds": program.review_rounds.all(),
        },
    )


@login_required
def manage_requests(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    return render(
        request,
        "mentorship/manage_requests.html",
        {
            "program": program,
            "requests": selectors.list_requests_for_organizer(program=program)[:200],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_settings(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_mentorship_program_for_organizer(user=request.user, slug=slug)
    form = SettingsForm(request.POST or None, instance=services.get_settings(program))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("mentorship:manage-settings", slug=slug)
    return render(request, "mentorship/manage_settings.html", {"program": program, "form": form})
