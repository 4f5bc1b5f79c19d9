"""Changes to a running mentorship: asking for another mentor, the end-of-term question,
reassignment by organisers, ending."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.mentorship import emails
from peerly.mentorship.models import RUNNING_STATUSES
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import TermChoice
from peerly.mentorship.services._common import M
from peerly.mentorship.services._common import _end_assignment
from peerly.mentorship.services._common import _is_party
from peerly.mentorship.services._common import _lock
from peerly.mentorship.services._common import _lock_free_mentor
from peerly.mentorship.services._common import _recount
from peerly.mentorship.services._common import _require_organiser
from peerly.mentorship.services._common import _start_assignment
from peerly.mentorship.services._common import current_time
from peerly.mentorship.services._common import finish
from peerly.mentorship.services._common import lock_for
from peerly.mentorship.services._common import required
from peerly.mentorship.services.configuration import get_settings
from peerly.programs.access import is_organiser as is_organiser


@transaction.atomic
def request_mentor_change(*, actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
    """Mentee or mentor asks organisers for a different mentor (any time)."""
    reason = required(reason, "Please say why, for the organisers.", field="reason")
    ms = lock_for(mentorship, "request_change")
    role = _is_party(actor, ms)
    if role is None:
        raise PermissionDenied(_("Only the mentee and the mentor can ask for a change."))
    now = current_time()
    ms.reassignment_reason = f"The {role} asked for a change: {reason}"[:2000]
    ms.reassignment_requested_at = now
    finish(ms, actor=actor, action="mentorship.request_change", reason=reason)
    emails.change_requested(ms=ms, now=now)
    return ms


@transaction.atomic
def answer_term(*, actor: User, mentorship: Mentorship, choice: str) -> Mentorship:
    """Renew or change at the end of the term. Both renew → a new term; a change → organisers."""
    if choice not in TermChoice.values:
        raise ServiceError(_("Choose renew or change."), field="choice")
    ms = lock_for(mentorship, "answer_term")
    role = _is_party(actor, ms)
    if role is None:
        raise PermissionDenied(_("Only the mentee and the mentor can answer."))
    now = current_time()
    if role == "mentee":
        ms.mentee_term_choice = choice
    else:
        ms.mentor_term_choice = choice
    audit_data: dict[str, Any] = {"role": role, "choice": choice}
    if choice == TermChoice.CHANGE:
        ms.reassignment_reason = f"The {role} chose to change mentor at the end of the term."
        ms.reassignment_requested_at = now
    elif ms.mentee_term_choice == ms.mentor_term_choice == TermChoice.RENEW:
        cfg = get_settings(ms.program)
        base = ms.term_ends_on or timezone.localdate(now)
        ms.term_ends_on = base + dt.timedelta(days=cfg.term_days)
        ms.mentee_term_choice = ms.mentor_term_choice = ""
        if ms.reassignment_reason.startswith("The term ended"):
            ms.reassignment_reason = ""
        audit_data["renewed_until"] = ms.term_ends_on.isoformat()
    finish(ms, actor=actor, action="mentorship.answer_term", data=audit_data)
    if choice == TermChoice.CHANGE:
        emails.change_requested(ms=ms, now=now)
    return ms


@transaction.atomic
def ask_term(*, mentorship: Mentorship) -> bool:
    """Ask mentee and mentor, once per term end, to renew or change (for `tick`)."""
    ms = _lock(mentorship)
    if (
        ms.status not in RUNNING_STATUSES
        or ms.term_ends_on is None
        or ms.term_asked_for == ms.term_ends_on
    ):
        return False
    ms.term_asked_for = ms.term_ends_on
    finish(
        ms,
        actor=None,
        action="mentorship.term_ask",
        data={"term_ends_on": ms.term_ends_on.isoformat()},
        fields=["term_asked_for"],
    )
    emails.term_ask(ms=ms)
    return True


@transaction.atomic
def flag_term_ended(*, mentorship: Mentorship, now: dt.datetime) -> bool:
    """A term that ended without renewal goes to the organisers, once (for `tick`)."""
    ms = _lock(mentorship)
    if ms.status not in RUNNING_STATUSES or ms.reassignment_reason or ms.term_ends_on is None:
        return False
    ms.reassignment_reason = f"The term ended on {ms.term_ends_on:%d %B %Y} without renewal."
    ms.reassignment_requested_at = now
    finish(
        ms,
        actor=None,
        action="mentorship.term_ended",
        reason=ms.reassignment_reason,
        fields=["reassignment_reason", "reassignment_requested_at"],
    )
    emails.term_ended(ms=ms)
    return True


@transaction.atomic
def reassign_mentor(
    *, actor: User, mentorship: Mentorship, mentor: MentorProfile, reason: str
) -> Mentorship:
    """Organisers hand a running mentorship to another mentor; everything else is kept."""
    reason = required(reason, "Please give a reason for the change.", field="reason")
    ms = lock_for(mentorship, "reassign")
    _require_organiser(actor, ms.program)
    old = ms.mentor
    assert old is not None  # noqa: S101 - running mentorships always have a mentor
    if old.pk == mentor.pk:
        raise ServiceError(_("Choose a different mentor."), field="mentor")
    # Lock both rows in a fixed order so two reassignments cannot deadlock.
    for pk in sorted((old.pk, mentor.pk)):
        MentorProfile.objects.select_for_update().filter(pk=pk).first()
    new = _lock_free_mentor(ms.program, mentor, ms)
    now = current_time()
    ms.mentor = new
    ms.reassignment_reason = ""
    ms.reassignment_requested_at = None
    ms.mentee_term_choice = ms.mentor_term_choice = ""
    if ms.term_ends_on is None or ms.term_ends_on <= timezone.localdate(now):
        ms.term_ends_on = timezone.localdate(now) + dt.timedelta(
            days=get_settings(ms.program).term_days
        )
    ms.save()
    _end_assignment(ms, now, f"Reassigned: {reason}")
    assignment = _start_assignment(ms, new, actor, now)
    _recount(old.pk)
    _recount(new.pk)
    finish(
        ms,
        actor=actor,
        action="mentorship.reassign",
        reason=reason,
        data={"from": old.user_id, "to": new.user_id},
        save=False,
    )
    emails.reassigned(ms=ms, assignment=assignment, old=old.user, new=new.user, reason=reason)
    return ms


@transaction.atomic
def end_mentorship(*, actor: User, mentorship: Mentorship, reason: str) -> Mentorship:
    reason = required(reason, "Please give a reason.", field="reason")
    ms = lock_for(mentorship, "end")
    role = _is_party(actor, ms)
    if role is None and not is_organiser(actor, ms.program):
        raise PermissionDenied(_("Only the mentee, the mentor or organisers can end it."))
    now = current_time()
    profile = ms.mentor
    ms.status = M.ENDED
    ms.ended_at = now
    ms.closing_reason = reason[:2000]
    ms.save()
    _end_assignment(ms, now, f"Ended: {reason}")
    if profile is not None:
        _recount(profile.pk)
    finish(ms, actor=actor, action="mentorship.end", reason=reason, save=False)
    people = [ms.mentee] + ([profile.user] if profile else [])
    emails.ended(ms=ms, by=actor, reason=reason, people=[p for p in people if p.pk != actor.pk])
    return ms
