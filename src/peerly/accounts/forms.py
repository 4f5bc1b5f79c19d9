from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from peerly.accounts.lockout import normalise_email
from peerly.accounts.models import (
    MEMBER_PROFILE_FIELDS,
    VISIBLE_FIELDS,
    AvailabilityWindow,
    Channel,
    Profile,
    User,
    Visibility,
    all_timezones,
    split_tags,
    validate_timezone,
)

GRID_HOURS = range(6, 23)  # 06:00 … 22:00 starts, one-hour cells, in the member's time zone


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_username(self) -> str:
        # Stored emails are lower-case; axes counts the same form (accounts/lockout.py).
        return normalise_email(self.cleaned_data["username"])


class SignUpForm(forms.Form):
    display_name = forms.CharField(label="Your name", max_length=120)
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    timezone = forms.CharField(
        label="Time zone",
        initial="UTC",
        help_text="IANA name, e.g. Europe/Berlin",
        validators=[validate_timezone],
        widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only digits, not a common password.",
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
    display_name = forms.CharField(label="Display name", max_length=120)
    languages = TagField(required=False, help_text="Comma-separated, e.g. English, Spanish")
    skills = TagField(required=False, help_text="Comma-separated")
    interests = TagField(required=False, help_text="Comma-separated")
    channels = forms.MultipleChoiceField(
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Preferred channels",
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
        for name in VISIBLE_FIELDS:
            self.fields[f"visibility_{name}"] = forms.ChoiceField(
                choices=Visibility.choices,
                initial=profile.visibility_of(name),
                label=f"Who sees {name.replace('_', ' ')}",
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
    email = forms.EmailField(label="Their email address")


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label="Your email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class PauseForm(forms.Form):
    paused_until = forms.DateField(
        label="Pause until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to resume now.",
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
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.", code="wrong_password")
        return password
