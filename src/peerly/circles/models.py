"""Peer-coaching circles: settings, seasons, circles, slot votes, sessions, blocks, actions.

Privacy: block notes, action items and attendance details belong to the circle's members.
Organisers read aggregates only (see selectors.py); nothing here is exposed in the admin.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel
from peerly.core.models import user_reference
from peerly.programs.models import KindSettings
from peerly.programs.models import Program
from peerly.programs.models import Strategy
from peerly.programs.models import TeamRule

USER = settings.AUTH_USER_MODEL
MIN_CIRCLE_SIZE, MAX_CIRCLE_SIZE = 3, 4  # Program.group_size of a circle programme


class CircleSettings(KindSettings):
    """How a circle programme runs. Created with the programme (services.create_settings),
    never on read. The circle size is the programme's `group_size` (one source of truth):
    circles of this size, one more only to absorb a remainder."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="circle_settings"
    )
    season_weeks = models.PositiveSmallIntegerField(default=12)
    interval_weeks = models.PositiveSmallIntegerField(
        gettext_lazy("weeks between sessions"),
        default=2,
        help_text=gettext_lazy("2 = every two weeks."),
    )
    session_minutes = models.PositiveSmallIntegerField(default=90)
    strategy = models.CharField(max_length=20, choices=Strategy.choices, default=Strategy.STRANGERS)
    team_rule = models.CharField(max_length=10, choices=TeamRule.choices, default=TeamRule.NONE)
    reminder_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text=gettext_lazy("Members get a reminder this many hours before each session."),
    )

    class Meta:
        verbose_name_plural = "circle settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(season_weeks__gte=2, season_weeks__lte=52),
                name="circle_settings_season",
            ),
            models.CheckConstraint(
                condition=models.Q(interval_weeks__gte=1, interval_weeks__lte=4),
                name="circle_settings_interval",
            ),
            models.CheckConstraint(
                condition=models.Q(session_minutes__gte=30, session_minutes__lte=240),
                name="circle_settings_minutes",
            ),
        ]

    @property
    def sessions_per_season(self) -> int:
        return max(1, -(-self.season_weeks // self.interval_weeks))


class Season(TimeStampedModel):
    """One published formation: the circles of a programme for `season_weeks` weeks."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="circle_seasons")
    number = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    seed = models.BigIntegerField(default=0)
    strategy = models.CharField(max_length=20, choices=Strategy.choices)
    published_by = user_reference()
    unmatched = models.JSONField(default=list, blank=True)  # [{user_id, reason, detail}]
    metrics = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="circle_season_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="circle_season_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} season {self.number}"


class SlotStatus(models.TextChoices):
    VOTING = "voting", gettext_lazy("Choosing a slot")
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")


class Circle(TimeStampedModel):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="circles")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="circles")
    number = models.PositiveIntegerField()
    common_windows = models.JSONField(default=list, blank=True)  # [[start, end]] UTC min-of-week
    shared_interests = models.JSONField(default=list, blank=True)
    overlap_hours = models.FloatField(default=0)
    repeat_pairs = models.PositiveIntegerField(default=0)
    slot_status = models.CharField(
        max_length=20, choices=SlotStatus.choices, default=SlotStatus.VOTING
    )
    # The slot is wall-clock time in `timezone` (minute of the week, Monday 00:00 = 0): the
    # zone most members live in, chosen at formation; sessions keep that local time across
    # daylight-saving changes.
    timezone = models.CharField(max_length=64, default="UTC")
    slot_minute = models.PositiveIntegerField(null=True, blank=True)  # in `timezone`
    decided_at = models.DateTimeField(null=True, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["season", "number"]
        constraints = [
            models.UniqueConstraint(fields=["season", "number"], name="circle_number_unique"),
        ]

    def __str__(self) -> str:
        return f"Circle {self.number}"

    @property
    def name(self) -> str:
        return f"Circle {self.number}"


class CircleMember(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="circle_memberships")
    position = models.PositiveSmallIntegerField(default=0)  # fixed order for the rotation
    voted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["circle", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["season", "user"], name="circle_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.circle}"


class SlotOption(models.Model):
    """A concrete weekly start time offered to a circle (minute of the week, wall clock in
    the circle's zone). `conflicts` lists the dates on which it falls outside someone's hours
    ([{"on": "2027-03-16", "user_ids": [..]}]); empty when it fits everyone on every date."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="slot_options")
    minute_of_week = models.PositiveIntegerField()
    first_start_at = models.DateTimeField()
    conflicts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["circle", "first_start_at"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "minute_of_week"], name="slot_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.circle}: {self.first_start_at.astimezone(dt.UTC):%a %H:%M} UTC"


class SlotVote(models.Model):
    option = models.ForeignKey(SlotOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="slot_vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    HELD = "held", gettext_lazy("Held")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")


class CircleSession(TimeStampedModel):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    original_starts_at = models.DateTimeField()  # the occurrence in the series (RECURRENCE-ID)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=90)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancel_reason = models.TextField(default="", blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["circle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "number"], name="circle_session_unique"),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.circle} session {self.number}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_rescheduled(self) -> bool:
        return self.starts_at != self.original_starts_at

    def is_missed(self, now: dt.datetime) -> bool:
        """Past, not cancelled and nobody recorded that it took place."""
        return self.status == SessionStatus.SCHEDULED and self.ends_at < now


class Block(models.Model):
    """One coachee's turn in a session, with the guided method's notes (circle-private)."""

    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField()
    coachee = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    coach = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    note_taker = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    issue = models.TextField(gettext_lazy("1. Current issue"), default="", blank=True)
    outcome = models.TextField(gettext_lazy("2. Desired outcome"), default="", blank=True)
    ideas = models.TextField(gettext_lazy("Ideas noted (not solved yet)"), default="", blank=True)
    obstacles_self = models.TextField(
        gettext_lazy("3a. Blocks in the coachee"), default="", blank=True
    )
    obstacles_others = models.TextField(
        gettext_lazy("3b. Blocks in others"), default="", blank=True
    )
    obstacles_situation = models.TextField(
        gettext_lazy("3c. Blocks in the situation"), default="", blank=True
    )
    brainstorm = models.TextField(
        gettext_lazy("4. Ways around the blocks, next steps"), default="", blank=True
    )
    approach = models.TextField(gettext_lazy("5. Agreed approach"), default="", blank=True)
    timing = models.TextField(gettext_lazy("Timing"), default="", blank=True)
    # the coachee's own goal this issue works towards (growth); only they can set it
    goal = models.ForeignKey(
        "growth.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = user_reference()
    updated_at = models.DateTimeField(null=True, blank=True)

    NOTE_FIELDS = (
        "issue",
        "outcome",
        "ideas",
        "obstacles_self",
        "obstacles_others",
        "obstacles_situation",
        "brainstorm",
        "approach",
        "timing",
    )

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="block_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} block {self.position}"

    @property
    def has_notes(self) -> bool:
        return any(getattr(self, f).strip() for f in self.NOTE_FIELDS)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", gettext_lazy("Present")
    ABSENT = "absent", gettext_lazy("Absent")


class Attendance(models.Model):
    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} at {self.session_id}"


class KnownPerson(models.Model):
    """Private to `owner`: someone they know from other channels and would like to be with."""

    owner = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="known_people")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "program", "other"], name="known_unique"),
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("other")), name="known_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} knows {self.other_id}"
