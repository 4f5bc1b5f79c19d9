"""Goals, their milestones and dated check-ins: the member's own, visible to nobody else.

A goal's progress is either a percentage the owner moves at each check-in, or (when it is
measured by milestones) the share of its milestones done. Its status is one small state
machine (services.GOAL_MACHINE): active → achieved or dropped (with a reason) → active again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel


class Horizon(models.TextChoices):
    SHORT = "short", gettext_lazy("Short term (within months)")
    LONG = "long", gettext_lazy("Long term (a year or more)")


class ProgressMode(models.TextChoices):
    PERCENT = "percent", gettext_lazy("A percentage I update")
    MILESTONES = "milestones", gettext_lazy("The share of milestones done")


class GoalStatus(models.TextChoices):
    ACTIVE = "active", gettext_lazy("Active")
    ACHIEVED = "achieved", gettext_lazy("Achieved")
    DROPPED = "dropped", gettext_lazy("Dropped")


class Goal(TimeStampedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="goals"
    )
    # the programme the goal belongs to, if any (one the owner takes part in)
    program = models.ForeignKey(
        "programs.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    why = models.TextField(default="", blank=True)  # why it matters
    measure = models.TextField(default="", blank=True)  # how the owner will know it is done
    target_on = models.DateField(null=True, blank=True)
    horizon = models.CharField(max_length=10, choices=Horizon.choices, default=Horizon.SHORT)
    progress_mode = models.CharField(
        max_length=12, choices=ProgressMode.choices, default=ProgressMode.PERCENT
    )
    percent = models.PositiveSmallIntegerField(default=0)  # used in PERCENT mode
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    dropped_reason = models.TextField(default="", blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # achieved or dropped

    audit_private = True  # audit rows are never filed under the programme (core/audit.py)

    class Meta:
        ordering = [models.F("target_on").asc(nulls_last=True), "id"]
        indexes = [models.Index(fields=["owner", "status"], name="goal_owner_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="goal_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"goal #{self.pk} of user #{self.owner_id}"  # never the private title


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # dated milestones first, by date, the undated after them (the same on every database)
        ordering = [models.F("due_on").asc(nulls_last=True), "id"]

    def __str__(self) -> str:
        return f"milestone #{self.pk} of goal #{self.goal_id}"


class CheckIn(models.Model):
    """A dated note on a goal: what moved, what is in the way, and the progress then."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    created_at = models.DateTimeField(auto_now_add=True)
    moved = models.TextField(default="", blank=True)
    blocked = models.TextField(default="", blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # the goal's progress, 0-100, then

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="checkin_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in #{self.pk} of goal #{self.goal_id}"


class GoalShare(models.Model):
    """A goal its owner shows to their mentor (through one mentorship, while it is open) or to
    their circle (the other members of one circle), until they withdraw it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="shares")
    mentorship = models.ForeignKey(
        "mentorship.Mentorship", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # the mentor it was shared with: a mentor who takes the mentorship over later does not
    # see it until the owner shares it again
    mentor = models.ForeignKey(
        "mentorship.MentorProfile",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    circle = models.ForeignKey(
        "circles.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    audit_private = True

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    mentorship__isnull=True, mentor__isnull=True, circle__isnull=False
                )
                | models.Q(mentorship__isnull=False, mentor__isnull=False, circle__isnull=True),
                name="goalshare_one_audience",
            ),
            models.UniqueConstraint(
                fields=["goal", "mentorship"],
                condition=models.Q(mentorship__isnull=False),
                name="goalshare_once_per_mentorship",
            ),
            models.UniqueConstraint(
                fields=["goal", "circle"],
                condition=models.Q(circle__isnull=False),
                name="goalshare_once_per_circle",
            ),
        ]

    def __str__(self) -> str:
        return f"share #{self.pk} of goal #{self.goal_id}"
