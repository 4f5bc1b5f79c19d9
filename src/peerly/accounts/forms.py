from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.accounts.lockout import normalise_email
from peerly.accounts.models import MEMBER_PROFILE_FIELDS
from peerly.accounts.models import VISIBLE_FIELDS
from peerly.accounts.models import AvailabilityWindow
from peerly.accounts.models import Channel
from peerly.accounts.models import Profile
from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.accounts.models import all_timezones
from peerly.accounts.models import split_tags
from peerly.accounts.models import validate_timezone

GRID_HOURS = range(6, 23)  # 06:00 … 22:00 starts, one-hour cells, in the member's time zone


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    #: The address of an account that gave the right password but never confirmed its email:
    #: the login page then offers to send a new confirmation link instead of a dead end.
    unconfirmed_email: str = ""

    def clean_username(self) -> str:
        # Stored emails are lower-case; axes counts the same form (accounts/lockout.py).
        return normalise_email(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError as exc:
            pending = self._pending_account()
            if pending is None or getattr(exc, "code", None) != "invalid_login":
                raise
            self.unconfirmed_email = pending.email
            raise forms.ValidationError(
                _(
                    "Your account is not confirmed yet: open the link we emailed to %(email)s, "
                    "or ask for a new one below."
                ),
                code="unconfirmed",
                params={"email": pending.email},
            ) from exc

    def _pending_account(self) -> User | None:
        """The signed-up, never-confirmed account these credentials belong to, if any.

        Only with the right password, so the answer reveals nothing a wrong guess could not.
        """
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not email or not password:
            return None
        user = User.objects.filter(
            email__iexact=email,
            is_active=False,
            email_confirmed_at__isnull=True,
            last_login__isnull=True,
        ).first()
        if user is None or not user.check_password(password):
            return None
        return user


class SignUpForm(forms.Form):
    display_name = forms.CharField(label=gettext_lazy("Your name"), max_length=120)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    timezone = forms.CharField(
        label=gettext_lazy("Time zone"),
        initial="UTC",
        help_text=gettext_lazy("IANA name, e.g. Europe/Berlin"),
        validators=[validate_timezone],
        widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("At least 8 characters, not only digits, not a common password."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class TagField(forms.CharField):
    """Comma-separated list, normalised ("python, Django" -> "python, Django")."""

    def clean(self, value: Any) -> str:
        return ", ".join(split_tags(super().clean(value) or ""))


class ProfileForm(forms.ModelForm):
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=120)
    languages = TagField(
        required=False, help_text=gettext_lazy("Comma-separated, e.g. English, Spanish")
    )
    skills = TagField(required=False, help_text=gettext_lazy("Comma-separated"))
    interests = TagField(required=False, help_text=gettext_lazy("Comma-separated"))
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Preferred channels"),
    )
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,  # left out: the language stays as it was
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("Pages and emails from Peerly are in this language."),
    )

    class Meta:
        model = Profile
        fields = list(MEMBER_PROFILE_FIELDS)
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 3}),
            "offers": forms.Textarea(attrs={"rows": 2}),
            "wants_to_learn": forms.Textarea(attrs={"rows": 2}),
            "timezone": forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile: Profile = self.instance
        self.fields["display_name"].initial = profile.user.display_name
        self.fields["language"].initial = profile.user.language
        for name in VISIBLE_FIELDS:
            self.fields[f"visibility_{name}"] = forms.ChoiceField(
                choices=Visibility.choices,
                initial=profile.visibility_of(name),
                label=_("Who sees %(replace)s") % {"replace": name.replace("_", " ")},
            )

    def clean_timezone(self) -> str:
        value = str(self.cleaned_data["timezone"]).strip()
        validate_timezone(value)
        return value

    def visibility(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"visibility_{name}"] for name in VISIBLE_FIELDS}

    def visibility_fields(self) -> list[Any]:
        return [self[f"visibility_{name}"] for name in VISIBLE_FIELDS]


def timezone_choices() -> list[str]:
    return sorted(all_timezones())


class AvailabilityForm(forms.Form):
    """A weekly grid of one-hour cells; checked cells become windows in the member's zone."""

    slots = forms.MultipleChoiceField(
        required=False,
        choices=[(f"{d}-{h}", f"{d}-{h}") for d in range(7) for h in GRID_HOURS],
    )

    @staticmethod
    def initial_from(windows: list[AvailabilityWindow]) -> list[str]:
        cells = []
        for w in windows:
            for h in GRID_HOURS:
                if w.start_minute <= h * 60 and (h + 1) * 60 <= w.end_minute:
                    cells.append(f"{w.weekday}-{h}")
        return cells

    def windows(self) -> list[tuple[int, int, int]]:
        result = []
        for cell in self.cleaned_data["slots"]:
            day, hour = (int(x) for x in cell.split("-"))
            result.append((day, hour * 60, hour * 60 + 60))
        return result


class DoNotPairForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Their email address"))


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PauseForm(forms.Form):
    paused_until = forms.DateField(
        label=gettext_lazy("Pause until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Leave empty to resume now."),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email goes through the queue (sent once, by a task).

    Unlike Django's, it also serves active accounts without a usable password: members an
    organiser imported who never chose one (their welcome link expires after a day).
    """

    def get_users(self, email: str) -> Iterator[Any]:
        email = User.objects.normalize_email(email).strip().lower()
        yield from User.objects.filter(email__iexact=email, is_active=True)

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from peerly.notifications.services import queue_email

        user = context["user"]
        # The key is visible to staff in the admin: a digest of the token, never the token.
        digest = hashlib.sha256(context["token"].encode()).hexdigest()[:24]
        queue_email(
            key=f"password-reset:{user.pk}:{digest}",
            to=user,
            template="password_reset",
            context=context,
        )


class DeleteAccountForm(forms.Form):
    """Deleting an account needs the current password (a stolen session is not enough)."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password


class ApiTokenForm(forms.Form):
    """A new personal access token (accounts/api_tokens.py). The programme choice only
    appears for organisers, and only lists the programmes they organise."""

    NEVER = "never"

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “weekly report script”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=[],  # set in __init__ (the model's choices)
        widget=forms.RadioSelect,
        initial="read",
    )
    program: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("Limit to one programme"),
        queryset=None,  # type: ignore[arg-type]  # set in __init__
        required=False,
        empty_label=gettext_lazy("No: everything I can access"),
        help_text=gettext_lazy("The token can then only reach this programme's endpoints."),
    )
    expires = forms.ChoiceField(
        label=gettext_lazy("Expires"),
        choices=[],  # set in __init__
        initial="90",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from django.utils.translation import ngettext

        from peerly.accounts import api_tokens
        from peerly.accounts.models import ApiTokenScope

        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = ApiTokenScope.choices  # type: ignore[attr-defined]
        days = [
            (str(n), ngettext("in %(days)d day", "in %(days)d days", n) % {"days": n})
            for n in api_tokens.EXPIRY_DAYS
        ]
        never = (self.NEVER, _("never"))
        self.fields["expires"].choices = [*days, never]  # type: ignore[attr-defined]
        programs = api_tokens.list_programs_for_tokens(user=user)
        if programs.exists():
            self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        else:
            del self.fields["program"]

    def expires_in_days(self) -> int | None:
        value = self.cleaned_data["expires"]
        return None if value == self.NEVER else int(value)
