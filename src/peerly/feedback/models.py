"""Feedback instruments shared by every programme kind (docs/feedback.md): after-session
feedback, pulse surveys, NPS and exit surveys, all one mechanism — a `Survey` with its
`Question`s, a `Response` per submission with one `Answer` per question.

Anonymity is a property of the survey:

- ANONYMOUS: no link from a response to the person is stored anywhere. Responses and answers
  have random UUID keys (no insertion order to join on) and a date, never a time; whether a
  member has answered (to refuse a second answer and to skip them in reminders) is a separate
  `Receipt` row keyed by (survey, member) that names no response and has no timestamp.
- CONFIDENTIAL: the response names its respondent (so the member can see and export it), but
  organisers only ever see aggregates of at least MIN_PEOPLE responses.
- ATTRIBUTED: organisers see who said what.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from peerly.core.models import TimeStampedModel
from peerly.core.models import user_reference

USEFUL_MIN, USEFUL_MAX = 1, 5  # the after-session "was it useful?" scale
SCALE_MIN, SCALE_MAX = 1, 5
NPS_MIN, NPS_MAX = 0, 10


class SurveyKind(models.TextChoices):
    AFTER_SESSION = "after_session", gettext_lazy("After a session")
    PULSE = "pulse", gettext_lazy("Pulse survey")
    NPS = "nps", gettext_lazy("Net Promoter Score")
    EXIT = "exit", gettext_lazy("Exit survey")


# kinds of survey a programme has exactly one of, created when first needed
STANDING_KINDS = (SurveyKind.AFTER_SESSION, SurveyKind.EXIT)


class Anonymity(models.TextChoices):
    ANONYMOUS = "anonymous", gettext_lazy("Anonymous: no link to you is stored")
    CONFIDENTIAL = (
        "confidential",
        gettext_lazy("Confidential: organisers only see totals of 5 or more answers"),
    )
    ATTRIBUTED = "attributed", gettext_lazy("Attributed: organisers see who said what")


class SurveyCadence(models.TextChoices):
    ONCE = "once", gettext_lazy("Once")
    MONTHLY = "monthly", gettext_lazy("Every month")
    QUARTERLY = "quarterly", gettext_lazy("Every three months")


ANONYMITY_SHORT = {
    Anonymity.ANONYMOUS: gettext_lazy("anonymous"),
    Anonymity.CONFIDENTIAL: gettext_lazy("confidential"),
    Anonymity.ATTRIBUTED: gettext_lazy("attributed"),
}

CADENCE_MONTHS = {SurveyCadence.ONCE: 0, SurveyCadence.MONTHLY: 1, SurveyCadence.QUARTERLY: 3}


class SurveyStatus(models.TextChoices):
    SCHEDULED = "scheduled", gettext_lazy("Scheduled")
    OPEN = "open", gettext_lazy("Open")
    CLOSED = "closed", gettext_lazy("Closed")


class Survey(TimeStampedModel):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField(max_length=20, choices=SurveyKind.choices)
    anonymity = models.CharField(
        max_length=20, choices=Anonymity.choices, default=Anonymity.CONFIDENTIAL
    )
    title = models.CharField(max_length=200)
    intro = models.TextField(default="", blank=True)
    cadence = models.CharField(
        max_length=20, choices=SurveyCadence.choices, default=SurveyCadence.ONCE
    )
    status = models.CharField(
        max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.SCHEDULED
    )
    # null for the standing surveys (after-session, exit), which are always open
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    remind_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)  # set by the tick that opened it
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = user_reference()
    # an NPS survey created by `peerly tick` at the end of a season or term: which one
    # ("circle-season-12", "coffee-rounds-6", "mentorship-ends-2030-05"), once per programme
    end_key = models.CharField(max_length=80, default="", blank=True)
    # the ids of the members it is sent to (the season's); empty = the programme's members
    audience = models.JSONField(default=list, blank=True)
    # the earlier occurrence of a recurring survey; one next occurrence each (tick idempotence)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next"
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        indexes = [models.Index(fields=["status", "opens_at"], name="survey_status_opens")]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind"],
                condition=Q(kind__in=[k.value for k in STANDING_KINDS]),
                name="survey_one_standing_per_kind",
            ),
            models.UniqueConstraint(
                fields=["program", "end_key"], condition=~Q(end_key=""), name="survey_end_once"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"survey #{self.pk} ({self.kind}) of programme #{self.program_id}"

    @property
    def anonymity_label(self) -> str:
        return str(ANONYMITY_SHORT.get(Anonymity(self.anonymity), self.anonymity))

    @property
    def is_anonymous(self) -> bool:
        return self.anonymity == Anonymity.ANONYMOUS

    @property
    def is_attributed(self) -> bool:
        return self.anonymity == Anonymity.ATTRIBUTED

    @property
    def is_standing(self) -> bool:
        return self.kind in STANDING_KINDS

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN


class QuestionType(models.TextChoices):
    SCALE = "scale", gettext_lazy("Scale from 1 to 5")
    NPS = "nps", gettext_lazy("Scale from 0 to 10 (recommend)")
    CHOICE = "choice", gettext_lazy("One choice from a list")
    TEXT = "text", gettext_lazy("Free text")


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    type = models.CharField(max_length=10, choices=QuestionType.choices)
    text = models.CharField(max_length=300)
    choices = models.JSONField(default=list, blank=True)  # [[code, label], …] for CHOICE
    required = models.BooleanField(default=False)
    # the bank question it came from ("" = the organiser's own); metrics find "useful", "nps"
    code = models.CharField(max_length=40, default="", blank=True)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position"),
        ]

    def __str__(self) -> str:
        return f"question {self.position} of survey #{self.survey_id}"

    @property
    def is_numeric(self) -> bool:
        return self.type in (QuestionType.SCALE, QuestionType.NPS)

    @property
    def bounds(self) -> tuple[int, int]:
        return (NPS_MIN, NPS_MAX) if self.type == QuestionType.NPS else (SCALE_MIN, SCALE_MAX)

    @property
    def choice_labels(self) -> dict[str, str]:
        return {str(code): str(label) for code, label in self.choices}


class Response(models.Model):
    """One submission. For an anonymous survey `respondent` is always null and `occasion`
    empty; the random UUID key and the date (never a time) give nothing to join a `Receipt` on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occasion = models.CharField(max_length=80, default="", blank=True)  # "circle:session-12"
    submitted_on = models.DateField()

    class Meta:
        ordering = ["survey", "id"]  # random: never the order of submission

    def __str__(self) -> str:
        return f"response to survey #{self.survey_id}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)  # scale / NPS
    choice = models.CharField(max_length=40, default="", blank=True)
    text = models.TextField(default="", blank=True)

    class Meta:
        ordering = ["question", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=10),
                name="answer_number_range",
            ),
        ]

    def __str__(self) -> str:
        return f"answer to question #{self.question_id}"


class Receipt(models.Model):
    """ "This member has answered this survey (for this occasion)": no link to the response,
    no timestamp, a random key. Used to refuse a second answer and to skip reminders."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    occasion = models.CharField(max_length=80, default="", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user", "occasion"], name="receipt_once_per_occasion"
            ),
        ]

    def __str__(self) -> str:
        return f"receipt for survey #{self.survey_id}"


class PeerFeedback(TimeStampedModel):
    """After-session feedback a member chose to pass on to someone they were with: the two
    texts, addressed to one person, who can read it (and nobody else, organisers included)."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_given"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_received"
    )
    occasion = models.CharField(max_length=80)
    occasion_label = models.CharField(max_length=200, default="", blank=True)
    helped = models.TextField(default="", blank=True)
    change = models.TextField(default="", blank=True)

    audit_private = True  # never filed under the programme's audit rows

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "recipient", "occasion"], name="peer_feedback_once"
            ),
        ]

    def __str__(self) -> str:
        return f"feedback #{self.pk} for user #{self.recipient_id}"


NPS_DAYS_MAX = 60
NPS_EVERY_ROUNDS_MAX = 52


class FeedbackSettings(models.Model):
    """A programme's feedback choices (the surveys page): ask the NPS question automatically at
    the end of each circle season, every N coffee rounds, after the mentorships ending in a
    month; open for `nps_days` days."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="feedback_settings"
    )
    nps_at_end = models.BooleanField(default=False)
    nps_days = models.PositiveSmallIntegerField(default=14)
    nps_every_rounds = models.PositiveSmallIntegerField(default=6)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(nps_days__gte=1, nps_days__lte=NPS_DAYS_MAX), name="feedback_nps_days"
            ),
            models.CheckConstraint(
                condition=Q(nps_every_rounds__gte=1, nps_every_rounds__lte=NPS_EVERY_ROUNDS_MAX),
                name="feedback_nps_every_rounds",
            ),
        ]

    def __str__(self) -> str:
        return f"feedback settings of programme #{self.program_id}"
