"""Coffee rounds: per-programme settings, rounds, groups, members' answers and choices."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel
from peerly.core.models import text_lines
from peerly.core.models import user_reference
from peerly.programs.models import Cadence
from peerly.programs.models import KindSettings
from peerly.programs.models import Program
from peerly.programs.models import TeamRule

DEFAULT_PROMPTS = (
    "Think — what has been on your mind lately, at work or outside it?\n"
    "Do — what are you working on, and what would help you with it?\n"
    "Share — one thing you learned recently that the other person might like."
)


COFFEE_CADENCES = tuple(value for value, _ in Cadence.periodic())  # of Program.cadence
MIN_GROUP_SIZE, MAX_GROUP_SIZE = 2, 4  # of Program.group_size


class OptInMode(models.TextChoices):
    STANDING = (
        "standing",
        gettext_lazy("Once: members take part in every round until they skip or pause"),
    )
    PER_ROUND = "per_round", gettext_lazy("Per round: members opt in to each round")


WEEKDAYS = [
    (0, gettext_lazy("Monday")),
    (1, gettext_lazy("Tuesday")),
    (2, gettext_lazy("Wednesday")),
    (3, gettext_lazy("Thursday")),
    (4, gettext_lazy("Friday")),
    (5, gettext_lazy("Saturday")),
    (6, gettext_lazy("Sunday")),
]


class CoffeeSettings(KindSettings, TimeStampedModel):
    """How a coffee programme runs its rounds; created with the programme
    (`rounds.services.create_settings`), never on read. Cadence and group size are the
    programme's own fields (`Program.cadence`, `Program.group_size`): one source of truth."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="coffee_settings"
    )
    draw_weekday = models.PositiveSmallIntegerField(
        gettext_lazy("draw day"),
        choices=WEEKDAYS,
        default=0,
        help_text=gettext_lazy(
            "Rounds are drawn on this weekday (monthly: its first occurrence in the "
            "month, or the week chosen below)."
        ),
    )
    draw_week_of_month = models.PositiveSmallIntegerField(
        gettext_lazy("week of the month (monthly rounds)"),
        default=1,
        choices=[(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth")],
    )
    draw_time = models.TimeField(gettext_lazy("draw time (UTC)"), default=dt.time(9, 0))
    meet_window_days = models.PositiveSmallIntegerField(
        gettext_lazy("days to meet"),
        default=7,
        help_text=gettext_lazy(
            "Members meet in the days after the draw: by default the week after it."
        ),
    )
    prompts = models.TextField(
        gettext_lazy("conversation prompts"),
        default=DEFAULT_PROMPTS,
        blank=True,
        help_text=gettext_lazy("One prompt per line."),
    )
    team_rule = models.CharField(max_length=10, choices=TeamRule.choices, default=TeamRule.CROSS)
    min_overlap_hours = models.DecimalField(
        gettext_lazy("minimum shared availability (hours per week)"),
        max_digits=4,
        decimal_places=1,
        default=1,
        help_text=gettext_lazy("Only applies to members who set their availability."),
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        gettext_lazy("meeting length (minutes)"), default=30
    )
    opt_in_mode = models.CharField(
        max_length=20, choices=OptInMode.choices, default=OptInMode.STANDING
    )
    auto_publish = models.BooleanField(
        gettext_lazy("draw and publish rounds automatically"),
        default=True,
        help_text=gettext_lazy("When off, rounds are only published by an organiser."),
    )

    class Meta:
        verbose_name_plural = "coffee settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draw_weekday__lte=6), name="coffee_draw_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(meet_window_days__gte=1, meet_window_days__lte=28),
                name="coffee_meet_window",
            ),
        ]

    @property
    def cadence(self) -> str:
        """The programme's cadence (read-only here: edit the programme)."""
        return self.program.cadence

    def get_cadence_display(self) -> str:
        return self.program.get_cadence_display()

    @property
    def prompt_list(self) -> list[str]:
        return text_lines(self.prompts)


class RoundStatus(models.TextChoices):
    PUBLISHED = "published", gettext_lazy("Published")
    CLOSED = "closed", gettext_lazy("Closed")


class Round(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.PUBLISHED
    )
    seed = models.BigIntegerField(default=0)
    published_at = models.DateTimeField()
    published_by = user_reference()
    is_automatic = models.BooleanField(default=False)
    meets_from = models.DateField()
    meet_by = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)  # engine figures + who was not drawn

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=models.Q(meet_by__gte=models.F("meets_from")), name="round_window_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} round {self.number}"


class RoundGroup(models.Model):
    """One group of a round, with why it was formed and the meeting it agrees on."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField()
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=dict, blank=True)  # shared_interests, overlap_hours, …
    common_windows = models.JSONField(default=list, blank=True)  # UTC minute-of-week pairs
    suggestions = models.JSONField(default=list, blank=True)  # ISO UTC start times
    proposed_start = models.DateTimeField(null=True, blank=True)
    proposed_by = user_reference()
    accepted_ids = models.JSONField(default=list, blank=True)  # user ids agreeing to proposal
    confirmed_start = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    meeting_sequence = models.PositiveIntegerField(default=0)
    has_invitation = models.BooleanField(default=False)  # a REQUEST was ever sent

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="round_group_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round} group {self.number}"


class CheckinAnswer(models.TextChoices):
    ALL = "all", gettext_lazy("Yes, all of us met")
    SOME = "some", gettext_lazy("Some of us met")
    NOT_YET = "not_yet", gettext_lazy("Not yet")
    NO = "no", gettext_lazy("No, we did not meet")


MET_ANSWERS = (CheckinAnswer.ALL, CheckinAnswer.SOME)


class GroupMember(models.Model):
    group = models.ForeignKey(RoundGroup, on_delete=models.CASCADE, related_name="members")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coffee_memberships"
    )
    answer = models.CharField(
        max_length=10, choices=CheckinAnswer.choices, default="", blank=True
    )  # "" = unknown
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    knew_before = models.BooleanField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    checkin_sent_at = models.DateTimeField(null=True, blank=True)
    reask_due_at = models.DateTimeField(null=True, blank=True)
    reasked_at = models.DateTimeField(null=True, blank=True)
    paused_after = models.BooleanField(default=False)  # this round completed a silent streak

    class Meta:
        ordering = ["group", "user_id"]
        # the rounds list counts each round's answered members from this index alone
        indexes = [models.Index(fields=["round", "answer"], name="round_member_answer")]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="round_member_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="round_member_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group}"


class UnmatchedMember(models.Model):
    """Somebody eligible the engine could not place, and the reason they were told."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="unmatched")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)
    detail = models.CharField(max_length=300, default="", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="round_unmatched_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} unmatched in {self.round} ({self.reason})"


class ChoiceKind(models.TextChoices):
    SKIP = "skip", gettext_lazy("Skip this round")
    OPT_IN = "opt_in", gettext_lazy("Take part in this round")


class RoundChoice(TimeStampedModel):
    """A member's choice about a round that is not drawn yet (by its future number)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    choice = models.CharField(max_length=10, choices=ChoiceKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "number"], name="round_choice_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.choice} round {self.number} of {self.program_id}"


class LearnNote(TimeStampedModel):
    """A coffee member's optional "what I'd like to learn from people" note, for one
    programme. Shown only to the people they are matched with, on the meeting page next to
    the conversation prompts; never to organisers (it is not on the enrolment, which they see)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coffee_learn_notes"
    )
    text = models.CharField(max_length=300)

    audit_private = True  # audit rows are never filed under the programme

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="learn_note_unique"),
        ]

    def __str__(self) -> str:
        return f"learn note of user #{self.user_id} in programme #{self.program_id}"
