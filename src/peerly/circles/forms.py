"""Forms: parsing only. Rules live in services.py."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.circles.models import Block
from peerly.circles.models import CircleSettings
from peerly.growth.models import ActionStatus
from peerly.programs.models import Strategy


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CircleSettings
        fields = [
            "season_weeks",
            "interval_weeks",
            "session_minutes",
            "group_size",
            "strategy",
            "team_rule",
            "reminder_hours",
        ]
        widgets = {"strategy": forms.RadioSelect}

    group_size = forms.TypedChoiceField(
        choices=[(3, gettext_lazy("3 (triads)")), (4, "4")],
        coerce=int,
        help_text=gettext_lazy(
            "One circle may have one more member to absorb a remainder; never fewer."
        ),
    )

    def clean_season_weeks(self) -> int:
        value = self.cleaned_data["season_weeks"]
        if not 2 <= value <= 52:
            raise forms.ValidationError(_("Between 2 and 52 weeks."))
        return value

    def clean_interval_weeks(self) -> int:
        value = self.cleaned_data["interval_weeks"]
        if not 1 <= value <= 4:
            raise forms.ValidationError(_("Between 1 and 4 weeks."))
        return value

    def clean_session_minutes(self) -> int:
        value = self.cleaned_data["session_minutes"]
        if not 30 <= value <= 240:
            raise forms.ValidationError(_("Between 30 and 240 minutes."))
        return value


class FormationForm(forms.Form):
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, initial=1)
    starts_on = forms.DateField(
        label=gettext_lazy("Season starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    strategy = forms.ChoiceField(choices=Strategy.choices, widget=forms.RadioSelect)


class PublishForm(FormationForm):
    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    allow_overlap = forms.BooleanField(
        required=False,
        label=gettext_lazy("Start anyway while a season still runs"),
        help_text=gettext_lazy(
            "Members of the running season keep their circle and are not placed again."
        ),
    )


class VoteForm(forms.Form):
    options = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Slots that suit me"),
    )

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["options"]).choices = choices


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label=gettext_lazy("Who is here?")
    )

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["present"]).choices = choices


class BlockForm(forms.ModelForm):
    class Meta:
        model = Block
        fields = list(Block.NOTE_FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in Block.NOTE_FIELDS}
        help_texts = {
            "issue": "The issue in the coachee's words, with specific examples and a little "
            "background.",
            "outcome": "How things would be if it were sorted out, as specific as possible.",
            "ideas": "Ideas that came up — noted, not solved yet.",
            "obstacles_self": "Skill or knowledge, motivation, attitude.",
            "obstacles_others": "Other people: a stressed manager, an anxious user …",
            "obstacles_situation": "Resources, deadlines, tools …",
            "brainstorm": "Ways around the blocks and possible next steps, found together.",
            "approach": "The approach the coachee chose.",
            "timing": "When the coachee will do what; when to check progress.",
        }


class NewActionForm(forms.Form):
    text = forms.CharField(max_length=500, required=False, label=gettext_lazy("Action"))
    owner = forms.TypedChoiceField(coerce=int, required=False, label=gettext_lazy("Owner"))
    due_on = forms.DateField(
        required=False, label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, owners: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["owner"]).choices = owners


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=gettext_lazy("New start (your time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    scope = forms.ChoiceField(
        choices=[
            ("this", "Only this session"),
            ("following", "This and all following sessions (move the series)"),
        ],
        widget=forms.RadioSelect,
        initial="this",
    )

    def __init__(self, *args: object, zone: zoneinfo.ZoneInfo, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.zone = zone

    def clean_starts_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["starts_at"]
        # Interpret the wall-clock time in the member's own zone, whatever Django assumed.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone)


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, required=False, label=gettext_lazy("Reason (optional)")
    )


class KnownPersonForm(forms.Form):
    other = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Someone I already know"))

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["other"]).choices = choices
