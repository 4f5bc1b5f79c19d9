"""After-session invitations (docs/feedback.md): `peerly tick` sends each person of a recent
occasion — a circle session held or ended, a coffee meeting whose window closed, a mentorship
monthly report submitted — one short email "How was it? 1 minute" linking to the after-session
form, once per (occasion, member) by outbox key, unless they already answered it.

Each kind lists its recent occasions through its `feedback_recent` hook (`recent(since=, now=)`
in the kind's `feedback.py`), in a fixed number of queries. Only occasions of the last
`WINDOW` are considered, so switching this on does not mail the whole history. The email names
the programme only: nothing about anybody's answer (it goes to those without a receipt, as the
survey reminders do)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from peerly.accounts.models import User
from peerly.core.links import absolute_url
from peerly.feedback.models import Receipt
from peerly.feedback.models import SurveyKind
from peerly.feedback.services import occasion_key
from peerly.notifications.muting import is_muted
from peerly.notifications.services import EmailToQueue
from peerly.notifications.services import programme_email
from peerly.notifications.services import queue_emails
from peerly.programs import kinds
from peerly.programs.kinds import Occasion

WINDOW = dt.timedelta(days=7)
TEMPLATE = "feedback_invitation"  # its after-session variant: category "Feedback requests"


def email_key(kind_code: str, ref: str, user_id: int) -> str:
    return f"feedback.after:{kind_code}:{ref}:{user_id}"


def recent_occasions(*, now: dt.datetime) -> list[tuple[str, Occasion]]:
    """(kind code, occasion) of every kind's occasions of the last `WINDOW`."""
    out: list[tuple[str, Occasion]] = []
    for kind in kinds.registry():
        recent = kind.hooks.feedback_recent
        if recent is not None:
            out.extend((kind.code, o) for o in recent(since=now - WINDOW, now=now))
    return out


def _emails(occasions: list[tuple[str, Occasion]]) -> Iterator[EmailToQueue]:
    keys = {occasion_key(code, o.ref) for code, o in occasions}
    answered = set(
        Receipt.objects.filter(
            survey__kind=SurveyKind.AFTER_SESSION,
            survey__program_id__in={o.program.pk for _, o in occasions},
            occasion__in=keys,
        ).values_list("user_id", "occasion")
    )
    users = User.objects.filter(
        pk__in={p for _, o in occasions for p in o.people}, is_active=True
    ).select_related("profile")
    by_id = {u.pk: u for u in users}
    for code, o in occasions:
        key = occasion_key(code, o.ref)
        url = absolute_url("feedback:session", kind=code, ref=o.ref)
        for person in o.people:
            user = by_id.get(person)
            if user is None or (person, key) in answered:
                continue
            yield programme_email(
                email_key(code, o.ref, person),
                user,
                TEMPLATE,
                program=o.program,
                url=url,
                after_session=True,
            )


def invite_after_session(*, now: dt.datetime) -> int:
    """Queue the invitations of the recent occasions not sent yet; how many were new."""
    if is_muted():
        return 0
    occasions = recent_occasions(now=now)
    if not occasions:
        return 0
    return queue_emails(_emails(occasions))
