from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from typing import cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.accounts.models import User
from peerly.growth.forms import DATE
from peerly.growth.forms import GoalForm
from peerly.growth.models import Goal
from peerly.growth.models import ProgressMode
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import MentorshipSettings
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.models import RecognitionKind
from peerly.mentorship.models import RequestKind
from peerly.mentorship.models import TermChoice
from peerly.mentorship.services.configuration import EDITABLE
from peerly.mentorship.services.goals import GoalProgress
from peerly.programs.forms import JoinForm
from peerly.programs.models import Program
from peerly.programs.models import Role


def _textarea(
    label: Any, *, max_length: int, rows: int = 3, required: bool = True, **kwargs: Any
) -> forms.CharField:
    """A free-text answer `rows` lines high (every multi-line field of these forms)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class MentorChoiceField(forms.ModelChoiceField):
    """One of a programme's active mentors, by name: empty until the form calls `offer`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=MentorProfile.objects.none(), **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.name)

    def offer(self, *, program: Program, exclude: int | None = None) -> None:
        """Offer the programme's active mentors, but `exclude` (a mentor profile id)."""
        mentors = MentorProfile.objects.filter(program=program, status=MentorStatus.ACTIVE)
        mentors = mentors.select_related("user")
        self.queryset = mentors if exclude is None else mentors.exclude(pk=exclude)


class MentorLoadChoiceField(MentorChoiceField):
    """A mentor by name with their load, for organisers choosing whom to assign."""

    def label_from_instance(self, obj: Any) -> str:
        accepting = "" if obj.is_accepting else ", not accepting"
        return f"{obj.user.name} ({obj.load}/{obj.capacity}{accepting})"


def _mentor_field(form: forms.Form, name: str) -> MentorChoiceField:
    return cast(MentorChoiceField, form.fields[name])


class ApplicationForm(JoinForm):
    """The programme's sign-up questions (when not enrolled yet) plus goals and wishes."""

    def __init__(self, *args: Any, program: Program, with_questions: bool, **kwargs: Any):
        super().__init__(*args, program=program, roles=(Role.MENTEE,), **kwargs)
        if not with_questions:
            for name in [n for n in self.fields if n.startswith("q_") or n == "agreement"]:
                del self.fields[name]
        self.fields["goals"] = _textarea(
            _("Your goals for the coming year"),
            max_length=5000,
            rows=4,
            help_text=_("What do you want to learn or achieve with a mentor?"),
        )
        self.fields["wants"] = forms.CharField(
            label=_("Areas you want help with"),
            max_length=2000,
            required=False,
            help_text=_("Comma-separated, e.g. Public speaking, Event planning."),
        )


class MentorProfileForm(forms.ModelForm):
    class Meta:
        model = MentorProfile
        fields = ["expertise", "languages", "capacity", "is_accepting"]
        widgets = {"expertise": forms.Textarea(attrs={"rows": 2})}


class ResignForm(forms.Form):
    reason = _textarea(gettext_lazy("Why are you stepping down?"), max_length=2000, rows=2)
    replacement = MentorChoiceField(
        required=False, label=gettext_lazy("Mentor you recommend for your mentees")
    )

    def __init__(self, *args: Any, profile: MentorProfile, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _mentor_field(self, "replacement").offer(program=profile.program, exclude=profile.pk)


class ReasonForm(forms.Form):
    reason = _textarea(gettext_lazy("Reason"), max_length=2000, rows=2)


class ReportForm(forms.Form):
    """The month's report, and for each goal the mentee shares with the mentor (`goals`) an
    optional new percentage (goals measured by a percentage) and "what moved"; `clean` turns
    those into `goal_progress` for `file_report`."""

    month = forms.ChoiceField(label=gettext_lazy("Month reported on"))
    did = _textarea(gettext_lazy("What I did"), max_length=10000, rows=4)
    next_steps = _textarea(gettext_lazy("What's next"), max_length=10000, required=False)
    blockers = _textarea(gettext_lazy("What blocks me"), max_length=10000, required=False)

    def __init__(
        self, *args: Any, months: list[dt.date], goals: Iterable[Goal] = (), **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            (m.isoformat(), f"{m:%B %Y}") for m in months
        ]
        self.goals = list(goals)
        for goal in self.goals:
            if goal.progress_mode == ProgressMode.PERCENT:
                self.fields[f"goal_{goal.pk}_percent"] = forms.IntegerField(
                    label=_("“%(title)s”: progress now (%%)") % {"title": goal.title},
                    required=False,
                    min_value=0,
                    max_value=100,
                    help_text=_("Now %(percent)d %%. Leave empty if it has not changed.")
                    % {"percent": goal.percent},
                )
            self.fields[f"goal_{goal.pk}_moved"] = _textarea(
                _("“%(title)s”: what moved") % {"title": goal.title},
                max_length=5000,
                rows=2,
                required=False,
                help_text=_("Optional. Your mentor sees it with this report."),
            )

    def clean_month(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["month"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["goal_progress"] = [
            GoalProgress(
                goal=goal,
                percent=data.pop(f"goal_{goal.pk}_percent", None),
                moved=data.pop(f"goal_{goal.pk}_moved", "") or "",
            )
            for goal in self.goals
        ]
        return data


MILESTONE_ROWS = 3


class MentorshipGoalForm(GoalForm):
    """Growth's goal form for a mentee: the programme is the mentorship's, up to three first
    milestones, and whether the mentor sees it (the mentee's choice, on by default)."""

    share_with_mentor = forms.BooleanField(
        label=gettext_lazy("Share it with my mentor"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Your mentor then sees it, its milestones and check-ins."),
    )

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, owner=owner, **kwargs)
        del self.fields["program"]
        share = self.fields.pop("share_with_mentor")
        for i in range(1, MILESTONE_ROWS + 1):
            self.fields[f"milestone_{i}"] = forms.CharField(
                label=_("Milestone %(n)d") % {"n": i}, max_length=200, required=False
            )
            self.fields[f"milestone_{i}_due"] = forms.DateField(
                label=_("Milestone %(n)d due") % {"n": i}, required=False, widget=DATE
            )
        self.fields["share_with_mentor"] = share

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        milestones = []
        for i in range(1, MILESTONE_ROWS + 1):
            title = (data.pop(f"milestone_{i}", "") or "").strip()
            due_on = data.pop(f"milestone_{i}_due", None)
            if title:
                milestones.append((title, due_on))
            elif due_on is not None:
                self.add_error(f"milestone_{i}", _("Give the milestone a title, or no date."))
        data["milestones"] = milestones
        return data


class CommentForm(forms.Form):
    body = _textarea(gettext_lazy("Comment"), max_length=10000)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of request"), choices=RequestKind.choices)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), required=False, min_value=0, max_digits=10, decimal_places=2
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["amount"].label = f"{self.fields['amount'].label} ({settings.PEERLY_CURRENCY})"

    justification = _textarea(gettext_lazy("Justification"), max_length=5000)


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RecognitionKind.choices)
    note = _textarea(gettext_lazy("Why (for the organisers)"), max_length=3000, rows=2)


class TermForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("At the end of this term"),
        choices=TermChoice.choices,
        widget=forms.RadioSelect,
    )


class GoalsForm(forms.Form):
    goals = _textarea(gettext_lazy("Personal goals"), max_length=5000)


class NominationForm(forms.Form):
    nominee_email = forms.EmailField(
        label=gettext_lazy("Email of the person you nominate"),
        required=False,
        help_text=gettext_lazy("Leave empty to nominate yourself."),
    )
    statement = _textarea(gettext_lazy("Why would this person be a good mentor?"), max_length=5000)
    expertise = forms.CharField(
        label=gettext_lazy("Expertise"),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Comma-separated."),
    )
    evaluator = MentorChoiceField(
        required=False, label=gettext_lazy("Mentor to evaluate a self-nomination")
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _mentor_field(self, "evaluator").offer(program=program)


class EvaluationForm(forms.Form):
    recommend = forms.TypedChoiceField(
        label=gettext_lazy("Your recommendation"),
        coerce=lambda v: v == "yes",
        choices=[("yes", "Recommend: go on to the coaching training"), ("no", "Do not recommend")],
        widget=forms.RadioSelect,
    )
    evaluation = _textarea(gettext_lazy("Evaluation (for the organisers)"), max_length=5000)


class ApproveNominationForm(forms.Form):
    capacity = forms.IntegerField(
        label=gettext_lazy("Capacity (mentees)"), min_value=0, max_value=50, required=False
    )


class ReviewForm(forms.Form):
    strengths = _textarea(gettext_lazy("Strengths"), max_length=5000, required=False)
    improve = _textarea(gettext_lazy("What to improve"), max_length=5000, required=False)
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating (1–5)"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
    )


class AssignForm(forms.Form):
    """The ids an organiser's "assign" button posts; anything else is a 400, not a 500."""

    mentorship = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    mentor = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class ReassignForm(forms.Form):
    mentor = MentorLoadChoiceField(label=gettext_lazy("New mentor"))
    reason = _textarea(gettext_lazy("Reason"), max_length=2000, rows=2)

    def __init__(self, *args: Any, program: Program, exclude: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _mentor_field(self, "mentor").offer(program=program, exclude=exclude)


class AutoAssignForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=[
            ("optimal", "Optimal: best total fit"),
            ("stable", "Stable: no applicant and mentor would both rather swap"),
        ],
    )
    seed = forms.IntegerField(label=gettext_lazy("Seed"), initial=0, min_value=0, required=False)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MentorshipSettings
        fields = list(EDITABLE)  # the fields the settings service accepts, named once
        widgets = {"training_checklist": forms.Textarea(attrs={"rows": 5})}


def month_choices(today: dt.date, since: dt.date) -> list[dt.date]:
    months: list[dt.date] = []
    cursor = today.replace(day=1)
    floor = since.replace(day=1)
    while cursor >= floor and len(months) < 24:
        months.append(cursor)
        cursor = (cursor - dt.timedelta(days=1)).replace(day=1)
    return months
