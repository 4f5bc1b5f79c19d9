from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.programs.models import Cadence
from peerly.rounds.models import CheckinAnswer
from peerly.rounds.models import CoffeeSettings


class SettingsForm(forms.ModelForm):
    """The round settings, with the programme's cadence and group size (saved on the
    programme by `services.update_settings`: one source of truth)."""

    class Meta:
        model = CoffeeSettings
        fields = [
            "draw_weekday",
            "draw_week_of_month",
            "draw_time",
            "meet_window_days",
            "team_rule",
            "min_overlap_hours",
            "meeting_minutes",
            "opt_in_mode",
            "auto_publish",
            "prompts",
        ]
        widgets = {
            "draw_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "prompts": forms.Textarea(attrs={"rows": 4}),
            "opt_in_mode": forms.RadioSelect,
        }

    cadence = forms.ChoiceField(
        choices=Cadence.periodic,
        label=gettext_lazy("Cadence"),
        help_text=gettext_lazy("The programme's cadence (also on the programme's edit page)."),
    )
    group_size = forms.TypedChoiceField(
        choices=[(2, "2 (pairs)"), (3, "3"), (4, "4")], coerce=int, label=gettext_lazy("Group size")
    )
    meeting_minutes = forms.TypedChoiceField(
        choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "60 minutes")],
        coerce=int,
        label=gettext_lazy("Meeting length (for suggested times and invitations)"),
    )
    field_order = ["cadence", "draw_weekday", "draw_week_of_month", "draw_time", "meet_window_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        program = self.instance.program
        self.initial.setdefault("cadence", program.cadence)
        self.initial.setdefault("group_size", program.group_size)


class ProposeForm(forms.Form):
    suggestion = forms.TypedChoiceField(
        label=gettext_lazy("Suggested time"), required=False, coerce=int, empty_value=None
    )
    start = forms.DateTimeField(
        label=gettext_lazy("Or another time (your time zone)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args: Any, suggestions: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        field = self.fields["suggestion"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - narrows the type
        field.choices = [("", "—")] + [(s.index, s.mine) for s in suggestions]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("suggestion") is None and data.get("start") is None:
            raise forms.ValidationError(_("Pick a suggested time or enter another one."))
        return data

    def chosen(self, tz: str) -> dt.datetime:
        from peerly.rounds.suggestions import parse_local

        if self.cleaned_data.get("suggestion") is not None:
            index = self.cleaned_data["suggestion"]
            for s in self.suggestions:
                if s.index == index:
                    return s.start
        start = self.cleaned_data["start"]
        # Django made it aware in the server zone (UTC); the member typed local time.
        return parse_local(start.replace(tzinfo=None), tz)


class CheckinForm(forms.Form):
    answer = forms.ChoiceField(
        label=gettext_lazy("Did you meet?"), choices=CheckinAnswer.choices, widget=forms.RadioSelect
    )
    rating = forms.TypedChoiceField(
        label=gettext_lazy("How was it? (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), (5, "5 — great"), (4, "4"), (3, "3"), (2, "2"), (1, "1 — poor")],
    )
    knew_before = forms.TypedChoiceField(
        label=gettext_lazy("Did you know each other before? (optional)"),
        required=False,
        choices=[("", "—"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
    )


SEED_MAX = 2**32 - 1  # the engine seeds NumPy, which takes 0 … 2**32 − 1


class PreviewForm(forms.Form):
    """The optional `?seed=` of the preview page."""

    seed = forms.IntegerField(required=False, min_value=0, max_value=SEED_MAX)


class PublishForm(forms.Form):
    number = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    seed = forms.IntegerField(min_value=0, max_value=SEED_MAX, widget=forms.HiddenInput)
    allow_overlap = forms.BooleanField(
        label=gettext_lazy(
            "Open anyway: members of the open round get a second group at the same time"
        ),
        required=False,
    )


class LearnNoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("What I'd like to learn from people"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Optional. Only the people you are matched with see it, next to the conversation "
            "prompts; leave it empty to remove it."
        ),
    )
