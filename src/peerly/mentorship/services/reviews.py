"""The yearly feedback round: opening it (every running pair reviews each other), writing one."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.db import relock
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.mentorship import emails
from peerly.mentorship.models import RUNNING_STATUSES
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import Review
from peerly.mentorship.models import ReviewDirection
from peerly.mentorship.models import ReviewRound
from peerly.mentorship.services._common import _require_organiser
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import finish
from peerly.mentorship.services.configuration import get_settings
from peerly.programs.models import Program


@transaction.atomic
def open_review_round(*, actor: User | None, program: Program, now: dt.datetime) -> ReviewRound:
    """Open this year's feedback round: every running pair reviews each other."""
    if actor is not None:
        _require_organiser(actor, program)
    today = timezone.localdate(now)
    if ReviewRound.objects.filter(program=program, year=today.year).exists():
        raise ServiceError(_("The %(year)s feedback round is already open.") % {"year": today.year})
    cfg = get_settings(program)
    rnd = ReviewRound.objects.create(
        program=program,
        year=today.year,
        opened_at=now,
        closes_on=today + dt.timedelta(days=cfg.review_days),
    )
    pairs = Mentorship.objects.filter(
        program=program, status__in=RUNNING_STATUSES, mentor__isnull=False
    ).select_related("mentor__user", "mentee")
    reviews = []
    for ms in pairs:
        mentor = ms.mentor.user  # type: ignore[union-attr]
        for direction, reviewer, reviewee in (
            (ReviewDirection.OF_MENTEE, mentor, ms.mentee),
            (ReviewDirection.OF_MENTOR, ms.mentee, mentor),
        ):
            reviews.append(
                Review(
                    round=rnd,
                    mentorship=ms,
                    direction=direction,
                    reviewer=reviewer,
                    reviewee=reviewee,
                )
            )
    Review.objects.bulk_create(reviews)
    finish(
        rnd,
        actor=actor,
        action="review_round.open",
        program_id=program.pk,
        data={"reviews": len(reviews)},
        save=False,
    )
    for review in Review.objects.filter(round=rnd).select_related("reviewer", "reviewee"):
        emails.review_open(review=review, rnd=rnd)
    return rnd


@transaction.atomic
def submit_review(
    *, actor: User, review: Review, strengths: str, improve: str, rating: int | None
) -> Review:
    review = relock(review, "round", "round__program")
    if review.reviewer_id != actor.pk:
        raise PermissionDenied(_("This is not your review to write."))
    if not review.round.is_open_on(timezone.localdate(current_time())):
        raise TransitionError(_("This feedback round is closed."))
    if rating is None or not 1 <= int(rating) <= 5:
        raise ServiceError(_("Choose a rating from 1 to 5."), field="rating")
    strengths, improve = strengths.strip(), improve.strip()
    if not strengths and not improve:
        raise ServiceError(
            _("Write at least one strength or one thing to improve."), field="strengths"
        )
    first = review.submitted_at is None
    review.strengths = strengths[:5000]
    review.improve = improve[:5000]
    review.rating = int(rating)
    review.submitted_at = current_time()
    # No text in the audit: reviews are confidential.
    finish(review, actor=actor, action="review.submit", program_id=review.round.program_id)
    if first:
        emails.review_received(review=review)
    return review
