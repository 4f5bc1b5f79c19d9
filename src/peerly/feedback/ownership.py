"""The feedback part of a member's data export and of account deletion
(accounts/ownership.py calls these). An anonymous answer is in neither: nothing links it to
the member — only the receipt saying they answered."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from peerly.accounts.models import User
from peerly.feedback.models import Answer
from peerly.feedback.models import PeerFeedback
from peerly.feedback.models import Receipt
from peerly.feedback.models import Response


def export_part(user: User) -> dict[str, list[dict[str, Any]]]:
    answers = Prefetch("answers", queryset=Answer.objects.select_related("question"))
    responses = (
        Response.objects.filter(respondent=user)
        .select_related("survey", "survey__program")
        .prefetch_related(answers)
        .order_by("submitted_on", "survey_id")
    )

    def peer(item: PeerFeedback, *, other: Any) -> dict[str, Any]:
        return {
            "programme": item.program.slug,
            "occasion": item.occasion_label,
            "other": other.name,
            "helped": item.helped,
            "change": item.change,
            "created_at": item.created_at.isoformat(),
        }

    return {
        "survey_answers": [
            {
                "programme": r.survey.program.slug,
                "survey": r.survey.title,
                "anonymity": r.survey.anonymity,
                "occasion": r.occasion,
                "submitted_on": r.submitted_on.isoformat(),
                "answers": [
                    {
                        "question": a.question.text,
                        "number": a.number,
                        "choice": a.choice,
                        "text": a.text,
                    }
                    for a in r.answers.all()
                ],
            }
            for r in responses
        ],
        "surveys_answered": [
            {"programme": r.survey.program.slug, "survey": r.survey.title, "occasion": r.occasion}
            for r in Receipt.objects.filter(user=user).select_related("survey", "survey__program")
        ],
        "feedback_given": [
            peer(f, other=f.recipient)
            for f in PeerFeedback.objects.filter(author=user).select_related("program", "recipient")
        ],
        "feedback_received": [
            peer(f, other=f.author)
            for f in PeerFeedback.objects.filter(recipient=user).select_related("program", "author")
        ],
    }


def forget(user: User) -> dict[str, int]:
    """On account deletion: the member's confidential and attributed answers stay in the
    programme's totals but no longer name them; feedback sent to them goes."""
    return {
        "survey_answers": Response.objects.filter(respondent=user).update(respondent=None),
        "feedback_received": PeerFeedback.objects.filter(recipient=user).delete()[0],
    }
