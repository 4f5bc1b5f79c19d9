"""The feedback forms. Radio scales are radio groups (rendered in a fieldset with a legend by
_form.html); nothing needs JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.core.timezones import user_zone
from peerly.feedback import bank
from peerly.feedback.models import NPS_DAYS_MAX
from peerly.feedback.models import NPS_EVERY_ROUNDS_MAX
from peerly.feedback.models import NPS_MAX
from peerly.feedback.models import NPS_MIN
from peerly.feedback.models import SCALE_MAX
from peerly.feedback.models import SCALE_MIN
from peerly.feedback.models import Anonymity
from peerly.feedback.models import Question
from peerly.feedback.models import QuestionType
from peerly.feedback.models import SurveyCadence
from peerly.feedback.models import SurveyKind
from peerly.feedback.services import MAX_TEXT
from peerly.feedback.services import OwnQuestion

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OWN_SLOTS = 3


def _scale_choices(low: int, high: int) -> list[tuple[str, str]]:
    return [(str(n), str(n)) for n in range(low, high + 1)]


def _text(label: Any, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        **kwargs,
    )


USEFUL_HELP = gettext_lazy("1 = not useful at all, 5 = very useful")
NPS_HELP = gettext_lazy("0 = not at all likely, 10 = extremely likely")


class AnswerForm(forms.Form):
    """The fields of a survey's questions, `q<id>` each; `answers()` is {id: value}."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[f"q{q.pk}"] = self._field(q)

    @staticmethod
    def _field(q: Question) -> forms.Field:
        if q.type == QuestionType.TEXT:
            return _text(q.text)
        if q.type == QuestionType.CHOICE:
            choices = list(q.choice_labels.items())
            help_text: Any = ""
        elif q.type == QuestionType.NPS:
            choices, help_text = _scale_choices(NPS_MIN, NPS_MAX), NPS_HELP
        else:
            choices, help_text = _scale_choices(SCALE_MIN, SCALE_MAX), USEFUL_HELP
        return forms.ChoiceField(
            label=q.text,
            choices=choices,
            required=q.required,
            widget=forms.RadioSelect(attrs={"class": "scale"}),
            help_text=help_text,
        )

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or None for q in self.questions}


class SessionFeedbackForm(forms.Form):
    useful = forms.TypedChoiceField(
        label=gettext_lazy("How useful was it for you?"),
        choices=_scale_choices(SCALE_MIN, SCALE_MAX),
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        help_text=USEFUL_HELP,
    )
    helped = _text(gettext_lazy("One thing that helped"))
    change = _text(gettext_lazy("One thing to change next time"))
    share = forms.BooleanField(
        label=gettext_lazy("Also send these two answers, with my name, to the people I was with"),
        required=False,
    )


class ExitForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why are you leaving? (optional)"),
        choices=[(code, label) for code, label in bank.EXIT_REASONS],
        required=False,
        widget=forms.RadioSelect,
    )
    text = _text(
        gettext_lazy("Anything you would like to add (optional)"),
        help_text=gettext_lazy("Confidential: organisers only see totals of five answers or more."),
    )


class SurveyForm(forms.Form):
    """An organiser's pulse or NPS survey; dates in the organiser's own time zone."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (SurveyKind.PULSE.value, SurveyKind.PULSE.label),
            (SurveyKind.NPS.value, SurveyKind.NPS.label),
        ],
        widget=forms.RadioSelect,
        initial=SurveyKind.PULSE.value,
        help_text=gettext_lazy(
            "An NPS survey asks the 0–10 recommend question and why; its questions below are "
            "not used."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    intro = _text(gettext_lazy("A line for the members (optional)"))
    anonymity = forms.ChoiceField(
        label=gettext_lazy("How answers are stored"),
        choices=Anonymity.choices,
        initial=Anonymity.ANONYMOUS.value,
        widget=forms.RadioSelect,
    )
    cadence = forms.ChoiceField(
        label=gettext_lazy("How often"), choices=SurveyCadence.choices, initial="once"
    )
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DATE)
    closes_on = forms.DateField(
        label=gettext_lazy("Closes at the end of"),
        widget=DATE,
    )
    remind_on = forms.DateField(
        label=gettext_lazy("Reminder on (optional)"),
        widget=DATE,
        required=False,
        help_text=gettext_lazy("One reminder, to those who have not answered yet."),
    )
    bank_codes = forms.MultipleChoiceField(
        label=gettext_lazy("Questions from the bank"),
        choices=bank.pulse_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organiser: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = user_zone(organiser)
        for n in range(1, OWN_SLOTS + 1):
            self.fields[f"own{n}_type"] = forms.ChoiceField(
                label=gettext_lazy("Your question %(n)d: kind") % {"n": n},
                choices=QuestionType.choices,
                initial=QuestionType.SCALE,
                required=False,
            )
            self.fields[f"own{n}_text"] = forms.CharField(
                label=gettext_lazy("Your question %(n)d: text (optional)") % {"n": n},
                max_length=300,
                required=False,
            )
            self.fields[f"own{n}_choices"] = forms.CharField(
                label=gettext_lazy("Your question %(n)d: options, one a line (choice only)")
                % {"n": n},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("opens_on", "closes_on", "remind_on"):
            day = data.get(name)
            if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2199, 12, 31):
                self.add_error(name, gettext_lazy("Choose a date between 2000 and 2199."))
        return data

    def _at(self, day: dt.date, *, hour: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=self.zone).astimezone(dt.UTC)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        own = [
            OwnQuestion(
                type=data.get(f"own{n}_type") or QuestionType.SCALE,
                text=data[f"own{n}_text"],
                choices=tuple((data.get(f"own{n}_choices") or "").splitlines()),
            )
            for n in range(1, OWN_SLOTS + 1)
            if (data.get(f"own{n}_text") or "").strip()
        ]
        remind_on = data.get("remind_on")
        return {
            "kind": data["kind"],
            "title": data["title"],
            "intro": data["intro"],
            "anonymity": data["anonymity"],
            "cadence": data["cadence"],
            "opens_at": self._at(data["opens_on"]),
            "closes_at": self._at(data["closes_on"] + dt.timedelta(days=1)),
            "remind_at": self._at(remind_on, hour=9) if remind_on else None,
            "bank_codes": data["bank_codes"],
            "own_questions": own,
        }


class NpsAtEndForm(forms.Form):
    """The programme's choice to ask the NPS question at the end of each season or term."""

    nps_at_end = forms.BooleanField(
        required=False,
        label=gettext_lazy("Ask the recommend question (NPS) at the end of each season or term"),
    )
    nps_days = forms.IntegerField(
        min_value=1,
        max_value=NPS_DAYS_MAX,
        label=gettext_lazy("Days it stays open"),
    )
    nps_every_rounds = forms.IntegerField(
        min_value=1,
        max_value=NPS_EVERY_ROUNDS_MAX,
        label=gettext_lazy("Coffee rounds: a season is this many rounds"),
    )
