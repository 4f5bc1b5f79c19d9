"""Recognition and celebration (issue 14): kudos between members of a programme, badges
(switched-on rules and awards by hand), certificates of completion with a verification link,
testimonials and the end-of-season celebration. docs/recognition.md.

Who sees what is decided in `selectors.py`; every write is one service in `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from peerly.accounts.models import Visibility
from peerly.core.models import TimeStampedModel
from peerly.core.models import user_reference
from peerly.programs.models import Program

KUDOS_MAX_LENGTH = 1000
TESTIMONIAL_MAX_LENGTH = 500
REASON_MAX_LENGTH = 300


class Kudos(TimeStampedModel):
    """One member's specific thanks to another member of the same programme. Private to the
    two of them until the recipient makes it public (then the programme wall shows it to the
    programme's members); the recipient may also offer a public one as a testimonial."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received"
    )
    message = models.TextField(max_length=KUDOS_MAX_LENGTH)
    is_public = models.BooleanField(default=False)
    made_public_at = models.DateTimeField(null=True, blank=True)
    is_testimonial = models.BooleanField(default=False)  # the recipient shares it as a quote

    audit_private = True  # audit rows name the kudos, never its text, and stay off the programme

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["program", "is_public", "-created_at"], name="kudos_wall"),
            models.Index(fields=["recipient", "-created_at"], name="kudos_recipient"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=models.F("recipient")), name="kudos_not_to_oneself"
            ),
            models.CheckConstraint(
                condition=Q(is_public=True) | Q(is_testimonial=False),
                name="kudos_testimonial_is_public",
            ),
        ]

    def __str__(self) -> str:
        return f"kudos #{self.pk} in programme #{self.program_id}"  # never the text


class Testimonial(TimeStampedModel):
    """A short quote a member writes to be shared in the programme's celebration."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="testimonials"
    )
    text = models.TextField(max_length=TESTIMONIAL_MAX_LENGTH)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"testimonial #{self.pk} in programme #{self.program_id}"


class Badge(models.TextChoices):
    """Every badge Peerly knows. The first six are rules organisers switch on per programme
    (evaluated by `peerly tick`), the others are awarded by hand."""

    FIRST_MEETING = "first_meeting", gettext_lazy("First meeting held")
    FIVE_ROUNDS = "five_rounds", gettext_lazy("Five coffee rounds met")
    SEASON_COMPLETED = "season_completed", gettext_lazy("Circle season completed")
    FIRST_GOAL = "first_goal", gettext_lazy("First goal achieved")
    MENTOR_OF_N = "mentor_of_n", gettext_lazy("Mentor of several mentees")
    FULL_ATTENDANCE = "full_attendance", gettext_lazy("Circle with full attendance")
    RECOGNISED = "recognised", gettext_lazy("Recognised for their contribution")
    EMERGING_LEADER = "emerging_leader", gettext_lazy("Emerging leader")
    COMMUNITY_STAR = "community_star", gettext_lazy("Community star")


RULE_BADGES = (
    Badge.FIRST_MEETING,
    Badge.FIVE_ROUNDS,
    Badge.SEASON_COMPLETED,
    Badge.FIRST_GOAL,
    Badge.MENTOR_OF_N,
    Badge.FULL_ATTENDANCE,
)
MANUAL_BADGES = (Badge.RECOGNISED, Badge.EMERGING_LEADER, Badge.COMMUNITY_STAR)


class AwardSource(models.TextChoices):
    RULE = "rule", gettext_lazy("Earned")
    ORGANISER = "organiser", gettext_lazy("Awarded by an organiser")
    MENTOR = "mentor", gettext_lazy("Awarded by their mentor")
    NOMINATION = "nomination", gettext_lazy("From a mentor's nomination")


class BadgeAward(models.Model):
    """A badge a member holds in one programme (once: the unique constraint is the backstop of
    the idempotent `services.award_badge`). `visibility` is the member's choice of who sees it
    (the profile field levels of accounts.Visibility)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    badge = models.CharField(max_length=30, choices=Badge.choices)
    source = models.CharField(max_length=20, choices=AwardSource.choices)
    reason = models.CharField(max_length=REASON_MAX_LENGTH, default="", blank=True)
    awarded_at = models.DateTimeField()
    awarded_by = user_reference()
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.ORGANISERS
    )

    class Meta:
        ordering = ["-awarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "badge"], name="badge_award_once_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge} of user #{self.user_id} in programme #{self.program_id}"


class RecognitionSettings(models.Model):
    """What a programme's organisers switched on. Created by the first change
    (`services.update_settings`); no row means the defaults (nothing switched on)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="recognition_settings"
    )
    rules = models.JSONField(default=list, blank=True)  # Badge values of RULE_BADGES
    mentor_threshold = models.PositiveSmallIntegerField(default=3)  # "mentor of N mentees"
    certificates_enabled = models.BooleanField(default=False)
    coffee_rounds_for_certificate = models.PositiveSmallIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(mentor_threshold__gte=1, mentor_threshold__lte=100),
                name="recognition_mentor_threshold_range",
            ),
            models.CheckConstraint(
                condition=Q(coffee_rounds_for_certificate__gte=1)
                & Q(coffee_rounds_for_certificate__lte=100),
                name="recognition_coffee_rounds_range",
            ),
        ]

    def __str__(self) -> str:
        return f"recognition settings of programme #{self.program_id}"


class Completion(models.TextChoices):
    SEASON = "season", gettext_lazy("Circle season")
    TERM = "term", gettext_lazy("Mentorship term")
    COFFEE_ROUNDS = "coffee_rounds", gettext_lazy("Coffee rounds")


class Certificate(models.Model):
    """A certificate of completion. `code` is the unguessable verification code in its public
    link (never the id); revoking keeps the row so the link says it was revoked."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    completion = models.CharField(max_length=20, choices=Completion.choices)
    source_key = models.CharField(max_length=60)  # "season:12", "mentorship:5", "coffee:5"
    starts_on = models.DateField()
    ends_on = models.DateField()
    achievement = models.CharField(max_length=500)  # what they did, one sentence
    code = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    issued_by = user_reference("+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = user_reference("+")
    revoke_reason = models.CharField(max_length=REASON_MAX_LENGTH, default="", blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "source_key"], name="certificate_once_per_completion"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="certificate_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"certificate #{self.pk} of user #{self.user_id}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class Celebration(TimeStampedModel):
    """An end-of-period summary an organiser published on the programme: the figures as they
    were then, and the quotes (testimonials and kudos the members chose to share)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    figures = models.JSONField(default=dict, blank=True)  # name -> count
    # [["testimonial", id] | ["kudos", id]]: read live, so a quote withdrawn later disappears
    quotes = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField()
    published_by = user_reference("+")

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="celebration_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"celebration #{self.pk} of programme #{self.program_id}"
