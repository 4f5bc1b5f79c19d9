"""Orientation: the checklist, the mentee's goals, graduation to active."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.core.errors import TransitionError
from peerly.mentorship import emails
from peerly.mentorship.models import ORIENTATION_ITEMS
from peerly.mentorship.models import Mentorship
from peerly.mentorship.services._common import M
from peerly.mentorship.services._common import _is_party
from peerly.mentorship.services._common import _lock
from peerly.mentorship.services._common import _require_mentee_of
from peerly.mentorship.services._common import _require_mentor_of
from peerly.mentorship.services._common import _touch_mentor
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import finish
from peerly.mentorship.services._common import lock_for
from peerly.mentorship.services._common import required


@transaction.atomic
def set_orientation_item(
    *, actor: User, mentorship: Mentorship, item: str, done: bool
) -> Mentorship:
    ms = lock_for(mentorship, "orientation_item")
    if _is_party(actor, ms) is None:
        raise PermissionDenied(gettext("Only the mentee and the mentor can do that."))
    keys = [key for key, _ in ORIENTATION_ITEMS]
    if item not in keys:
        raise ServiceError(gettext("“%(item)s” is not an orientation item.") % {"item": item})
    now = current_time()
    orientation = dict(ms.orientation)
    if done == (item in orientation):
        return ms  # nothing changes: no audit row, no email
    if done:
        orientation[item] = now.isoformat()
    else:
        orientation.pop(item)
    ms.orientation = orientation
    if ms.mentor is not None and ms.mentor.user_id == actor.pk:
        _touch_mentor(ms.mentor, now)
    finish(
        ms,
        actor=actor,
        action="mentorship.orientation_item",
        data={"item": item, "done": done},
        fields=["orientation"],
    )
    return ms


@transaction.atomic
def update_goals(*, actor: User, mentorship: Mentorship, goals: str) -> Mentorship:
    ms = _lock(mentorship)
    _require_mentee_of(actor, ms)
    if not ms.is_open:
        raise TransitionError(
            gettext("This mentorship is closed; its goals are kept as they were.")
        )
    goals = required(goals, "Goals cannot be empty.", field="goals")
    ms.goals = goals[:5000]
    finish(ms, actor=actor, action="mentorship.goals", fields=["goals"])
    return ms


@transaction.atomic
def graduate_mentee(*, actor: User, mentorship: Mentorship) -> Mentorship:
    """The mentor decides the orientation is over: the mentee becomes active."""
    ms = lock_for(mentorship, "graduate")
    profile = _require_mentor_of(actor, ms)
    missing = [label for key, label in ORIENTATION_ITEMS if key not in ms.orientation]
    if missing:
        raise ServiceError("The orientation checklist is not complete: " + "; ".join(missing) + ".")
    now = current_time()
    ms.status = M.ACTIVE
    ms.graduated_at = now
    _touch_mentor(profile, now)
    finish(ms, actor=actor, action="mentorship.graduate")
    emails.graduated(ms=ms, mentor=actor)
    return ms
