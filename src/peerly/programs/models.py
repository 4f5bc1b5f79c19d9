"""Programmes (coffee rounds, circles, mentorship), sign-up questions, enrolment, invitations."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel
from peerly.core.models import text_lines
from peerly.core.models import user_reference
from peerly.programs import kinds
from peerly.programs.kinds import validate_kind


class ProgramKind(models.TextChoices):
    COFFEE = "coffee", gettext_lazy("Coffee rounds")
    CIRCLE = "circle", gettext_lazy("Peer-coaching circles")
    MENTORSHIP = "mentorship", gettext_lazy("Mentorship")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", gettext_lazy("Draft")
    ACTIVE = "active", gettext_lazy("Active")
    CLOSED = "closed", gettext_lazy("Closed")


class EnrollmentMode(models.TextChoices):
    OPEN = "open", gettext_lazy("Open: anyone can join")
    APPROVAL = "approval", gettext_lazy("Approval: organisers approve each request")
    INVITATION = "invitation", gettext_lazy("Invitation only")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", gettext_lazy("Weekly")
    FORTNIGHTLY = "fortnightly", gettext_lazy("Every two weeks")
    MONTHLY = "monthly", gettext_lazy("Monthly")
    CONTINUOUS = "continuous", gettext_lazy("Continuous (no fixed rounds)")

    @classmethod
    def periodic(cls) -> list[tuple[str, Any]]:
        """The choices of kinds that draw on a schedule (coffee rounds): not continuous."""
        return [(v, label) for v, label in cls.choices if v != cls.CONTINUOUS]


class TeamRule(models.TextChoices):
    """How a draw treats teams (the engine's `team_rule`). One enum for every kind."""

    CROSS = "cross", gettext_lazy("Prefer people from different teams")
    NONE = "none", gettext_lazy("No team rule")
    SAME = "same", gettext_lazy("Prefer people from the same team")


class Strategy(models.TextChoices):
    """Whom a group draw favours (the engine's `strategy`). One enum for every kind."""

    STRANGERS = (
        "strangers",
        gettext_lazy("Strangers: people not grouped before who do not know each other"),
    )
    FAMILIAR = "familiar", gettext_lazy("Familiar: favour people members already know and named")
    RANDOM = "random", gettext_lazy("Random")


class Program(TimeStampedModel):
    # A registered programme kind (programs.kinds): validated against the registry rather
    # than fixed choices, so a new kind needs no migration.
    kind = models.CharField(max_length=20, validators=[validate_kind])
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    purpose = models.TextField(default="", blank=True)
    objectives = models.TextField(default="", blank=True)
    expectations = models.TextField(
        gettext_lazy("expectations / agreement"),
        default="",
        blank=True,
        help_text=gettext_lazy("Members accept this text when they join."),
    )
    format = models.TextField(
        default="", blank=True, help_text=gettext_lazy("Video, phone, in person …")
    )
    matching_description = models.TextField(
        gettext_lazy("how matching works"), default="", blank=True
    )
    success_measures = models.TextField(
        gettext_lazy("success measures (KPIs)"), default="", blank=True
    )
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    group_size = models.PositiveSmallIntegerField(default=2)
    enrollment_mode = models.CharField(
        max_length=20, choices=EnrollmentMode.choices, default=EnrollmentMode.OPEN
    )
    status = models.CharField(
        max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="organised_programs", blank=True
    )
    private_text_retention_days = models.PositiveIntegerField(
        gettext_lazy("delete private notes after (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(3650)],
        help_text=gettext_lazy(
            "Circle session notes, monthly reports and their comments, support-request "
            "justifications, recognition notes and reviews older than this are deleted "
            "automatically (7–3650 days). Empty keeps them."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_size__gte=2, group_size__lte=8),
                name="program_group_size",
                violation_error_message="Groups have 2 to 8 people.",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="program_dates_order",
                violation_error_message="The end date must be on or after the start date.",
            ),
            models.CheckConstraint(
                condition=models.Q(private_text_retention_days__isnull=True)
                | models.Q(private_text_retention_days__gte=7),
                name="program_retention_minimum",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})

    @property
    def is_active(self) -> bool:
        return self.status == ProgramStatus.ACTIVE

    def get_kind_display(self) -> str:
        kind = kinds.get(self.kind)
        return str(kind.label) if kind is not None else self.kind


class KindSettings(models.Model):
    """The base of a kind's settings row (`Kind.settings_model`): one per programme, in a
    `program` one-to-one field each kind names itself. What the programme already says
    (group size, cadence) is read from it, never stored twice."""

    if TYPE_CHECKING:
        program: models.OneToOneField[Program, Program]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{capfirst(self._meta.verbose_name)} of {self.program}"

    @property
    def group_size(self) -> int:
        """The programme's group size (read-only here: edit the programme)."""
        return self.program.group_size


class QuestionKind(models.TextChoices):
    TEXT = "text", gettext_lazy("Free text")
    CHOICE = "choice", gettext_lazy("One choice")
    MULTI = "multi", gettext_lazy("Several choices")
    SCALE = "scale", gettext_lazy("Scale")


class SignupQuestion(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, default="", blank=True)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT)
    choices = models.TextField(
        default="", blank=True, help_text=gettext_lazy("One choice per line.")
    )
    required = models.BooleanField(default=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")), name="question_scale"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return text_lines(self.choices)


class Role(models.TextChoices):
    PARTICIPANT = "participant", gettext_lazy("Participant")
    MENTOR = "mentor", gettext_lazy("Mentor")
    MENTEE = "mentee", gettext_lazy("Mentee")


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", gettext_lazy("Waiting for approval")
    ACTIVE = "active", gettext_lazy("Active")
    PAUSED = "paused", gettext_lazy("Paused")
    LEFT = "left", gettext_lazy("Left")
    DECLINED = "declined", gettext_lazy("Declined")


class Enrollment(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    status = models.CharField(
        max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED
    )
    answers = models.JSONField(default=dict, blank=True)  # {str(question_id): value}
    agreement_accepted_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    decline_reason = models.TextField(default="", blank=True)
    decided_by = user_reference()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="enrollment_unique"),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.program} ({self.status})"


def _token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTICIPANT)
    token = models.CharField(max_length=64, unique=True, default=_token)
    invited_by = user_reference(blank=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.program}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
