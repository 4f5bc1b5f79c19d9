"""Automatic assignment of every waiting applicant: preview a plan, then save it pair by pair
through `assign_mentor` (the one write path for an assignment)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.accounts.models import User
from peerly.core.errors import ServiceError
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MentorStatus
from peerly.mentorship.services._common import M
from peerly.mentorship.services._common import _require_organiser
from peerly.mentorship.services.applications import assign_mentor
from peerly.programs.models import Program


def plan_batch(
    *, program: Program, method: str = "optimal", seed: int = 0, now: dt.datetime | None = None
) -> list[Any]:
    """Preview an automatic assignment of every waiting applicant (nothing is saved)."""
    from peerly.mentorship import matching_bridge

    if method not in matching_bridge.METHODS:
        raise ServiceError(
            _("Unknown method “%(method)s”: use optimal or stable.") % {"method": method},
            field="method",
        )
    now = now or timezone.now()
    waiting = list(
        Mentorship.objects.filter(program=program, status=M.SUBMITTED)
        .select_related("mentee", "mentee__profile")
        .prefetch_related("mentee__profile__windows")
        .order_by("submitted_at", "pk")
    )
    mentors = list(
        MentorProfile.objects.filter(program=program, status=MentorStatus.ACTIVE)
        .select_related("user", "user__profile")
        .prefetch_related("user__profile__windows")
        .order_by("user_id")
    )
    if not waiting:
        return []
    return matching_bridge.plan(
        waiting, mentors, method=method, seed=seed, reference=timezone.localdate(now)
    )


def apply_batch(
    *, actor: User | None, program: Program, pairs: list[tuple[int, int]]
) -> tuple[list[Mentorship], list[tuple[int, str]]]:
    """Save previewed (mentorship id, mentor profile id) pairs one by one; each is checked
    again under lock, so a pair that has become impossible is reported, not forced."""
    if actor is not None:
        _require_organiser(actor, program)
    done: list[Mentorship] = []
    failed: list[tuple[int, str]] = []
    for ms_id, mentor_id in pairs:
        ms = Mentorship.objects.filter(program=program, pk=ms_id).first()
        mentor = MentorProfile.objects.filter(program=program, pk=mentor_id).first()
        if ms is None or mentor is None:
            failed.append((ms_id, "No longer exists."))
            continue
        try:
            done.append(assign_mentor(actor=actor, mentorship=ms, mentor=mentor))
        except ServiceError as exc:
            failed.append((ms_id, exc.message))
    return done, failed
