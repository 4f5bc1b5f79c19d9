"""The journal's forms: everything optional but that something is written (the service says
so), the three prompts as their own fields, the goal and the session it is about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.growth import journal
from peerly.growth.forms import DATE
from peerly.growth.forms import _text
from peerly.growth.models import Goal


class EntryForm(forms.Form):
    written_on = forms.DateField(label=gettext_lazy("Date"), widget=DATE)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    text = _text(gettext_lazy("Entry"), rows=6, max_length=journal.MAX_TEXT)
    happened = _text(gettext_lazy("What happened"), max_length=journal.MAX_TEXT)
    learned = _text(gettext_lazy("What I learned"), max_length=journal.MAX_TEXT)
    differently = _text(gettext_lazy("What I'll do differently"), max_length=journal.MAX_TEXT)
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Comma-separated, e.g. feedback, meetings"),
    )
    goal_id = forms.TypedChoiceField(
        label=gettext_lazy("Goal it is about"), coerce=int, empty_value=None, required=False
    )
    about = forms.ChoiceField(label=gettext_lazy("Session it is about"), required=False)

    def __init__(self, *args: Any, owner: User, keep: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        none: list[tuple[Any, Any]] = [("", gettext_lazy("None"))]
        goals = Goal.objects.filter(owner=owner).order_by("title", "pk")[:200]
        fields: dict[str, Any] = self.fields
        fields["goal_id"].choices = none + [(g.pk, g.title) for g in goals]
        fields["about"].choices = none + journal.link_choices(owner, keep=keep)

    def clean(self) -> dict[str, Any]:
        """`about` ("circle_session:<id>", "coffee_group:<id>" or "") becomes the service's
        `circle_session_id` and `coffee_group_id`."""
        data = super().clean() or {}
        kind, _sep, pk = (data.pop("about", "") or "").partition(":")
        data["circle_session_id"] = int(pk) if kind == "circle_session" else None
        data["coffee_group_id"] = int(pk) if kind == "coffee_group" else None
        return data


class SearchForm(forms.Form):
    """The list's search and tag filter (GET); anything unreadable is ignored."""

    q = forms.CharField(label=gettext_lazy("Search"), max_length=200, required=False)
    tag = forms.CharField(label=gettext_lazy("Tag"), max_length=100, required=False)
