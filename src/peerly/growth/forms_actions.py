"""The forms of action items (every kind) and of a circle block's link to a goal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.growth.actions import MAX_TEXT
from peerly.growth.actions import active_goals_of
from peerly.growth.forms import DATE
from peerly.growth.models import ActionStatus
from peerly.growth.models import Goal


def _goal_field(owner: User, current: Goal | None = None, **kwargs: Any) -> forms.ModelChoiceField:
    """The owner's active goals (and the current one, whatever its status)."""
    goals = active_goals_of(owner)
    if current is not None:
        goals = goals | Goal.objects.filter(pk=current.pk, owner=owner)
    return forms.ModelChoiceField(queryset=goals, required=False, **kwargs)


class ActionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Action"), max_length=MAX_TEXT)
    due_on = forms.DateField(label=gettext_lazy("Due"), required=False, widget=DATE)

    def __init__(self, *args: Any, owner: User, current_goal: Goal | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["goal"] = _goal_field(
            owner,
            current_goal,
            label=gettext_lazy("Towards my goal"),
            empty_label=gettext_lazy("No goal"),
        )


class MentorshipActionForm(forms.Form):
    """An action agreed in a mentorship: for the mentee or for the mentor."""

    text = forms.CharField(label=gettext_lazy("Agreed action"), max_length=MAX_TEXT)
    due_on = forms.DateField(label=gettext_lazy("Due"), required=False, widget=DATE)
    owner = forms.ChoiceField(label=gettext_lazy("Who does it"))

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["owner"].choices = owners  # type: ignore[attr-defined]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ActionStatus.choices)


class BlockGoalForm(forms.Form):
    """The coachee links the block's issue to one of their active goals."""

    def __init__(self, *args: Any, coachee: User, current: Goal | None = None, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["goal"] = _goal_field(
            coachee,
            current,
            label=gettext_lazy("This issue works towards my goal"),
            empty_label=gettext_lazy("Not linked to a goal"),
            help_text=gettext_lazy(
                "Only you see which goal, unless you share the goal with this circle. "
                "The actions you agree in this block get the goal too."
            ),
        )
