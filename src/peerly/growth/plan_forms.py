"""The forms of the SWOT, vision and development-plan pages. Their cleaned data are the keyword
arguments of the services in growth/plans.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.growth.forms import DATE
from peerly.growth.forms import _text
from peerly.growth.journal import MAX_ID
from peerly.growth.models import Goal

ONE_PER_LINE = gettext_lazy("One per line.")


def _lines(label: Any, help_text: Any = ONE_PER_LINE, rows: int = 5) -> forms.CharField:
    return _text(label, rows=rows, help_text=help_text)


class SwotVersionForm(forms.Form):
    """Starting a new version: only its name (the lists are copied from the current one)."""

    label = forms.CharField(
        label=gettext_lazy("Name of this version"),
        max_length=100,
        help_text=gettext_lazy("For example the year, or “Before the new role”."),
    )


class SwotForm(SwotVersionForm):
    strengths = _lines(
        gettext_lazy("Strengths"), gettext_lazy("What you do well, what others ask you for.")
    )
    weaknesses = _lines(gettext_lazy("Weaknesses"), gettext_lazy("What holds you back."))
    opportunities = _lines(
        gettext_lazy("Opportunities"), gettext_lazy("What around you could help you grow.")
    )
    threats = _lines(gettext_lazy("Threats"), gettext_lazy("What could get in the way."))


class VisionForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Who I want to become"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("A sentence or two, in your own words, a few years from now."),
    )
    qualities = _lines(
        gettext_lazy("The qualities I am building"),
        gettext_lazy("One per line, e.g. “calm under pressure”."),
        rows=4,
    )


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        """The goal's title and status ("Lead the migration (Active)"), not its str()."""
        return f"{obj.title} ({obj.get_status_display()})"

    def _check_values(self, value: Any) -> Any:
        """An id beyond any database's integers is nobody's goal: refused like an unknown one
        (the database would raise instead of finding nothing)."""
        for pk in value:
            try:
                out_of_range = not 0 < int(str(pk)) < MAX_ID
            except ValueError:
                continue  # not a number: Django's own message names it
            if out_of_range:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]


class PlanForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        help_text=gettext_lazy("For example “My development plan 2027”."),
    )
    starts_on = forms.DateField(label=gettext_lazy("Starts"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Ends"), widget=DATE)
    focus_areas = _lines(
        gettext_lazy("Focus areas"), gettext_lazy("What you will work on, one per line."), rows=4
    )
    goals = GoalChoiceField(
        label=gettext_lazy("Goals in this plan"),
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Chosen from your goals."),
    )
    learning = _lines(
        gettext_lazy("Learning activities"),
        gettext_lazy("Courses, books, projects, shadowing: one per line."),
        rows=4,
    )
    support = _text(
        gettext_lazy("Support I need"),
        rows=3,
        help_text=gettext_lazy("From your mentor, your circle, your manager."),
    )
    review_on = forms.DateField(
        label=gettext_lazy("Review date"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("When you will look at the plan again."),
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
            owner=owner
        ).order_by("status", "title", "id")
