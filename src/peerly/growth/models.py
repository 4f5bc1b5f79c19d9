"""The member's growth space: goals (with milestones and dated check-ins), action items, a
journal, SWOT versions, development plans and a vision. All of it is the owner's own, visible
to nobody else unless they share one piece (`Share`) with their mentor or one of their circles.

A goal's progress is either a percentage the owner moves at each check-in, or (when it is
measured by milestones) the share of its milestones done. Its status is one small state
machine (services.GOAL_MACHINE): active → achieved or dropped (with a reason) → active again.
"""

from __future__ import annotations

import functools
import operator

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
    # the mentorship monthly report this check-in was recorded with, if any
    report = models.ForeignKey(
        "mentorship.MonthlyReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goal_check_ins",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="checkin_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in #{self.pk} of goal #{self.goal_id}"


class ActionStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Not started")
    IN_PROGRESS = "in_progress", gettext_lazy("In progress")
    DONE = "done", gettext_lazy("Done")
    DROPPED = "dropped", gettext_lazy("Dropped")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItem(TimeStampedModel):
    """One thing somebody agreed to do, the same model for every programme kind: agreed in a
    circle session (`circle`, and the `block` it came from), with a mentor (`mentorship`), or
    the owner's own (neither). Optionally towards one of the owner's goals."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_at = models.DateTimeField(null=True, blank=True)  # when it became done or dropped
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    circle = models.ForeignKey(
        "circles.Circle", null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    block = models.ForeignKey(
        "circles.Block", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reviewed_in = models.ForeignKey(
        "circles.CircleSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_actions",
    )
    mentorship = models.ForeignKey(
        "mentorship.Mentorship",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status"], name="action_owner_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(circle__isnull=True) | models.Q(mentorship__isnull=True),
                name="action_one_programme_context",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class JournalEntry(TimeStampedModel):
    """A dated private entry: free text and/or the three prompts, tags, and optionally the goal
    or the session it is about."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    written_on = models.DateField()
    title = models.CharField(max_length=200, default="", blank=True)
    text = models.TextField(default="", blank=True)
    happened = models.TextField(gettext_lazy("what happened"), default="", blank=True)
    learned = models.TextField(gettext_lazy("what I learned"), default="", blank=True)
    differently = models.TextField(gettext_lazy("what I'll do differently"), default="", blank=True)
    tags = models.CharField(max_length=300, default="", blank=True)  # comma-separated
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="journal_entries"
    )
    # the session it is about: a circle session or a coffee meeting
    circle_session = models.ForeignKey(
        "circles.CircleSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coffee_group = models.ForeignKey(
        "rounds.RoundGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_private = True

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["owner", "written_on"], name="journal_owner_date")]

    def __str__(self) -> str:
        return f"journal entry #{self.pk} of user #{self.owner_id}"


class Swot(TimeStampedModel):
    """One version of the owner's SWOT: four lists, one item per line. The newest version is the
    current one; a member starts a new version (e.g. each year) and compares it with earlier
    ones, which are kept as they were."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="swots"
    )
    label = models.CharField(max_length=100)  # e.g. "2026" or "Before the new role"
    strengths = models.TextField(default="", blank=True)
    weaknesses = models.TextField(default="", blank=True)
    opportunities = models.TextField(default="", blank=True)
    threats = models.TextField(default="", blank=True)

    audit_private = True
    LISTS = ("strengths", "weaknesses", "opportunities", "threats")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"SWOT #{self.pk} of user #{self.owner_id}"


class DevelopmentPlan(TimeStampedModel):
    """A personal development plan for a period: focus areas, goals chosen from the owner's,
    learning activities, support needed and a review date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_plans"
    )
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    focus_areas = models.TextField(default="", blank=True)  # one per line
    learning = models.TextField(default="", blank=True)  # learning activities, one per line
    support = models.TextField(default="", blank=True)  # support needed
    review_on = models.DateField(null=True, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="plans")

    audit_private = True

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"plan #{self.pk} of user #{self.owner_id}"


class Vision(models.Model):
    """Who the owner wants to become, and the qualities they are building (one per line); shown
    at the top of their growth page and revisited at reviews."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vision"
    )
    statement = models.TextField(default="", blank=True)
    qualities = models.TextField(default="", blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)  # last revisited

    audit_private = True

    def __str__(self) -> str:
        return f"vision of user #{self.owner_id}"


SHARE_SUBJECTS = ("goal", "entry", "plan", "swot")


def _exactly_one_subject() -> models.Q:
    options = [
        models.Q(**{f"{s}__isnull": s != subject for s in SHARE_SUBJECTS})
        for subject in SHARE_SUBJECTS
    ]
    return functools.reduce(operator.or_, options)


class Share(models.Model):
    """One piece of a member's growth space (a goal, a journal entry, a plan or a SWOT version)
    shown to their mentor (through one mentorship, while it is open) or to their circle (the
    other members of one circle), until they withdraw it. The journal as a whole is never
    shared: only one entry at a time."""

    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    entry = models.ForeignKey(
        JournalEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    plan = models.ForeignKey(
        DevelopmentPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    swot = models.ForeignKey(
        Swot, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
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
                name="share_one_audience",
            ),
            models.CheckConstraint(condition=_exactly_one_subject(), name="share_one_subject"),
            *(
                models.UniqueConstraint(
                    fields=[subject, audience],
                    condition=models.Q(
                        **{f"{subject}__isnull": False, f"{audience}__isnull": False}
                    ),
                    name=f"share_{subject}_once_per_{audience}",
                )
                for subject in SHARE_SUBJECTS
                for audience in ("mentorship", "circle")
            ),
        ]

    def __str__(self) -> str:
        return f"share #{self.pk}"

    @property
    def subject(self) -> models.Model:
        for name in SHARE_SUBJECTS:
            if getattr(self, f"{name}_id") is not None:
                return getattr(self, name)
        raise ValueError("a share without a subject")  # the check constraint forbids it


# what each kind of growth object is called on a Share (its foreign key's name)
SHARE_FIELD_OF: dict[type[models.Model], str] = {
    Goal: "goal",
    JournalEntry: "entry",
    DevelopmentPlan: "plan",
    Swot: "swot",
}
Shareable = Goal | JournalEntry | DevelopmentPlan | Swot
