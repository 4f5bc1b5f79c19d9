"""Mentorship: mentors and their profiles, nominations, applications (one `Mentorship` per
mentee journey), orientation, monthly reports, requests, recognitions and yearly reviews.

The application *is* the mentorship: one row goes submitted → assigned → screening →
orientation → active → ended, and keeps its reports, goals and history when the mentor
changes (see `MentorAssignment`). Transitions live in `services.py`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel
from peerly.core.models import text_lines
from peerly.core.models import user_reference
from peerly.programs.models import Enrollment
from peerly.programs.models import KindSettings
from peerly.programs.models import Program

# ----------------------------------------------------------------------------- settings
DEFAULT_TRAINING_CHECKLIST = (
    "Read the mentoring guide and the mentor's responsibilities\n"
    "Attended the coaching training session\n"
    "Practised a coaching conversation with an experienced mentor\n"
    "Read how applications are screened and how monthly reports are reviewed"
)


class MentorshipSettings(KindSettings):
    """Per-programme settings of the mentorship flow (created on first use)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="mentorship_settings"
    )
    screening_days = models.PositiveSmallIntegerField(
        default=7,
        help_text=gettext_lazy("Days a mentor has to accept or decline an assigned applicant."),
    )
    screening_reminder_days = models.PositiveSmallIntegerField(
        default=2,
        help_text=gettext_lazy("Send the mentor a reminder this many days before the deadline."),
    )
    term_days = models.PositiveSmallIntegerField(
        default=365, help_text=gettext_lazy("Length of a mentorship term in days.")
    )
    term_notice_days = models.PositiveSmallIntegerField(
        default=30,
        help_text=gettext_lazy("Ask mentor and mentee to renew or change this many days before."),
    )
    report_grace_days = models.PositiveSmallIntegerField(
        default=7,
        help_text=gettext_lazy("A month's report is overdue this many days into the next month."),
    )
    inactivity_days = models.PositiveSmallIntegerField(
        default=60,
        help_text=gettext_lazy("A mentor with no activity for this many days is flagged."),
    )
    review_month = models.PositiveSmallIntegerField(
        default=11, help_text=gettext_lazy("Month (1–12) in which the yearly feedback round opens.")
    )
    review_days = models.PositiveSmallIntegerField(
        default=30, help_text=gettext_lazy("Days the feedback round stays open.")
    )
    default_capacity = models.PositiveSmallIntegerField(default=2)
    training_checklist = models.TextField(
        default=DEFAULT_TRAINING_CHECKLIST,
        blank=True,
        help_text=gettext_lazy("Coaching-training items a mentor nominee completes, one per line."),
    )

    class Meta:
        verbose_name_plural = "mentorship settings"  # not "settingss" in the admin
        constraints = [
            models.CheckConstraint(
                condition=Q(review_month__gte=1, review_month__lte=12),
                name="mentorship_settings_review_month",
            ),
            models.CheckConstraint(
                condition=Q(screening_days__gte=1, term_days__gte=30),
                name="mentorship_settings_minimums",
            ),
        ]

    @property
    def training_items(self) -> list[str]:
        return text_lines(self.training_checklist)


# ----------------------------------------------------------------------------- mentors
class MentorStatus(models.TextChoices):
    ACTIVE = "active", gettext_lazy("Active")
    RESIGNED = "resigned", gettext_lazy("Resigned")


class MentorProfile(TimeStampedModel):
    """A mentor in one programme: 1:1 with the mentor's Enrollment (role=mentor).

    `load` is the number of live mentorships (assigned … active) and is recomputed inside the
    transaction that changes it, with the row locked; the check constraint is the backstop
    that makes an over-capacity write fail in the database.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profiles"
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    expertise = models.TextField(
        default="", blank=True, help_text=gettext_lazy("Comma-separated: what you can help with.")
    )
    languages = models.CharField(
        max_length=300,
        default="",
        blank=True,
        help_text=gettext_lazy("Comma-separated; empty means the languages of your profile."),
    )
    capacity = models.PositiveSmallIntegerField(
        default=2, help_text=gettext_lazy("How many mentees at once.")
    )
    load = models.PositiveSmallIntegerField(default=0)
    is_accepting = models.BooleanField(gettext_lazy("accepting new mentees"), default=True)
    status = models.CharField(
        max_length=20, choices=MentorStatus.choices, default=MentorStatus.ACTIVE
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    inactive_flagged_at = models.DateTimeField(null=True, blank=True)
    resigned_at = models.DateTimeField(null=True, blank=True)
    resignation_reason = models.TextField(default="", blank=True)
    recommended_replacement = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["user__display_name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="mentor_profile_unique"),
            models.CheckConstraint(
                condition=Q(load__lte=models.F("capacity")),
                name="mentor_profile_load_within_capacity",
            ),
            models.CheckConstraint(condition=Q(capacity__lte=50), name="mentor_profile_capacity"),
        ]

    def __str__(self) -> str:
        return f"Mentor {self.user} in {self.program}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)

    @property
    def expertise_list(self) -> list[str]:
        from peerly.accounts.models import split_tags

        return split_tags(self.expertise)

    @property
    def is_active(self) -> bool:
        return self.status == MentorStatus.ACTIVE


class NominationKind(models.TextChoices):
    DIRECT = "direct", gettext_lazy("Nominated by a mentor")
    SELF = "self", gettext_lazy("Self-nominated")


class NominationStatus(models.TextChoices):
    EVALUATION = "evaluation", gettext_lazy("Waiting for a mentor's evaluation")
    TRAINING = "training", gettext_lazy("Coaching training")
    REVIEW = "review", gettext_lazy("Waiting for the organisers")
    APPROVED = "approved", gettext_lazy("Approved")
    DECLINED = "declined", gettext_lazy("Declined")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


class MentorNomination(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="nominations")
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=NominationKind.choices)
    status = models.CharField(max_length=20, choices=NominationStatus.choices)
    statement = models.TextField(gettext_lazy("why a good mentor"), default="", blank=True)
    expertise = models.TextField(default="", blank=True)
    evaluator = user_reference()
    is_recommended = models.BooleanField(null=True, blank=True)
    evaluation = models.TextField(default="", blank=True)
    training_done = models.JSONField(default=list, blank=True)  # indexes of checklist items
    decided_by = user_reference()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(default="", blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "nominee"],
                condition=Q(status__in=["evaluation", "training", "review"]),
                name="nomination_open_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Nomination of {self.nominee} ({self.status})"


# ----------------------------------------------------------------------------- mentorships
class MentorshipStatus(models.TextChoices):
    SUBMITTED = "submitted", gettext_lazy("Submitted")
    ASSIGNED = "assigned", gettext_lazy("Assigned to a mentor")
    SCREENING = "screening", gettext_lazy("Screening")
    ORIENTATION = "orientation", gettext_lazy("Accepted: orientation")
    ACTIVE = "active", gettext_lazy("Active")
    DECLINED = "declined", gettext_lazy("Declined")
    ENDED = "ended", gettext_lazy("Ended")
    WITHDRAWN = "withdrawn", gettext_lazy("Withdrawn")


OPEN_STATUSES = ("submitted", "assigned", "screening", "orientation", "active")
LOAD_STATUSES = ("assigned", "screening", "orientation", "active")  # count against capacity
SCREENING_STATUSES = ("assigned", "screening")
RUNNING_STATUSES = ("orientation", "active")

ORIENTATION_ITEMS: tuple[tuple[str, str], ...] = (
    ("agreement", "Agreement signed"),
    ("profile", "Profile completed"),
    ("responsibilities", "Responsibilities learned, including monthly reports"),
    ("first_activity", "First activity done"),
    ("goals", "Personal goals set"),
)


class TermChoice(models.TextChoices):
    RENEW = "renew", gettext_lazy("Renew for another term")
    CHANGE = "change", gettext_lazy("Change mentor")


class Mentorship(TimeStampedModel):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships"
    )
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(
        MentorProfile, null=True, blank=True, on_delete=models.RESTRICT, related_name="mentorships"
    )
    status = models.CharField(
        max_length=20, choices=MentorshipStatus.choices, default=MentorshipStatus.SUBMITTED
    )
    goals = models.TextField(default="", blank=True)
    wants = models.TextField(gettext_lazy("areas I want help with"), default="", blank=True)
    submitted_at = models.DateTimeField()
    assigned_at = models.DateTimeField(null=True, blank=True)
    screening_due_at = models.DateTimeField(null=True, blank=True)
    screening_reminded_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)  # first assignment: time to match
    accepted_at = models.DateTimeField(null=True, blank=True)
    graduated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    closing_reason = models.TextField(default="", blank=True)  # decline / end / withdraw
    declined_mentor_ids = models.JSONField(default=list, blank=True)  # never re-suggest them
    orientation = models.JSONField(default=dict, blank=True)  # item -> ISO time ticked
    term_ends_on = models.DateField(null=True, blank=True)
    term_asked_for = models.DateField(null=True, blank=True)  # term end the ask was sent for
    mentee_term_choice = models.CharField(
        max_length=10, choices=TermChoice.choices, default="", blank=True
    )
    mentor_term_choice = models.CharField(
        max_length=10, choices=TermChoice.choices, default="", blank=True
    )
    reassignment_reason = models.TextField(default="", blank=True)  # "" = nothing to do
    reassignment_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status__in=OPEN_STATUSES),
                name="mentorship_one_open_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(mentor__isnull=False) | ~Q(status__in=LOAD_STATUSES),
                name="mentorship_mentor_when_assigned",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"Mentorship of {self.mentee} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def orientation_items(self) -> list[tuple[str, str, bool]]:
        return [(key, label, key in self.orientation) for key, label in ORIENTATION_ITEMS]

    @property
    def orientation_complete(self) -> bool:
        return all(key in self.orientation for key, _ in ORIENTATION_ITEMS)

    @property
    def wants_list(self) -> list[str]:
        from peerly.accounts.models import split_tags

        return split_tags(self.wants)


class MentorAssignment(models.Model):
    """History: who mentored this mentorship when (the current row has ended_at null)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="assignments")
    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = user_reference()
    end_reason = models.CharField(max_length=300, default="", blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship"],
                condition=Q(ended_at__isnull=True),
                name="mentor_assignment_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} for {self.mentorship_id}"


class MonthlyReport(TimeStampedModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(help_text=gettext_lazy("First day of the month reported on."))
    did = models.TextField(gettext_lazy("what I did"))
    next_steps = models.TextField(gettext_lazy("what's next"), default="", blank=True)
    blockers = models.TextField(gettext_lazy("what blocks me"), default="", blank=True)
    submitted_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = user_reference()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "month"], name="report_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Report {self.month:%Y-%m} of {self.mentorship_id}"


class ReportComment(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.report_id}"


class RequestKind(models.TextChoices):
    BUDGET = "budget", gettext_lazy("Budget")
    SWAG = "swag", gettext_lazy("Swag")
    OTHER = "other", gettext_lazy("Other")


class RequestStatus(models.TextChoices):
    PENDING = "pending", gettext_lazy("Waiting for the mentor")
    VALIDATED = "validated", gettext_lazy("Validated")
    DECLINED = "declined", gettext_lazy("Declined")


class SupportRequest(TimeStampedModel):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    justification = models.TextField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = user_reference()
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(default="", blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="request_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request {self.pk}"

    @property
    def amount_label(self) -> str:
        """The amount with its currency ("EUR 120.50"), "" when the request has none."""
        from django.conf import settings

        return "" if self.amount is None else f"{settings.PEERLY_CURRENCY} {self.amount:.2f}"


class RecognitionKind(models.TextChoices):
    RECOGNITION = "recognition", gettext_lazy("Nominated for recognition")
    LEADER = "leader", gettext_lazy("Emerging leader")


class Recognition(models.Model):
    """A mentor's word to organisers: recognise this mentee / this is an emerging leader."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="recognitions"
    )
    kind = models.CharField(max_length=20, choices=RecognitionKind.choices)
    note = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.mentorship_id}"


# ----------------------------------------------------------------------------- reviews
class ReviewRound(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="review_rounds")
    year = models.PositiveSmallIntegerField()
    opened_at = models.DateTimeField()
    closes_on = models.DateField()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="review_round_one_per_year")
        ]

    def __str__(self) -> str:
        return f"Feedback round {self.year} of {self.program}"

    def is_open_on(self, day: dt.date) -> bool:
        return day <= self.closes_on


class ReviewDirection(models.TextChoices):
    OF_MENTEE = "of_mentee", gettext_lazy("Mentor reviews mentee")
    OF_MENTOR = "of_mentor", gettext_lazy("Mentee reviews mentor")


class Review(models.Model):
    """Confidential: the text is for the person reviewed (and the reviewer's own eyes);
    organisers only ever see aggregates."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reviews")
    direction = models.CharField(max_length=10, choices=ReviewDirection.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written"
    )
    reviewee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received"
    )
    strengths = models.TextField(default="", blank=True)
    improve = models.TextField(gettext_lazy("what to improve"), default="", blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-round__year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentorship", "direction"], name="review_one_per_direction"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="review_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.direction} in {self.round_id}"
