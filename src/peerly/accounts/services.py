"""Account and profile state changes. Views, API and CLI call these; nothing else writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext

from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import DoNotPair
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.tokens import email_confirmation_token
from peerly.core import audit
from peerly.core.errors import ServiceError
from peerly.core.links import absolute_url
from peerly.notifications.services import queue_email


def _uid(user: User) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def confirmation_url(user: User) -> str:
    token = email_confirmation_token.make_token(user)
    return absolute_url("accounts:confirm", uidb64=_uid(user), token=token)


def password_set_url(user: User) -> str:
    token = default_token_generator.make_token(user)
    return absolute_url("accounts:password_reset_confirm", uidb64=_uid(user), token=token)


@transaction.atomic
def sign_up(
    *, email: str, password: str, display_name: str = "", timezone_name: str = "UTC"
) -> User | None:
    """Create an inactive account and email a confirmation link.

    When the address already has an account, nothing is created: the owner gets an email
    saying so (the page the visitor sees is the same, so sign-up does not reveal who is here).
    """
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        queue_email(
            key=f"signup-existing:{existing.pk}:{timezone.now():%Y%m%d%H}",
            to=existing,
            template="account_exists",
            context={"reset_url": absolute_url("accounts:password_reset")},
        )
        return None
    language = get_language() or settings.LANGUAGE_CODE  # the language the visitor signed up in
    user = User.objects.create_user(
        email=email,
        password=password,
        display_name=display_name.strip(),
        is_active=False,
        language=(
            language if language in {c for c, _n in settings.LANGUAGES} else settings.LANGUAGE_CODE
        ),
    )
    Profile.objects.create(user=user, timezone=timezone_name)
    audit.record(actor=None, action="user.sign_up", obj=user)
    queue_email(
        key=f"confirm-email:{user.pk}",
        to=user,
        template="confirm_email",
        context={"confirm_url": confirmation_url(user), "days": settings.ACCOUNT_CONFIRM_DAYS},
    )
    return user


@transaction.atomic
def confirm_email(*, user: User, token: str) -> bool:
    """Activate a pending account when `token` is valid for it; True only then.

    The token is checked first, always: an account confirmed already, a used, expired or
    foreign token all give False and change nothing (callers log in only on True).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.email_confirmed_at is not None:
        return False
    if not email_confirmation_token.check_token(user, token):
        return False
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    Profile.objects.get_or_create(user=user)
    audit.record(actor=user, action="user.confirm_email", obj=user)
    return True


@transaction.atomic
def resend_confirmation(*, email: str) -> bool:
    """Queue a fresh confirmation link for a pending sign-up (at most one an hour).

    Says nothing to the visitor: the caller shows the same page whether or not the address
    has an account. Only accounts that signed up and never confirmed (nor ever logged in) get
    a link; confirmed, imported or deactivated accounts get nothing. True when one was queued.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = (
        User.objects.select_for_update()
        .filter(
            email__iexact=email,
            email_confirmed_at__isnull=True,
            is_active=False,
            last_login__isnull=True,
        )
        .first()
    )
    if user is None or not user.has_usable_password():  # imported, then deactivated
        return False
    queued = queue_email(
        key=f"confirm-email:{user.pk}:{timezone.now():%Y%m%d%H}",
        to=user,
        template="confirm_email",
        context={"confirm_url": confirmation_url(user), "days": settings.ACCOUNT_CONFIRM_DAYS},
    )
    if queued is not None:
        audit.record(actor=None, action="user.resend_confirmation", obj=user)
    return queued is not None


def ensure_profile(user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def update_profile(
    *, profile: Profile, display_name: str, visibility: dict[str, str], language: str = ""
) -> Profile:
    """Save an edited (validated, unsaved) profile, its field visibility, the display name and
    (when given) the member's language."""
    profile.field_visibility = visibility
    profile.save()
    profile.user.display_name = display_name.strip()
    fields = ["display_name"]
    if language:
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise ServiceError(gettext("Unknown language “%(code)s”.") % {"code": language})
        profile.user.language = language
        fields.append("language")
    profile.user.save(update_fields=fields)
    return profile


def set_language(*, user: User, language: str) -> User:
    """Save the language the member's pages and emails are in (one of settings.LANGUAGES)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ServiceError(gettext("Unknown language “%(code)s”.") % {"code": language})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def set_availability(*, profile: Profile, windows: Iterable[tuple[int, int, int]]) -> int:
    """Replace the member's weekly windows (weekday, start_minute, end_minute), merged."""
    merged: list[tuple[int, int, int]] = []
    for day, start, end in sorted(set(windows)):
        if not (0 <= day <= 6 and 0 <= start < end <= 1440):
            raise ServiceError(
                gettext("Invalid availability window %(day)s %(start)s-%(end)s.")
                % {"day": day, "start": start, "end": end}
            )
        if merged and merged[-1][0] == day and merged[-1][2] >= start:
            merged[-1] = (day, merged[-1][1], max(merged[-1][2], end))
        else:
            merged.append((day, start, end))
    AvailabilityWindow.objects.filter(profile=profile).delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(profile=profile, weekday=d, start_minute=s, end_minute=e)
        for d, s, e in merged
    )
    return len(merged)


@transaction.atomic
def pause_member(*, user: User, until: dt.date | None) -> Profile:
    """Pause all matching until `until` (None resumes)."""
    if until is not None and until < timezone.localdate():
        raise ServiceError(gettext("The pause must end today or later."), field="paused_until")
    profile = ensure_profile(user)
    profile.paused_until = until
    audit.saved(
        profile,
        actor=user,
        action="profile.pause" if until else "profile.resume",
        data={"until": until.isoformat() if until else None},
        update_fields=["paused_until", "updated_at"],
    )
    return profile


@transaction.atomic
def add_do_not_pair(*, owner: User, other: User) -> DoNotPair:
    if owner.pk == other.pk:
        raise ServiceError(gettext("You cannot add yourself."), field="email")
    entry, _ = DoNotPair.objects.get_or_create(owner=owner, other=other)
    return entry


@transaction.atomic
def remove_do_not_pair(*, owner: User, other_id: int) -> bool:
    deleted, _ = DoNotPair.objects.filter(owner=owner, other_id=other_id).delete()
    return bool(deleted)
