from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.timezones import user_zone_name
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.programs.access import AccessResult
from peerly.programs.access import access_program
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.programs.models import ProgramKind
from peerly.programs.views import kind_nav_context
from peerly.rounds import calendars
from peerly.rounds import jobs
from peerly.rounds import learn_notes
from peerly.rounds import reports
from peerly.rounds import selectors
from peerly.rounds import services
from peerly.rounds.forms import SEED_MAX
from peerly.rounds.forms import CheckinForm
from peerly.rounds.forms import LearnNoteForm
from peerly.rounds.forms import PreviewForm
from peerly.rounds.forms import ProposeForm
from peerly.rounds.forms import PublishForm
from peerly.rounds.forms import SettingsForm
from peerly.rounds.models import ChoiceKind
from peerly.rounds.models import OptInMode
from peerly.rounds.models import RoundGroup
from peerly.rounds.suggestions import outside_window


def _member(request: AuthedHttpRequest, slug: str) -> AccessResult:
    """Members' pages: an enrolment (applied, active, paused) or an organiser (the gateway)."""
    return access_program(request.user, slug, kind=ProgramKind.COFFEE, need="member")


def _my_group(request: AuthedHttpRequest, slug: str, group_id: int) -> RoundGroup:
    """The member's own group in this programme (403/404 from the gateway and the selector)."""
    program = _member(request, slug).program
    return selectors.get_group_for_member(user=request.user, program=program, group_id=group_id)


def _organised(request: AuthedHttpRequest, slug: str) -> Program:
    return access_program(request.user, slug, kind=ProgramKind.COFFEE, need="organiser").program


def _nav(request: AuthedHttpRequest, program: Program, active: str) -> dict[str, object]:
    """The shared programme nav on organisers' pages (the gateway already checked them)."""
    return kind_nav_context(request, program, active=active, is_organiser=True)


# ------------------------------------------------------------------------------- members
@login_required
def program(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = _member(request, slug)
    program, enrollment = access.program, access.enrollment
    settings_row = selectors.get_coffee_settings(program=program)
    number = services.next_round_number(program)
    next_draw = services.next_draw_at(settings_row, timezone.now())
    memberships = list(selectors.list_memberships_for_user(user=request.user, program=program))
    choice = selectors.get_choice_for_user(user=request.user, program=program, number=number)
    resting = (
        enrollment is not None
        and settings_row.opt_in_mode != OptInMode.PER_ROUND
        and choice == ""
        and services.member_rests(
            user=request.user, program=program, draw_day=(next_draw or timezone.now()).date()
        )
    )
    unmatched = (
        selectors.list_unmatched_for_user(user=request.user, program=program)
        .filter(round__number=number - 1)
        .first()
    )
    return render(
        request,
        "rounds/program_detail.html",
        {
            "program": program,
            "enrollment": enrollment,
            "settings": settings_row,
            "next_number": number,
            "next_draw": next_draw if settings_row.auto_publish else None,
            "choice": choice,
            "resting": resting,
            "per_round": settings_row.opt_in_mode == OptInMode.PER_ROUND,
            "memberships": memberships,
            "current": [m for m in memberships if m.round.status == "published"],
            "past": [m for m in memberships if m.round.status != "published"],
            "unmatched": unmatched,
            "unmatched_reason": selectors.member_reason(unmatched.reason) if unmatched else "",
            "is_active": enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE,
            "is_organiser": access.is_organiser,
            "learn_note_form": LearnNoteForm(
                initial={"text": learn_notes.get_learn_note(user=request.user, program=program)}
            ),
            **kind_nav_context(
                request, program, active="program", is_organiser=access.is_organiser
            ),
        },
    )


@login_required
@require_POST
def choice(request: AuthedHttpRequest, slug: str, action: str) -> HttpResponse:
    program = _member(request, slug).program
    mapping = {"skip": ChoiceKind.SKIP, "opt-in": ChoiceKind.OPT_IN, "clear": None}
    if action not in mapping:
        raise Http404
    with service_errors(request) as outcome:
        number = services.set_round_choice(
            user=request.user, program=program, choice=mapping[action]
        )
    if outcome.ok:
        text = {
            "skip": _("You will skip round %(number)s."),
            "opt-in": _("You are in for round %(number)s."),
            "clear": _("Your choice for round %(number)s is undone."),
        }[action]
        messages.success(request, text % {"number": number})
    return redirect("rounds:program", slug=slug)


def _group_page(
    request: AuthedHttpRequest,
    slug: str,
    group_id: int,
    *,
    propose_form: ProposeForm | None = None,
    checkin_form: CheckinForm | None = None,
    template: str = "rounds/group_detail.html",
) -> HttpResponse:
    program = _member(request, slug).program
    group = selectors.get_group_for_member(user=request.user, program=program, group_id=group_id)
    view = selectors.match_view(group, request.user)
    me = view["me"]
    checkin_open = group.round.meets_from <= timezone.localdate()
    if checkin_form is None:
        initial = {}
        if me is not None and me.answer:
            initial = {
                "answer": me.answer,
                "rating": me.rating,
                "knew_before": {True: "yes", False: "no"}.get(me.knew_before, ""),
            }
        checkin_form = CheckinForm(initial=initial)
    return render(
        request,
        template,
        {
            **view,
            "program": program,
            "propose_form": propose_form or ProposeForm(suggestions=view["suggestions"]),
            "checkin_form": checkin_form,
            "checkin_open": checkin_open,
            "learn_notes": learn_notes.learn_notes_for_group(group=group, viewer=request.user),
        },
    )


@login_required
def group_detail(request: AuthedHttpRequest, slug: str, group_id: int) -> HttpResponse:
    return _group_page(request, slug, group_id)


@login_required
@require_POST
def group_propose(request: AuthedHttpRequest, slug: str, group_id: int) -> HttpResponse:
    group = _my_group(request, slug, group_id)
    view = selectors.match_view(group, request.user)
    form = ProposeForm(request.POST, suggestions=view["suggestions"])
    if form.is_valid():
        with service_errors(request, form) as outcome:
            group = services.propose_time(
                user=request.user, group=group, start=form.chosen(user_zone_name(request.user))
            )
        if outcome.ok:
            if group.confirmed_start and not group.proposed_start:
                messages.success(request, _("Your meeting is confirmed."))
            else:
                messages.success(request, _("Time proposed. We told the others."))
            chosen = group.proposed_start or group.confirmed_start
            round_ = group.round
            if chosen and outside_window(
                chosen,
                user_zone_name(request.user),
                meets_from=round_.meets_from,
                meet_by=round_.meet_by,
            ):
                messages.warning(
                    request,
                    _(
                        "That time is outside this round's dates (%(start)s to %(end)s). "
                        "We saved it anyway: meet when it suits you all."
                    )
                    % {
                        "start": date_format(round_.meets_from, "l j F"),
                        "end": date_format(round_.meet_by, "l j F"),
                    },
                )
            return redirect("rounds:group-detail", slug=slug, group_id=group_id)
    return _group_page(request, slug, group_id, propose_form=form)


@login_required
@require_POST
def group_accept(request: AuthedHttpRequest, slug: str, group_id: int) -> HttpResponse:
    group = _my_group(request, slug, group_id)
    with service_errors(request) as outcome:
        group = services.accept_time(user=request.user, group=group)
    if outcome.ok:
        messages.success(
            request,
            "Confirmed: the calendar invitation is in your email."
            if group.confirmed_start and not group.proposed_start
            else "Accepted. Waiting for the others.",
        )
    return redirect("rounds:group-detail", slug=slug, group_id=group_id)


@login_required
@require_POST
def group_cancel(request: AuthedHttpRequest, slug: str, group_id: int) -> HttpResponse:
    group = _my_group(request, slug, group_id)
    told = _("Meeting cancelled. We sent the cancellation to everyone.")
    with service_errors(request, success=told):
        services.cancel_meeting(user=request.user, group=group)
    return redirect("rounds:group-detail", slug=slug, group_id=group_id)


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: AuthedHttpRequest, slug: str, group_id: int) -> HttpResponse:
    if request.method == "GET":
        return _group_page(request, slug, group_id, template="rounds/checkin_form.html")
    group = _my_group(request, slug, group_id)
    form = CheckinForm(request.POST)
    thanks = _("Thank you! Your answer is saved.")
    if submitted(request, form, services.submit_checkin, thanks, user=request.user, group=group):
        return redirect("rounds:group-detail", slug=slug, group_id=group_id)
    return _group_page(
        request, slug, group_id, checkin_form=form, template="rounds/checkin_form.html"
    )


def _ics_method(content: str) -> str:
    for line in content.splitlines():
        if line.upper().startswith("METHOD:"):
            return line.split(":", 1)[1].strip().upper()
    return "PUBLISH"


def _ics_response(content: str, filename: str) -> HttpResponse:
    """A calendar download whose Content-Type `method=` matches the body's METHOD."""
    response = HttpResponse(
        content, content_type=f"text/calendar; charset=utf-8; method={_ics_method(content)}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def suggestion_ics(
    request: AuthedHttpRequest, slug: str, group_id: int, index: int
) -> HttpResponse:
    group = _my_group(request, slug, group_id)
    if not 1 <= index <= len(group.suggestions):
        raise Http404("No such suggestion.")
    return _ics_response(calendars.suggestion_ics(group, index), f"coffee-suggestion-{index}.ics")


@login_required
def meeting_ics(request: AuthedHttpRequest, slug: str, group_id: int) -> HttpResponse:
    group = _my_group(request, slug, group_id)
    if group.confirmed_start is None:
        raise Http404("No meeting is confirmed yet.")
    return _ics_response(calendars.meeting_ics(group), "coffee-meeting.ics")


@require_http_methods(["GET", "POST"])
def resume(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The link in the 'we paused you' email: one button, no login needed (the token is)."""
    if request.method == "POST":
        with service_errors(None) as outcome:  # shown on the page itself, with a 400
            enrollment = services.resume_from_token(token=token, slug=slug)
        if not outcome.ok:
            return render(request, "rounds/resume.html", {"error": outcome.message}, status=400)
        return render(request, "rounds/resume.html", {"done": True, "program": enrollment.program})
    return render(request, "rounds/resume.html", {"token": token, "slug": slug})


# ---------------------------------------------------------------------------- organisers
@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    settings_row = selectors.get_coffee_settings(program=program)
    # newest first, two years of monthly rounds a page (?page= for older ones)
    rounds = paginate(request, selectors.list_rounds_for_organiser(program=program), per_page=24)
    return render(
        request,
        "rounds/manage.html",
        {
            **_nav(request, program, "manage"),
            "program": program,
            "settings": settings_row,
            "rounds": rounds,
            "page": rounds,
            "next_number": services.next_round_number(program),
            "next_draw": services.next_draw_at(settings_row, timezone.now()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def settings_edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    settings_row = selectors.get_coffee_settings(program=program)
    form = SettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form, success=_("Settings saved.")) as outcome:
            services.update_settings(actor=request.user, program=program, data=form.cleaned_data)
        if outcome.ok:
            return redirect("rounds:manage", slug=slug)
    return render(
        request,
        "rounds/settings_form.html",
        {**_nav(request, program, "settings"), "program": program, "form": form},
    )


@login_required
def preview(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    seed_form = PreviewForm(request.GET)
    if not seed_form.is_valid():
        return HttpResponseBadRequest(
            f"seed must be a whole number from 0 to {SEED_MAX}.",
            content_type="text/plain; charset=utf-8",
        )
    with service_errors(request) as outcome:
        result = services.preview_round(program=program, seed=seed_form.cleaned_data["seed"])
    if not outcome.ok:
        return redirect("rounds:manage", slug=slug)
    return render(
        request,
        "rounds/round_preview.html",
        {
            **_nav(request, program, "manage"),
            "program": program,
            "preview": result,
            "figures": result.figures,
            "rows": reports.preview_rows(result),
            "publish_form": PublishForm(initial={"number": result.number, "seed": result.seed}),
        },
    )


@login_required
@require_POST
def publish(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That preview is out of date; here is a fresh one."))
        return redirect("rounds:preview", slug=slug)
    with service_errors(request) as outcome:
        job, _started = jobs.start_publish(
            program=program,
            actor=request.user,
            number=form.cleaned_data["number"],
            seed=form.cleaned_data["seed"],
            allow_overlap=form.cleaned_data["allow_overlap"],
        )
    if not outcome.ok:
        return redirect("rounds:preview", slug=slug)
    # a worker draws and tells the members; the job's page shows how far it is, then sends
    # the organiser on to the round (a second click gets the same job)
    return redirect("core:job-detail", job_id=job.pk)


@login_required
def round_detail(request: AuthedHttpRequest, slug: str, number: int) -> HttpResponse:
    program = _organised(request, slug)
    round_ = selectors.get_round_for_organiser(program=program, number=number)
    report = reports.round_report(round_, request)
    return render(
        request,
        "rounds/round_detail.html",
        {
            **_nav(request, program, "manage"),
            "program": program,
            "round": round_,
            "report": report,
        },
    )


@login_required
def report(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = _organised(request, slug)
    data = reports.program_report(program)
    return render(
        request,
        "rounds/program_report.html",
        {**_nav(request, program, "report"), "program": program, **data},
    )
