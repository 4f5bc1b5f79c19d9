"""Forms of the recognition pages: they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.recognition.models import KUDOS_MAX_LENGTH
from peerly.recognition.models import MANUAL_BADGES
from peerly.recognition.models import REASON_MAX_LENGTH
from peerly.recognition.models import TESTIMONIAL_MAX_LENGTH
from peerly.recognition.models import Badge


class KudosForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label=gettext_lazy("Who do you want to thank?"), queryset=User.objects.none()
    )
    message = forms.CharField(
        label=gettext_lazy("What for? Be specific"),
        max_length=KUDOS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For example: “your detailed report helped me see…”. Only the two of you see it "
            "until they make it public."
        ),
    )

    def __init__(self, *args: Any, recipients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = recipients  # type: ignore[attr-defined]
        self.fields["recipient"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]


class TestimonialForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your testimonial"),
        max_length=TESTIMONIAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "A sentence or two about what the programme meant to you. Organisers may quote it, "
            "with your name, when they celebrate the season; you can withdraw it."
        ),
    )


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=gettext_lazy("Who sees it"), choices=Visibility.choices)


class AwardForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=User.objects.none())
    badge = forms.ChoiceField(
        label=gettext_lazy("Badge"),
        choices=[(b.value, b.label) for b in MANUAL_BADGES],
    )
    reason = forms.CharField(
        label=gettext_lazy("Why (shown with the badge)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["member"].label_from_instance = lambda u: u.name  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    rules = forms.MultipleChoiceField(
        label=gettext_lazy("Badges members earn on their own"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mentor_threshold = forms.IntegerField(
        label=gettext_lazy("“Mentor of several mentees”: how many mentees"),
        min_value=1,
        max_value=100,
        initial=3,
    )
    certificates_enabled = forms.BooleanField(
        label=gettext_lazy("Issue certificates of completion"), required=False
    )
    coffee_rounds_for_certificate = forms.IntegerField(
        label=gettext_lazy("Coffee rounds met for a certificate"),
        min_value=1,
        max_value=100,
        initial=5,
    )

    def __init__(self, *args: Any, rules: tuple[str, ...], kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Badge.choices)
        self.fields["rules"].choices = [(r, labels[r]) for r in rules]  # type: ignore[attr-defined]
        if kind != "mentorship":
            del self.fields["mentor_threshold"]
        if kind != "coffee":
            del self.fields["coffee_rounds_for_certificate"]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"), max_length=REASON_MAX_LENGTH, required=False
    )


class CelebrationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    starts_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", gettext_lazy("The end is before the start."))
        return data
