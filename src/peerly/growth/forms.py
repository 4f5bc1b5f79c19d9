"""The growth pages' forms. SMART prompts are help texts beside the fields, never required
fields: only a title is needed to start."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.growth.models import Horizon
from peerly.growth.models import ProgressMode
from peerly.programs.access import MEMBER_STATUSES
from peerly.programs.models import Program

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: Any, *, rows: int = 3, max_length: int = 5000, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class GoalForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Goal"),
        max_length=200,
        help_text=gettext_lazy("Specific: what exactly do you want to achieve?"),
    )
    why = _text(
        gettext_lazy("Why it matters"),
        help_text=gettext_lazy("Relevant: what will be different for you when it is done?"),
    )
    measure = _text(
        gettext_lazy("How you will know it is done"),
        rows=2,
        help_text=gettext_lazy("Measurable: a number, a result someone could see, a date."),
    )
    target_on = forms.DateField(
        label=gettext_lazy("Target date"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Time-bound: by when? Achievable: is that realistic?"),
    )
    horizon = forms.ChoiceField(
        label=gettext_lazy("Horizon"), choices=Horizon.choices, initial=Horizon.SHORT
    )
    progress_mode = forms.ChoiceField(
        label=gettext_lazy("Progress is measured by"),
        choices=ProgressMode.choices,
        initial=ProgressMode.PERCENT,
    )
    program = forms.ModelChoiceField(
        label=gettext_lazy("Programme it belongs to"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=gettext_lazy("None: it is just mine"),
        help_text=gettext_lazy("Only you see the goal either way."),
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            enrollments__user=owner, enrollments__status__in=MEMBER_STATUSES
        ).order_by("name")


class MilestoneForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Milestone"), max_length=200)
    due_on = forms.DateField(label=gettext_lazy("Due"), required=False, widget=DATE)


class CheckInForm(forms.Form):
    moved = _text(gettext_lazy("What moved"))
    blocked = _text(gettext_lazy("What is in the way"), rows=2)
    percent = forms.IntegerField(
        label=gettext_lazy("Progress now (%)"), required=False, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, with_percent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_percent:
            del self.fields["percent"]


class DropForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you dropping it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShareForm(forms.Form):
    audience = forms.ChoiceField(label=gettext_lazy("Share with"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = choices  # type: ignore[attr-defined]


class ReasonlessForm(forms.Form):
    """The achieve and reopen buttons: nothing to fill in."""
