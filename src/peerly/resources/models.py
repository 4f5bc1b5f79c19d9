"""Resources (guides in Markdown, links, files), helpful marks and a daily view counter."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel
from peerly.core.models import user_reference
from peerly.resources.storage import resource_storage
from peerly.resources.storage import upload_name

WORD = re.compile(r"[^\W_]+")  # a run of letters or digits, in any script


class ResourceKind(models.TextChoices):
    GUIDE = "guide", gettext_lazy("Guide")
    TEMPLATE = "template", gettext_lazy("Template")
    CHECKLIST = "checklist", gettext_lazy("Checklist")
    VIDEO = "video", gettext_lazy("Video")
    LINK = "link", gettext_lazy("Link")
    FILE = "file", gettext_lazy("File")


class Audience(models.TextChoices):
    """Who may see a resource. With a programme set, only within that programme."""

    EVERYONE = "everyone", gettext_lazy("Everyone (members of the programme, if one is set)")
    MENTORS = "mentors", gettext_lazy("Mentors and organisers")
    ORGANISERS = "organisers", gettext_lazy("Organisers only")


def normalise_tag(raw: str) -> str:
    """' Public  Speaking ' -> 'public-speaking' (lower case, words joined by hyphens)."""
    return "-".join(WORD.findall(raw.lower()))


def normalise_tags(value: str | list[str]) -> list[str]:
    """A comma (or semicolon) list -> unique normalised tags, order kept."""
    parts = value if isinstance(value, list) else value.replace(";", ",").split(",")
    tags: list[str] = []
    for raw in parts:
        tag = normalise_tag(raw)
        if tag and tag not in tags:
            tags.append(tag)
    return tags


class Resource(TimeStampedModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices, default=ResourceKind.GUIDE)
    summary = models.CharField(max_length=300, default="", blank=True)
    body_md = models.TextField(gettext_lazy("text (Markdown)"), default="", blank=True)
    url = models.URLField(gettext_lazy("link"), max_length=500, default="", blank=True)
    file = models.FileField(
        storage=resource_storage, upload_to=upload_name, max_length=200, blank=True
    )
    file_name = models.CharField(max_length=200, default="", blank=True)  # as uploaded
    file_size = models.PositiveBigIntegerField(default=0)
    # normalised tags joined by commas ("public-speaking,feedback"); see normalise_tags
    tags = models.CharField(max_length=500, default="", blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    # a programme-only resource: only that programme's members and organisers see it
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="resources",
    )
    kinds_served = models.JSONField(default=list, blank=True)  # Program.kind codes; [] = all
    author = user_reference()
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["is_published", "audience"], name="resource_visible")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", kwargs={"slug": self.slug})

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class ResourceHelpful(models.Model):
    """A member found a resource helpful (once per member and resource)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_helpful_marks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="resource_helpful_once"),
        ]

    def __str__(self) -> str:
        return f"helpful #{self.resource_id} by user #{self.user_id}"


class ResourceDailyViews(models.Model):
    """How often a resource's page was opened on a day: a counter, never who opened it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "day"], name="resource_views_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} on {self.day}: {self.count}"
