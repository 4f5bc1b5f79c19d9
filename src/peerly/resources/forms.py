"""Forms of the resource pages: parse and check input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from peerly.core.errors import ServiceError
from peerly.programs import kinds
from peerly.programs.models import Program
from peerly.resources import files
from peerly.resources.models import Audience
from peerly.resources.models import Resource
from peerly.resources.models import ResourceKind


class ResourceForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ResourceKind.choices)
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("One sentence shown in the library."),
    )
    body_md = forms.CharField(
        label=gettext_lazy("Text (Markdown)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy(
            "Headings (#), lists (-), **bold**, *italic*, [links](https://…) and tables. "
            "HTML is shown as text."
        ),
    )
    url = forms.URLField(
        label=gettext_lazy("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("For a link or a video: its address (https://…)."),
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy("PDF, image, Office or OpenDocument text, plain text or CSV."),
    )
    tags = forms.CharField(
        label=gettext_lazy("Tags"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "Comma-separated, e.g. “public speaking, feedback”. Members see the resource "
            "recommended when a tag matches their goals, circle topics or what they want "
            "to learn."
        ),
    )
    audience = forms.ChoiceField(label=gettext_lazy("Who sees it"), choices=Audience.choices)
    program = forms.ModelChoiceField(
        label=gettext_lazy("Programme"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=gettext_lazy("Site-wide (not one programme)"),
        help_text=gettext_lazy("A programme's resource is seen only by its members."),
    )
    kinds_served = forms.MultipleChoiceField(
        label=gettext_lazy("Programme kinds it serves"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all kinds."),
    )
    is_published = forms.BooleanField(
        label=gettext_lazy("Published (unticked: a draft only editors see)"),
        required=False,
        initial=True,
    )

    def __init__(
        self, *args: Any, programs: Any, resource: Resource | None = None, **kwargs: Any
    ) -> None:
        if resource is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": resource.title,
                "kind": resource.kind,
                "summary": resource.summary,
                "body_md": resource.body_md,
                "url": resource.url,
                "tags": ", ".join(resource.tag_list),
                "audience": resource.audience,
                "program": resource.program_id,
                "kinds_served": resource.kinds_served,
                "is_published": resource.is_published,
            }
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["kinds_served"].choices = [(k.code, k.label) for k in kinds.registry()]  # type: ignore[attr-defined]
        if resource is not None and resource.file:
            self.fields["remove_file"] = forms.BooleanField(
                label=gettext_lazy("Remove the current file (%(name)s)")
                % {"name": resource.file_name},
                required=False,
            )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            try:
                files.check_upload(upload)
            except ServiceError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload or None

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["upload"] = data.pop("file", None)
        if self.resource is None:
            data.pop("remove_file", None)
        return data
