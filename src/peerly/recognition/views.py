"""Recognition pages: parse → selector/service → render/redirect."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.core.http import AuthedHttpRequest
from peerly.core.pagination import paginate
from peerly.core.viewhelpers import service_errors
from peerly.core.viewhelpers import submitted
from peerly.programs.models import Program
from peerly.recognition import contributions
from peerly.recognition import selectors
from peerly.recognition import services
from peerly.recognition.forms import AwardForm
from peerly.recognition.forms import CelebrationForm
from peerly.recognition.forms import KudosForm
from peerly.recognition.forms import RevokeForm
from peerly.recognition.forms import SettingsForm
from peerly.recognition.forms import TestimonialForm
from peerly.recognition.forms import VisibilityForm
from peerly.recognition.links import verify_url
from peerly.recognition.pdf import certificate_pdf


def _flag(request: HttpRequest, name: str = "value") -> bool:
    return request.POST.get(name) == "1"


# ----------------------------------------------------------------------------- the member
@login_required
@require_GET
def mine(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "recognition/mine.html",
        {
            "received": paginate(request, selectors.list_kudos_received(user=user), per_page=30),
            "sent": selectors.list_kudos_sent(user=user)[:30],
            "badges": list(user.badge_awards.select_related("program")),
            "certificates": list(user.certificates.select_related("program")),
            "testimonials": list(
                user.testimonials.filter(withdrawn_at__isnull=True).select_related("program")
            ),
            "visibility_choices": Visibility.choices,
        },
    )


@login_required
@require_POST
def kudos_public(request: AuthedHttpRequest, kudos_id: int) -> HttpResponse:
    kudos = selectors.get_received_kudos_for_user(user=request.user, kudos_id=kudos_id)
    public = _flag(request)
    with service_errors(
        request, success=_("Shown on the programme wall.") if public else _("Taken off the wall.")
    ):
        services.set_kudos_public(kudos=kudos, actor=request.user, public=public)
    return redirect("recognition:mine")


@login_required
@require_POST
def kudos_testimonial(request: AuthedHttpRequest, kudos_id: int) -> HttpResponse:
    kudos = selectors.get_received_kudos_for_user(user=request.user, kudos_id=kudos_id)
    shared = _flag(request)
    with service_errors(
        request,
        success=_("Offered as a testimonial.") if shared else _("No longer a testimonial."),
    ):
        services.set_kudos_testimonial(kudos=kudos, actor=request.user, shared=shared)
    return redirect("recognition:mine")


@login_required
@require_POST
def testimonial_withdraw(request: AuthedHttpRequest, testimonial_id: int) -> HttpResponse:
    item = selectors.get_testimonial_for_author(user=request.user, testimonial_id=testimonial_id)
    with service_errors(request, success=_("Testimonial withdrawn.")):
        services.withdraw_testimonial(testimonial=item, actor=request.user)
    return redirect("recognition:mine")


@login_required
@require_POST
def badge_visibility(request: AuthedHttpRequest, award_id: int) -> HttpResponse:
    award = selectors.get_own_award(user=request.user, award_id=award_id)
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose who may see it."), status=400)
    with service_errors(request, success=_("Saved.")):
        services.set_badge_visibility(
            award=award, actor=request.user, visibility=form.cleaned_data["visibility"]
        )
    return redirect("recognition:mine")


@login_required
@require_POST
def badges_visibility(request: AuthedHttpRequest) -> HttpResponse:
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose who may see it."), status=400)
    with service_errors(request, success=_("Saved for all your badges.")):
        services.set_all_badges_visibility(
            actor=request.user, visibility=form.cleaned_data["visibility"]
        )
    return redirect("recognition:mine")


# ----------------------------------------------------------------------------- a programme
@login_required
@require_GET
def wall(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = selectors.program_for_member(request.user, slug)
    program = access.program
    return render(
        request,
        "recognition/wall.html",
        {
            "program": program,
            "access": access,
            "page": paginate(request, selectors.list_wall(program=program), per_page=30),
            "celebration": selectors.latest_celebration(program=program),
            "can_award": access.is_organiser or _mentors_someone(request.user, program),
        },
    )


def _mentors_someone(user: User, program: Program) -> bool:
    return _award_members(user, program).exists()


@login_required
@require_http_methods(["GET", "POST"])
def kudos_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_for_member(request.user, slug).program
    recipients = selectors.kudos_recipients(program=program, sender=request.user)
    form = KudosForm(request.POST or None, recipients=recipients)
    if submitted(
        request,
        form,
        services.send_kudos,
        _("Kudos sent."),
        sender=request.user,
        program=program,
    ):
        return redirect("recognition:wall", slug=program.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "recognition/kudos_form.html", {"form": form, "program": program}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def testimonial_new(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    access = selectors.program_for_member(request.user, slug)
    if not access.is_member:
        raise PermissionDenied(_("Only members of this programme can share a testimonial."))
    form = TestimonialForm(request.POST or None)
    if submitted(
        request,
        form,
        services.add_testimonial,
        _("Thank you: your testimonial is shared with the organisers."),
        author=request.user,
        program=access.program,
    ):
        return redirect("recognition:mine")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "recognition/testimonial_form.html",
        {"form": form, "program": access.program},
        status=status,
    )


def _award_members(user: User, program: Program) -> QuerySet[User]:
    """Whom `user` may award a badge by hand in `program`."""
    from peerly.mentorship.models import OPEN_STATUSES

    members = selectors.kudos_recipients(program=program, sender=user)
    if services.is_organiser(user, program):
        return members
    return members.filter(
        mentorships__program=program,
        mentorships__mentor__user=user,
        mentorships__status__in=OPEN_STATUSES,
    )


@login_required
@require_http_methods(["GET", "POST"])
def award(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_for_member(request.user, slug).program
    members = _award_members(request.user, program)
    if not members.exists():
        raise PermissionDenied(_("Only organisers, or the member's mentor, award badges."))
    form = AwardForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        with service_errors(request, form) as outcome:
            _item, created = services.award_by_hand(
                actor=request.user,
                program=program,
                member=form.cleaned_data["member"],
                badge=form.cleaned_data["badge"],
                reason=form.cleaned_data["reason"],
            )
        if outcome.ok:
            messages.success(
                request,
                _("Badge awarded.") if created else _("They already hold this badge."),
            )
            return redirect("recognition:wall", slug=program.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "recognition/award_form.html", {"form": form, "program": program}, status=status
    )


# ----------------------------------------------------------------------------- organisers
def _manage(
    request: AuthedHttpRequest, program: Program, form: SettingsForm | None = None
) -> HttpResponse:
    cfg = services.settings_for(program)
    rules = contributions.rules_for(program)
    form = form or SettingsForm(
        rules=rules,
        kind=program.kind,
        initial={
            "rules": cfg.rules,
            "mentor_threshold": cfg.mentor_threshold,
            "certificates_enabled": cfg.certificates_enabled,
            "coffee_rounds_for_certificate": cfg.coffee_rounds_for_certificate,
        },
    )
    nominations = []
    if program.kind == "mentorship":
        from peerly.mentorship.models import Recognition

        nominations = list(
            Recognition.objects.filter(mentorship__program=program).select_related(
                "mentorship__mentee", "created_by"
            )[:50]
        )
    part = contributions.for_kind(program.kind)
    return render(
        request,
        "recognition/manage.html",
        {
            "program": program,
            "form": form,
            "completion_label": part.completion_label if part else "",
            "badges": paginate(
                request,
                selectors.list_program_badges_for_viewer(viewer=request.user, program=program),
                per_page=50,
            ),
            "certificates": selectors.list_program_certificates(program=program)[:100],
            "nominations": nominations,
            "revoke_form": RevokeForm(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_for_organiser(request.user, slug).program
    if request.method == "GET":
        return _manage(request, program)
    form = SettingsForm(request.POST, rules=contributions.rules_for(program), kind=program.kind)
    if submitted(
        request,
        form,
        services.update_settings,
        _("Recognition settings saved."),
        program=program,
        actor=request.user,
    ):
        return redirect("recognition:manage", slug=program.slug)
    return _manage(request, program, form)


@login_required
@require_POST
def issue(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_for_organiser(request.user, slug).program
    with service_errors(request) as outcome:
        count = services.issue_now(program=program, actor=request.user)
    if outcome.ok:
        messages.success(
            request,
            ngettext("%(n)d certificate issued.", "%(n)d certificates issued.", count)
            % {"n": count},
        )
    return redirect("recognition:manage", slug=program.slug)


@login_required
@require_POST
def award_nomination(request: AuthedHttpRequest, slug: str, recognition_id: int) -> HttpResponse:
    from peerly.mentorship.models import Recognition

    program = selectors.program_for_organiser(request.user, slug).program
    item = (
        Recognition.objects.filter(pk=recognition_id, mentorship__program=program)
        .select_related("mentorship__program", "mentorship__mentee")
        .first()
    )
    if item is None:
        raise Http404(selectors.NOT_FOUND)
    with service_errors(request, success=_("Badge awarded.")):
        services.award_from_nomination(actor=request.user, recognition=item)
    return redirect("recognition:manage", slug=program.slug)


@login_required
@require_POST
def revoke(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.get_certificate_for_user(user=request.user, certificate_id=certificate_id)
    if not services.is_organiser(request.user, cert.program):
        raise PermissionDenied(_("Only this programme's organisers can do that."))
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("The reason is too long."), status=400)
    with service_errors(request, success=_("Certificate revoked.")):
        services.revoke_certificate(
            certificate=cert, actor=request.user, reason=form.cleaned_data["reason"]
        )
    return redirect("recognition:manage", slug=cert.program.slug)


@login_required
@require_http_methods(["GET", "POST"])
def celebration(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = selectors.program_for_organiser(request.user, slug).program
    today = timezone.localdate()
    default_start = _default_start(program, today)
    form = CelebrationForm(
        request.POST or request.GET or None,
        initial={
            "title": _("Celebrating %(name)s") % {"name": program.name},
            "starts_on": default_start,
            "ends_on": today,
        },
    )
    if submitted(
        request,
        form,
        services.publish_celebration,
        _("Celebration published on the programme."),
        program=program,
        actor=request.user,
    ):
        return redirect("recognition:wall", slug=program.slug)
    period = (default_start, today)
    if form.is_bound and form.is_valid():
        period = (form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
    summary = selectors.celebration_summary(program=program, starts_on=period[0], ends_on=period[1])
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "recognition/celebration.html",
        {"program": program, "form": form, "summary": summary, "period": period},
        status=status,
    )


def _default_start(program: Program, today: dt.date) -> dt.date:
    """The start of the last season or term that ended, else a year ago."""
    if program.kind == "circle":
        from peerly.circles.models import Season

        season = Season.objects.filter(program=program, ends_on__lte=today).first()
        if season is not None:
            return season.starts_on
    return today - dt.timedelta(days=365)


# ----------------------------------------------------------------------------- certificates
@login_required
@require_GET
def certificate(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.get_certificate_for_user(user=request.user, certificate_id=certificate_id)
    return render(
        request,
        "recognition/certificate.html",
        {"certificate": cert, "verify_url": verify_url(cert)},
    )


@login_required
@require_GET
def certificate_download(request: AuthedHttpRequest, certificate_id: int) -> HttpResponse:
    cert = selectors.get_certificate_for_user(user=request.user, certificate_id=certificate_id)
    response = HttpResponse(
        certificate_pdf(cert, verify_url=verify_url(cert)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.pk}.pdf"'
    return response


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anybody, signed in or not: the name, programme, dates and whether it is valid."""
    cert = selectors.get_certificate_by_code(code=code)
    response = render(request, "recognition/verify.html", {"certificate": cert})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
