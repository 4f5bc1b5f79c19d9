from __future__ import annotations

import base64
import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import NoReverseMatch
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.accounts.models import Visibility
from peerly.accounts.selectors import profile_fields_for_viewer
from peerly.core.csvsafe import safe_dict
from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import attempt
from peerly.core.viewhelpers import service_errors
from peerly.evaluation.network import KINDS as NETWORK_KINDS
from peerly.growth import selectors as growth_selectors
from peerly.programs import access
from peerly.programs import importing
from peerly.programs import kinds
from peerly.programs import selectors
from peerly.programs import services
from peerly.programs.forms import DeclineForm
from peerly.programs.forms import ImportForm
from peerly.programs.forms import InviteForm
from peerly.programs.forms import JoinForm
from peerly.programs.forms import MemberFilterForm
from peerly.programs.forms import PauseEnrollmentForm
from peerly.programs.forms import ProgramForm
from peerly.programs.forms import QuestionForm
from peerly.programs.kinds import NavItem
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Invitation
from peerly.programs.models import Program
from peerly.programs.models import Role


def kind_url(program: Program, name: str) -> str | None:
    """URL of the programme kind's own page (`program` for members, `manage` for organisers)."""
    kind = kinds.get(program.kind)
    if kind is None:
        return None
    try:
        return kind.member_url(program) if name == "program" else kind.organiser_url(program)
    except NoReverseMatch:
        return None


def kind_nav_context(
    request: HttpRequest, program: Program, *, active: str = "", is_organiser: bool | None = None
) -> dict[str, object]:
    """Context for templates/programs/_kind_nav.html: the programme's navigation from its
    kind (`kind_nav`, `nav_active`, `nav_label`). Pass `is_organiser` when the view knows it
    (from the access gateway) to save a query."""
    kind = kinds.get(program.kind)
    if kind is None:
        return {"kind_nav": [], "nav_active": active, "nav_label": program.name}
    if is_organiser is None:
        is_organiser = access.is_organiser(request.user, program)
    return {
        "kind_nav": [
            NavItem(
                program.name, reverse("programs:detail", kwargs={"slug": program.slug}), "overview"
            ),
            *kind.nav_items(program, user=request.user, is_organiser=is_organiser),
            *(
                [
                    NavItem(
                        "Members",
                        reverse("programs:manage", kwargs={"slug": program.slug}),
                        "members",
                    )
                ]
                if is_organiser
                else []
            ),
            *(
                [
                    NavItem(
                        _("Evaluation"),
                        reverse("evaluation:dashboard", kwargs={"slug": program.slug}),
                        "dashboard",
                    )
                ]
                if is_organiser
                else []
            ),
            *(
                [
                    NavItem(
                        _("Network"),
                        reverse("evaluation:network", kwargs={"slug": program.slug}),
                        "network",
                    )
                ]
                if is_organiser and program.kind in NETWORK_KINDS
                else []
            ),
            *(
                [
                    NavItem(
                        _("Targets"),
                        reverse("evaluation:targets", kwargs={"slug": program.slug}),
                        "targets",
                    ),
                    NavItem(
                        _("Insights"),
                        reverse("insights:themes", kwargs={"slug": program.slug}),
                        "insights",
                    ),
                ]
                if is_organiser
                else []
            ),
        ],
        "nav_active": active,
        "nav_label": kind.label,
    }


@login_required
def directory(request: AuthedHttpRequest) -> HttpResponse:
    programs = selectors.list_programs_for_user(user=request.user)
    return render(request, "programs/program_list.html", {"programs": programs})


@login_required
def detail(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    enrollment = selectors.get_enrollment_for_user(user=request.user, program=program)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "enrollment": enrollment,
            "is_organiser": selectors.is_organiser(request.user, program),
            "member_url": kind_url(program, "program"),
            "organiser_url": kind_url(program, "manage"),
            "pause_form": PauseEnrollmentForm(),
            "organisers": program.organisers.all(),
        },
    )


def _join_form(request: AuthedHttpRequest, program: Program) -> JoinForm:
    roles = services.roles_for(program)
    kind = kinds.get(program.kind)
    if kind is not None and kind.self_enrol_roles is not None:
        roles = kind.self_enrol_roles  # e.g. mentors are nominated, not self-enrolled
    return JoinForm(request.POST or None, program=program, roles=roles)


def _join(
    request: AuthedHttpRequest,
    program: Program,
    form: JoinForm,
    invitation: Invitation | None = None,
) -> Enrollment | None:
    with service_errors(request, form):
        if invitation is not None:
            return services.accept_invitation(
                user=request.user,
                token=invitation.token,
                answers=form.answers(),
                accept_agreement=form.cleaned_data.get("agreement", False),
            )
        return services.join_program(
            user=request.user,
            program=program,
            answers=form.answers(),
            accept_agreement=form.cleaned_data.get("agreement", False),
            role=form.cleaned_data.get("role"),
        )
    return None


@login_required
@require_http_methods(["GET", "POST"])
def join(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    form = _join_form(request, program)
    if request.method == "POST" and form.is_valid():
        enrollment = _join(request, program, form)
        if enrollment is not None:
            if enrollment.status == EnrollmentStatus.APPLIED:
                messages.info(request, _("Request sent: an organiser will review it."))
            else:
                messages.success(request, _("Welcome to %(name)s!") % {"name": program.name})
            return redirect("programs:detail", slug=program.slug)
    return render(request, "programs/program_join.html", {"program": program, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: AuthedHttpRequest, token: str) -> HttpResponse:
    try:
        invite = services.check_invitation(token=token, user=request.user)
    except services.InvitationError as exc:
        return render(
            request,
            "programs/invitation_invalid.html",
            {"message": exc.message},
            status=exc.status,
        )
    program = invite.program
    form = _join_form(request, program)
    if "role" in form.fields:
        del form.fields["role"]
    if request.method == "POST" and form.is_valid():
        enrollment = _join(request, program, form, invitation=invite)
        if enrollment is not None:
            messages.success(request, _("Welcome to %(name)s!") % {"name": program.name})
            return redirect("programs:detail", slug=program.slug)
    return render(
        request,
        "programs/program_join.html",
        {"program": program, "form": form, "invitation": invite},
    )


def _my_enrollment(request: AuthedHttpRequest, slug: str) -> Enrollment:
    program = selectors.get_program_for_user(user=request.user, slug=slug)
    enrollment = selectors.get_enrollment_for_user(user=request.user, program=program)
    if enrollment is None:
        raise PermissionDenied(_("You are not enrolled in this programme."))
    return enrollment


@login_required
@require_POST
def membership(request: AuthedHttpRequest, slug: str, action: str) -> HttpResponse:
    enrollment = _my_enrollment(request, slug)
    with service_errors(request):
        if action == "pause":
            form = PauseEnrollmentForm(request.POST)
            if not form.is_valid():
                raise ServiceError(_("Please enter a valid date."))
            services.pause_enrollment(
                user=request.user, enrollment=enrollment, until=form.cleaned_data["until"]
            )
            messages.success(request, _("Paused. You can resume at any time."))
        elif action == "resume":
            services.resume_enrollment(user=request.user, enrollment=enrollment)
            messages.success(request, _("Welcome back."))
        elif action == "leave":
            services.leave_program(user=request.user, enrollment=enrollment)
            messages.success(request, _("You have left the programme."))
        else:
            raise PermissionDenied
    return redirect("programs:detail", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthedHttpRequest) -> HttpResponse:
    if not (request.user.is_superuser or request.user.has_perm("programs.add_program")):
        raise PermissionDenied(_("Only site admins and staff can create programmes."))
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        program = attempt(request, form, services.create_program, actor=request.user, values=values)
        if program is not None:
            messages.success(
                request, _("Programme created. Add sign-up questions and invite members.")
            )
            return redirect("programs:edit", slug=program.slug)
    return render(request, "programs/program_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    form = ProgramForm(request.POST or None, instance=program)
    question_form = QuestionForm(prefix="question")
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        saved = attempt(
            request,
            form,
            services.update_program,
            actor=request.user,
            program=program,
            values=values,
        )
        if saved is not None:
            messages.success(request, _("Programme saved."))
            return redirect("programs:edit", slug=saved.slug)
    return render(
        request,
        "programs/program_form.html",
        {
            "form": form,
            "program": program,
            "question_form": question_form,
            "questions": program.questions.all(),
        },
    )


@login_required
@require_POST
def question_add(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    form = QuestionForm(request.POST, prefix="question")
    if form.is_valid():
        services.add_question(actor=request.user, program=program, question=form.save(commit=False))
        messages.success(request, _("Question added."))
    else:
        errors = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        messages.error(request, _("Question not added: %(errors)s") % {"errors": errors})
    return redirect("programs:edit", slug=slug)


@login_required
@require_POST
def question_delete(request: AuthedHttpRequest, slug: str, question_id: int) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    services.delete_question(actor=request.user, program=program, question_id=question_id)
    messages.success(request, _("Question removed."))
    return redirect("programs:edit", slug=slug)


def filtered_members(
    request: HttpRequest, program: Program
) -> tuple[MemberFilterForm, QuerySet[Enrollment]]:
    """The members list's filters (?q=&status=&role=&team=) and the members they select: one
    function for the list and its CSV export, so both always hold the same people."""
    form = MemberFilterForm(request.GET or None)
    form.set_choices(
        statuses=EnrollmentStatus.choices,
        roles=[(r, Role(r).label) for r in services.roles_for(program)],
        teams=[(t, t) for t in selectors.list_teams(program=program)],
    )
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.list_members_for_organiser(
        program=program,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        role=filters.get("role", ""),
        team=filters.get("team", ""),
    )
    return form, members


@login_required
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    form, members = filtered_members(request, program)
    page = paginate(request, members)
    # The export takes the filters in force (only valid values: nothing else is echoed).
    in_force = form.cleaned_data if form.is_valid() else {}
    export_query = urlencode({k: v for k, v in in_force.items() if v})
    shown = profile_fields_for_viewer(
        viewer=request.user,
        users=[e.user for e in page],
        program=program,
        names=["team"],
        level=Visibility.ORGANISERS,  # the gateway let only organisers (and admins) in
    )
    pending = Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPLIED).count()
    return render(
        request,
        "programs/manage_members.html",
        {
            "program": program,
            "form": form,
            "page": page,
            "rows": [(e, shown[e.user_id]) for e in page],
            "pending": pending,
            "query": page.query,  # type: ignore[attr-defined]  # set by core.pagination
            "export_query": export_query,
            "organiser_url": kind_url(program, "manage"),
            "goal_figures": growth_selectors.program_goal_figures(program=program),
        },
    )


@login_required
def manage_approvals(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    pending = list(
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPLIED)
        .select_related("user", "user__profile")
        .order_by("created_at")
    )
    questions = {str(q.pk): q.label for q in program.questions.all()}
    shown = profile_fields_for_viewer(
        viewer=request.user, users=[e.user for e in pending], program=program, names=["team"]
    )
    rows = [
        {
            "enrollment": e,
            "answers": [(questions.get(k, "?"), v) for k, v in e.answers.items()],
            "team": shown[e.user_id].get("team", ""),
        }
        for e in pending
    ]
    return render(
        request,
        "programs/manage_approvals.html",
        {
            "program": program,
            "rows": rows,
            "decline_form": DeclineForm(),
        },
    )


@login_required
@require_POST
def decide(request: AuthedHttpRequest, slug: str, enrollment_id: int, action: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    enrollment = selectors.get_enrollment_for_organiser(
        user=request.user, program=program, enrollment_id=enrollment_id
    )
    with service_errors(request):
        if action == "approve":
            services.approve_enrollment(actor=request.user, enrollment=enrollment)
            messages.success(request, _("%(name)s approved.") % {"name": enrollment.user.name})
        elif action == "decline":
            services.decline_enrollment(
                actor=request.user, enrollment=enrollment, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("%(name)s declined.") % {"name": enrollment.user.name})
        else:
            raise PermissionDenied
    return redirect("programs:manage-approvals", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def manage_invitations(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    form = InviteForm(request.POST or None, roles=services.roles_for(program))
    if request.method == "POST" and form.is_valid():
        sent, problems = 0, []
        for email in form.cleaned_data["emails"]:
            try:
                services.invite_member(
                    actor=request.user,
                    program=program,
                    email=email,
                    role=form.cleaned_data.get("role") or None,
                )
                sent += 1
            except ServiceError as exc:
                problems.append(exc.message)
        if sent:
            messages.success(
                request,
                ngettext("%(sent)s invitation sent.", "%(sent)s invitations sent.", sent)
                % {"sent": sent},
            )
        for problem in problems:
            messages.warning(request, problem)
        return redirect("programs:manage-invitations", slug=slug)
    invitations = program.invitations.select_related("invited_by")[:200]
    return render(
        request,
        "programs/manage_invitations.html",
        {
            "program": program,
            "form": form,
            "invitations": invitations,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_import(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    preview = None
    content = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload is not None:
            too_big = importing.size_error(upload.size)
            if too_big:  # refuse without reading a huge file into memory
                preview = importing.ImportPreview(errors=[importing.RowError(0, "", too_big)])
            else:
                data = upload.read()
                preview = importing.parse_members_csv(data, program=program)
                content = base64.b64encode(data).decode()
        elif form.cleaned_data.get("content") and "confirm" in request.POST:
            try:
                data = base64.b64decode(form.cleaned_data["content"], validate=True)
            except ValueError:
                data = b""
            preview = importing.parse_members_csv(data, program=program)
            if preview.ok:
                result = importing.apply_import(
                    preview=preview, program=program, actor=request.user
                )
                messages.success(
                    request,
                    ngettext(
                        "Imported: %(created_accounts)s new account, %(enrolled)s enrolled, "
                        "%(invited)s invited (existing accounts join when they accept), "
                        "%(skipped_already_enrolled)s already members.",
                        "Imported: %(created_accounts)s new accounts, %(enrolled)s enrolled, "
                        "%(invited)s invited (existing accounts join when they accept), "
                        "%(skipped_already_enrolled)s already members.",
                        result.created_accounts,
                    )
                    % {
                        "created_accounts": result.created_accounts,
                        "enrolled": result.enrolled,
                        "invited": result.invited,
                        "skipped_already_enrolled": result.skipped_already_enrolled,
                    },
                )
                return redirect("programs:manage", slug=slug)
        else:
            form.add_error("file", _("Choose a CSV file to upload."))
    return render(
        request,
        "programs/manage_import.html",
        {
            "program": program,
            "form": form,
            "preview": preview,
            "content": content,
            "columns": importing.COLUMNS,
        },
    )


EXPORT_LINES_PER_CHUNK = 500  # about 60 KB of CSV per write


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer → streaming."""

    def write(self, value: str) -> str:
        return value


@login_required
def manage_export(request: AuthedHttpRequest, slug: str) -> StreamingHttpResponse:
    """The members as CSV, streamed EXPORT_LINES_PER_CHUNK rows at a time (memory flat in the
    number of members; one write to the socket per chunk, not one per row)."""
    program = selectors.get_program_for_organiser(user=request.user, slug=slug)
    writer = csv.DictWriter(_Echo(), fieldnames=importing.EXPORT_COLUMNS)
    _form, members = filtered_members(request, program)  # the same people as the list
    members = selectors.members_for_export(members)

    def lines() -> Iterator[str]:
        chunk = [writer.writeheader()]  # type: ignore[func-returns-value]
        for row in importing.export_rows(program, viewer=request.user, members=members):
            chunk.append(writer.writerow(safe_dict(row)))
            if len(chunk) >= EXPORT_LINES_PER_CHUNK:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{program.slug}-members.csv"'
    return response
