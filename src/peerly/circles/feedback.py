"""Circle sessions as feedback occasions (programs/kinds.py `Occasion`, docs/feedback.md):
`session-<id>`, a session that was held or whose time has passed (not cancelled), for the
circle's members."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.circles.models import SessionStatus
from peerly.programs.kinds import Occasion

REF = re.compile(r"session-(\d{1,18})")


def ref_for(session: CircleSession) -> str:
    return f"session-{session.pk}"


def occasion(ref: str, *, user: Any) -> Occasion | None:
    match = REF.fullmatch(ref)
    if match is None or not getattr(user, "is_authenticated", False):
        return None
    session = (
        CircleSession.objects.filter(pk=int(match[1]), circle__memberships__user=user)
        .select_related("circle", "circle__program")
        .first()
    )
    if session is None or session.status == SessionStatus.CANCELLED:
        return None
    if session.status != SessionStatus.HELD and session.starts_at > timezone.now():
        return None
    people = tuple(
        sorted(CircleMember.objects.filter(circle=session.circle).values_list("user_id", flat=True))
    )
    label = _("%(circle)s, session %(number)s") % {
        "circle": session.circle.name,
        "number": session.number,
    }
    return Occasion(ref=ref, program=session.circle.program, label=label, people=people)


def recent(*, since: dt.datetime, now: dt.datetime) -> list[Occasion]:
    """The sessions that became occasions between `since` and `now` (held, or started and
    ended; not cancelled), for the after-session invitations: two queries in all."""
    sessions = list(
        CircleSession.objects.filter(starts_at__gte=since, starts_at__lte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("circle", "circle__program")
        .order_by("pk")
    )
    sessions = [s for s in sessions if s.status == SessionStatus.HELD or s.ends_at <= now]
    people: dict[int, list[int]] = defaultdict(list)
    for circle_id, user_id in CircleMember.objects.filter(
        circle_id__in={s.circle_id for s in sessions}
    ).values_list("circle_id", "user_id"):
        people[circle_id].append(user_id)
    return [
        Occasion(
            ref=ref_for(s),
            program=s.circle.program,
            label=s.circle.name,
            people=tuple(sorted(people[s.circle_id])),
        )
        for s in sessions
    ]
