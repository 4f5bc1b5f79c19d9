"""The surveys' emails, through the notifications outbox (once per survey and member, by
key): the invitation when a survey opens, one reminder to those who have not answered.

Members choose: an opt-out of "Feedback requests" is honoured by the outbox; a member who
asked to hear from programmes only every few months (profile frequency "quarterly") gets
the invitation but no reminder. Neither email says anything about an answer."""

from __future__ import annotations

from django.db.models import Exists
from django.db.models import OuterRef

from peerly.accounts.models import Frequency
from peerly.accounts.models import User
from peerly.core.links import absolute_url
from peerly.feedback.models import Receipt
from peerly.feedback.models import Survey
from peerly.notifications.muting import is_muted
from peerly.notifications.services import programme_email
from peerly.notifications.services import queue_emails
from peerly.programs.models import EnrollmentStatus


def _members(survey: Survey):  # type: ignore[no-untyped-def]
    users = User.objects.filter(
        enrollments__program_id=survey.program_id,
        enrollments__status=EnrollmentStatus.ACTIVE,
        is_active=True,
    ).select_related("profile")
    if survey.audience:  # an end-of-season NPS survey: the season's members only
        users = users.filter(pk__in=survey.audience)
    return users


def _send(survey: Survey, users, template: str, prefix: str) -> int:  # type: ignore[no-untyped-def]
    if is_muted():
        return 0
    url = absolute_url("feedback:answer", survey_id=survey.pk)
    return queue_emails(
        programme_email(
            f"feedback.{prefix}:{survey.pk}:{user.pk}",
            user,
            template,
            program=survey.program,
            url=url,
            survey=survey,
        )
        for user in users
    )


def invite(survey: Survey) -> int:
    return _send(survey, _members(survey).order_by("pk"), "feedback_invitation", "invite")


def remind(survey: Survey) -> int:
    answered = Receipt.objects.filter(survey=survey, user=OuterRef("pk"), occasion="")
    users = (
        _members(survey)
        .exclude(Exists(answered))
        .exclude(profile__frequency=Frequency.QUARTERLY)
        .order_by("pk")
    )
    return _send(survey, users, "feedback_reminder", "remind")
