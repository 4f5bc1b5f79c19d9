from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peerly.programs import kinds
from peerly.programs.models import Program
from peerly.programs.models import QuestionKind
from peerly.programs.models import SignupQuestion
from peerly.programs.services import PROGRAM_FIELDS
from peerly.programs.services import PROGRAM_TEXT_FIELDS


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
                choices=[(r, Role(r).label) for r in roles], label=_("I want to join as")
            )
        for question in program.questions.all():
            self.fields[f"q_{question.pk}"] = question_field(question)
        if program.expectations.strip():
            self.fields["agreement"] = forms.BooleanField(
                label=_("I have read the agreement above and commit to it.")
            )

    def answers(self) -> dict[str, Any]:
        return {
            name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("q_")
        }


GROUP_SIZES = (2, 8)  # what any programme may have (the model's program_group_size check)


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
        self._group_size_field(creating=not self.instance.pk)
        slug = self.fields["slug"]
        slug.required = False
        slug.help_text = _("The programme's web address. Leave it empty to make one from the name.")

    def _group_size_field(self, *, creating: bool) -> None:
        """Group size: the range of each kind said at the field; empty = the kind's default."""
        ranges = [(k, k.group_sizes) for k in kinds.registry() if k.group_sizes]
        lows = [r[0] for _k, r in ranges] or [GROUP_SIZES[0]]
        highs = [r[1] for _k, r in ranges] or [GROUP_SIZES[1]]
        field = forms.IntegerField(
            label=_("Group size"),
            required=False,
            widget=forms.NumberInput(attrs={"min": min(lows), "max": max(highs)}),
            help_text="; ".join(
                _("%(kind)s: %(low)s to %(high)s people (default %(default)s)")
                % {"kind": k.label, "low": r[0], "high": r[1], "default": k.default_group_size}
                for k, r in ranges
            )
            + (_(". Leave it empty for the kind's default.") if creating else "."),
        )
        if creating:
            field.initial = None
        self.fields["group_size"] = field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        kind = kinds.get(str(data.get("kind") or self.instance.kind or ""))
        if kind is not None and "group_size" not in self.errors:
            self._clean_group_size(data, kind)
        if not data.get("slug") and "slug" not in self.errors:
            from peerly.programs.services import unique_slug

            data["slug"] = self.instance.slug or unique_slug(str(data.get("name") or ""))
        return data

    def _clean_group_size(self, data: dict[str, Any], kind: kinds.Kind) -> None:
        size = data.get("group_size")
        if size is None:
            data["group_size"] = kind.default_group_size
            return
        low, high = kind.group_sizes or GROUP_SIZES
        if not low <= size <= high:
            self.add_error(
                "group_size",
                _("%(kind)s have groups of %(low)s to %(high)s people.")
                % {"kind": kind.label, "low": low, "high": high},
            )


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
            self.add_error("choices", _("List at least one choice, one per line."))
        if kind == QuestionKind.SCALE and data.get("scale_min", 1) >= data.get("scale_max", 5):
            self.add_error("scale_max", _("The maximum must be above the minimum."))
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        label=gettext_lazy("Reason (the member will read it)"),
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Email addresses"),
        help_text=gettext_lazy("One per line or separated by commas."),
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
                raise forms.ValidationError(
                    _("“%(item)s” is not a valid email address.") % {"item": item}
                ) from None
            emails.append(item.lower())
        if not emails:
            raise forms.ValidationError(_("Enter at least one email address."))
        return sorted(set(emails))


class ImportForm(forms.Form):
    file = forms.FileField(required=False, label=gettext_lazy("CSV file (UTF-8)"))
    content = forms.CharField(required=False, widget=forms.HiddenInput)


class PauseEnrollmentForm(forms.Form):
    until = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Pause until (optional)"),
    )


class MemberFilterForm(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    status = forms.ChoiceField(required=False)
    role = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)

    def set_choices(
        self,
        *,
        statuses: list[tuple[str, Any]],
        roles: list[tuple[str, Any]],
        teams: list[tuple[str, Any]],
    ) -> None:
        for name, label, choices in (
            ("status", "Any status", statuses),
            ("role", "Any role", roles),
            ("team", "Any team", teams),
        ):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = [("", label), *choices]
