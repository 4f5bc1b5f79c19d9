from __future__ import annotations

from typing import Any

from django import forms

from peerly.programs import kinds
from peerly.programs.models import Program, QuestionKind, SignupQuestion
from peerly.programs.services import PROGRAM_FIELDS, PROGRAM_TEXT_FIELDS


def question_field(question: SignupQuestion) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
    }
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—")] + [(c, c) for c in question.choice_list], **common
        )
    if question.kind == QuestionKind.MULTI:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choice_list],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if question.kind == QuestionKind.SCALE:
        return forms.TypedChoiceField(
            choices=[("", "—")]
            + [(i, str(i)) for i in range(question.scale_min, question.scale_max + 1)],
            coerce=int,
            **common,
        )
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, **common)


class JoinForm(forms.Form):
    def __init__(self, *args: Any, program: Program, roles: tuple[str, ...], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.program = program
        if len(roles) > 1:
            from peerly.programs.models import Role

            self.fields["role"] = forms.ChoiceField(
                choices=[(r, Role(r).label) for r in roles], label="I want to join as"
            )
        for question in program.questions.all():
            self.fields[f"q_{question.pk}"] = question_field(question)
        if program.expectations.strip():
            self.fields["agreement"] = forms.BooleanField(
                label="I have read the agreement above and commit to it."
            )

    def answers(self) -> dict[str, Any]:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")
        }


class ProgramForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=kinds.choices)  # the registered kinds, read per form

    class Meta:
        model = Program
        fields = list(PROGRAM_FIELDS)  # exactly what create_program/update_program accept
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            **{f: forms.Textarea(attrs={"rows": 3}) for f in PROGRAM_TEXT_FIELDS},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # rounds, circles and mentorships belong to their kind
            self.fields["kind"].disabled = True
            self.fields[
                "kind"
            ].help_text = "The kind cannot change after a programme is created; create a new one."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date.")
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = SignupQuestion
        fields = ["label", "help_text", "kind", "choices", "required", "scale_min", "scale_max"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (QuestionKind.CHOICE, QuestionKind.MULTI) and not [
            c for c in (data.get("choices") or "").splitlines() if c.strip()
        ]:
            self.add_error("choices", "List at least one choice, one per line.")
        if kind == QuestionKind.SCALE and data.get("scale_min", 1) >= data.get("scale_max", 5):
            self.add_error("scale_max", "The maximum must be above the minimum.")
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label="Reason (the member will read it)",
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Email addresses",
        help_text="One per line or separated by commas.",
    )
    role = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any):
        super().__init__(*args, **kwargs)
        from peerly.programs.models import Role

        role_field = self.fields["role"]
        if isinstance(role_field, forms.ChoiceField):
            role_field.choices = [(r, Role(r).label) for r in roles]

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").split()
        emails = []
        for item in raw:
            try:
                forms.EmailField().clean(item)
            except forms.ValidationError:
                raise forms.ValidationError(f"“{item}” is not a valid email address.") from None
            emails.append(item.lower())
        if not emails:
            raise forms.ValidationError("Enter at least one email address.")
        return sorted(set(emails))


class ImportForm(forms.Form):
    file = forms.FileField(required=False, label="CSV file (UTF-8)")
    content = forms.CharField(required=False, widget=forms.HiddenInput)


class PauseEnrollmentForm(forms.Form):
    until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Pause until (optional)",
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    status = forms.ChoiceField(required=False)
    role = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)

    def set_choices(
        self,
        *,
        statuses: list[tuple[str, str]],
        roles: list[tuple[str, str]],
        teams: list[tuple[str, str]],
    ) -> None:
        for name, label, choices in (
            ("status", "Any status", statuses),
            ("role", "Any role", roles),
            ("team", "Any team", teams),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = [("", label), *choices]
