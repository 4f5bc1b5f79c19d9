from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils import timezone
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from peerly.accounts import selectors
from peerly.accounts import services
from peerly.accounts.forms import GRID_HOURS
from peerly.accounts.forms import AvailabilityForm
from peerly.accounts.forms import DoNotPairForm
from peerly.accounts.forms import PauseForm
from peerly.accounts.forms import ProfileForm
from peerly.accounts.forms import ResendConfirmationForm
from peerly.accounts.forms import SignUpForm
from peerly.accounts.forms import timezone_choices
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.core.http import AuthedHttpRequest


def console_email() -> bool:
    """True when emails are printed in the server's terminal (development) instead of sent."""
    return settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
            timezone_name=form.cleaned_data["timezone"],
        )
        return render(
            request,
            "accounts/signup_done.html",
            {"email": form.cleaned_data["email"], "console_email": console_email()},
        )
    return render(
        request,
        "accounts/signup_form.html",
        {"form": form, "timezones": timezone_choices(), "console_email": console_email()},
    )


def confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not services.confirm_email(user=user, token=token):
        # Used, expired, foreign or made up: nobody is logged in; offer a fresh link.
        return render(
            request, "accounts/confirm_invalid.html", {"form": ResendConfirmationForm()}, status=400
        )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your email is confirmed. Tell us a little about yourself."))
    return redirect("accounts:profile-edit")


@require_POST
def confirm_resend(request: HttpRequest) -> HttpResponse:
    """'Send me a new confirmation link': the same answer whether or not the address exists."""
    form = ResendConfirmationForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/confirm_invalid.html", {"form": form}, status=400)
    services.resend_confirmation(email=form.cleaned_data["email"])
    return render(request, "accounts/confirm_resent.html")


@login_required
def profile_me(request: AuthedHttpRequest) -> HttpResponse:
    return profile_detail(request, request.user.pk)


@login_required
def profile_detail(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    view = selectors.get_profile_for_user(viewer=request.user, member_id=user_id)
    return render(request, "accounts/profile_detail.html", {"view": view})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            profile=form.save(commit=False),
            display_name=form.cleaned_data["display_name"],
            visibility=form.visibility(),
            language=form.cleaned_data["language"],
        )
        # The confirmation is already in the language just chosen.
        translation.activate(form.cleaned_data["language"] or request.user.language)
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/profile_edit.html", {"form": form, "timezones": timezone_choices()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit(request: AuthedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(request.user)
    windows = list(AvailabilityWindow.objects.filter(profile=profile))
    form = AvailabilityForm(
        request.POST or None, initial={"slots": AvailabilityForm.initial_from(windows)}
    )
    if request.method == "POST" and form.is_valid():
        count = services.set_availability(profile=profile, windows=form.windows())
        messages.success(
            request,
            ngettext(
                "Availability saved: %(count)s weekly window.",
                "Availability saved: %(count)s weekly windows.",
                count,
            )
            % {"count": count},
        )
        return redirect("accounts:availability")
    checked = set(form["slots"].value() or [])
    rows = [
        {
            "hour": h,
            "label": f"{h:02d}:00–{h + 1:02d}:00",
            "cells": [
                {
                    "value": f"{d}-{h}",
                    "checked": f"{d}-{h}" in checked,
                    "day": AvailabilityWindow.DAYS[d],
                }
                for d in range(7)
            ],
        }
        for h in GRID_HOURS
    ]
    return render(
        request,
        "accounts/availability_edit.html",
        {
            "form": form,
            "rows": rows,
            "days": AvailabilityWindow.DAYS,
            "profile": profile,
            "windows": windows,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def do_not_pair(request: AuthedHttpRequest) -> HttpResponse:
    form = DoNotPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = (
            selectors.list_co_members_for_user(user=request.user)
            .filter(email__iexact=form.cleaned_data["email"])
            .first()
        )
        if other is None:
            form.add_error("email", _("Nobody in your programmes has that email address."))
        else:
            try:
                services.add_do_not_pair(owner=request.user, other=other)
            except ServiceError as exc:
                form.add_error("email", exc.message)
            else:
                messages.success(
                    request, _("%(name)s will not be grouped with you.") % {"name": other.name}
                )
                return redirect("accounts:do-not-pair")
    entries = DoNotPair.objects.filter(owner=request.user).select_related("other")
    return render(request, "accounts/donotpair_list.html", {"form": form, "entries": entries})


@login_required
@require_POST
def do_not_pair_remove(request: AuthedHttpRequest, other_id: int) -> HttpResponse:
    if services.remove_do_not_pair(owner=request.user, other_id=other_id):
        messages.success(request, _("Removed from your do-not-pair list."))
    return redirect("accounts:do-not-pair")


@login_required
@require_http_methods(["GET", "POST"])
def pause(request: AuthedHttpRequest) -> HttpResponse:
    profile = services.ensure_profile(request.user)
    form = PauseForm(request.POST or None, initial={"paused_until": profile.paused_until})
    if request.method == "POST" and form.is_valid():
        try:
            services.pause_member(user=request.user, until=form.cleaned_data["paused_until"])
        except ServiceError as exc:
            form.add_error("paused_until", exc.message)
        else:
            until = form.cleaned_data["paused_until"]
            messages.success(
                request, f"Paused until {until:%d %B %Y}." if until else "Welcome back: resumed."
            )
            return redirect("core:home")
    return render(request, "accounts/pause_form.html", {"form": form, "profile": profile})


# ----------------------------------------------------------------------------- your data
@login_required
@require_http_methods(["GET"])
def data_overview(request: AuthedHttpRequest) -> HttpResponse:
    from peerly.accounts.forms import DeleteAccountForm

    return render(
        request, "accounts/data_overview.html", {"form": DeleteAccountForm(user=request.user)}
    )


@login_required
@require_POST
def data_export(request: AuthedHttpRequest) -> HttpResponse:
    from peerly.accounts import ownership

    ownership.record_export(user=request.user)
    response = HttpResponse(ownership.export_zip(user=request.user), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="peerly-data.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_delete(request: AuthedHttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    from peerly.accounts import ownership
    from peerly.accounts.forms import DeleteAccountForm

    form = DeleteAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/data_overview.html", {"form": form}, status=400)
    ownership.delete_account(user=request.user)
    logout(request)
    messages.success(request, _("Your account is deleted. Thank you for taking part."))
    return redirect("core:index")


# ----------------------------------------------------------------------------- API tokens
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    """The member's personal access tokens and the form for a new one. A new token's secret
    is in this one response only (never stored, never in a redirect or the session)."""
    from peerly.accounts import api_tokens
    from peerly.accounts.forms import ApiTokenForm
    from peerly.core.pagination import paginate

    form = ApiTokenForm(request.POST or None, user=request.user)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = api_tokens.create_token(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    scope=form.cleaned_data["scope"],
                    program=form.cleaned_data.get("program"),
                    expires_in_days=form.expires_in_days(),
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 400
            else:
                form = ApiTokenForm(user=request.user)
        else:
            status = 400
    page = paginate(request, api_tokens.list_tokens_for_user(user=request.user))
    response = render(
        request,
        "accounts/tokens.html",
        {"form": form, "created": created, "page": page, "now": timezone.now()},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, token_id: int) -> HttpResponse:
    from peerly.accounts import api_tokens

    token = api_tokens.get_token_for_user(user=request.user, token_id=token_id)
    api_tokens.revoke_token(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
