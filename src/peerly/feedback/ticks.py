"""`peerly tick`'s feedback step: open scheduled surveys (inviting the members), remind the
members who have not answered, close surveys whose date has come and schedule the next one of
a repeating survey; invite the people of recent sessions to the after-session form
(`feedback.invitations`). Every step is a conditional update, so running it twice (or on two hosts
at once) does each thing once; the outbox keys are the backstop against a second email."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.db import transaction

from peerly.feedback import emails
from peerly.feedback import invitations
from peerly.feedback import seasons
from peerly.feedback.models import CADENCE_MONTHS
from peerly.feedback.models import Question
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyCadence
from peerly.feedback.models import SurveyStatus


def add_months(value: dt.datetime, months: int) -> dt.datetime:
    """`value` `months` later, on the same day of the month (the last day when shorter)."""
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    for day in range(value.day, 27, -1):
        try:
            return value.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return value.replace(year=year, month=month, day=min(value.day, 28))


def tick(*, now: dt.datetime) -> dict[str, int]:
    counts = {"opened": 0, "reminded": 0, "closed": 0, "scheduled": 0, "emails": 0}
    counts["after_session"] = invitations.invite_after_session(now=now)
    counts["end_of_season"] = seasons.create_end_surveys(now=now)  # opened just below
    due = Survey.objects.filter(status=SurveyStatus.SCHEDULED, opens_at__lte=now)
    for survey_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            if Survey.objects.filter(pk=survey_id, status=SurveyStatus.SCHEDULED).update(
                status=SurveyStatus.OPEN, opened_at=now
            ):
                counts["opened"] += 1
                survey = Survey.objects.select_related("program").get(pk=survey_id)
                if survey.closes_at is None or survey.closes_at > now:
                    counts["emails"] += emails.invite(survey)
    remind = Survey.objects.filter(
        status=SurveyStatus.OPEN, remind_at__lte=now, reminded_at__isnull=True, closes_at__gt=now
    )
    for survey_id in list(remind.values_list("pk", flat=True)):
        with transaction.atomic():
            if Survey.objects.filter(pk=survey_id, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                counts["reminded"] += 1
                survey = Survey.objects.select_related("program").get(pk=survey_id)
                counts["emails"] += emails.remind(survey)
    closing = Survey.objects.filter(status=SurveyStatus.OPEN, closes_at__lte=now)
    for survey_id in list(closing.values_list("pk", flat=True)):
        with transaction.atomic():
            if Survey.objects.filter(pk=survey_id, status=SurveyStatus.OPEN).update(
                status=SurveyStatus.CLOSED, closed_at=now
            ):
                counts["closed"] += 1
                if schedule_next(Survey.objects.get(pk=survey_id)) is not None:
                    counts["scheduled"] += 1
    return counts


def schedule_next(survey: Survey) -> Survey | None:
    """The next occurrence of a repeating survey (the same questions, the dates moved on by its
    cadence), once: None for a one-off survey or when it already exists."""
    months = CADENCE_MONTHS.get(SurveyCadence(survey.cadence), 0)
    if not months or survey.opens_at is None or survey.closes_at is None:
        return None
    if Survey.objects.filter(previous=survey).exists():
        return None
    shift = add_months(survey.opens_at, months) - survey.opens_at
    try:
        with transaction.atomic():
            nxt = Survey.objects.create(
                program_id=survey.program_id,
                kind=survey.kind,
                anonymity=survey.anonymity,
                title=survey.title,
                intro=survey.intro,
                cadence=survey.cadence,
                opens_at=survey.opens_at + shift,
                closes_at=survey.closes_at + shift,
                remind_at=survey.remind_at + shift if survey.remind_at else None,
                created_by_id=survey.created_by_id,
                previous=survey,
            )
            Question.objects.bulk_create(
                Question(
                    survey=nxt,
                    position=q.position,
                    type=q.type,
                    text=q.text,
                    choices=q.choices,
                    required=q.required,
                    code=q.code,
                )
                for q in survey.questions.all()
            )
    except IntegrityError:  # another tick scheduled it at the same moment
        return None
    return nxt
