"""The circles' state machines: every action from every state, allowed or refused with a clear
message and no change (core.statemachine tables)."""

from __future__ import annotations

import datetime as dt

import pytest

from peerly.circles.models import SessionStatus
from peerly.circles.models import SlotStatus
from peerly.circles.services import SESSION_MACHINE
from peerly.circles.services import SLOT_MACHINE
from peerly.core.errors import TransitionError

ALLOWED = {
    (SESSION_MACHINE, "record_attendance"): {SessionStatus.SCHEDULED, SessionStatus.HELD},
    (SESSION_MACHINE, "reschedule"): {SessionStatus.SCHEDULED},
    (SESSION_MACHINE, "cancel"): {SessionStatus.SCHEDULED},
    (SLOT_MACHINE, "vote"): {SlotStatus.VOTING},
    (SLOT_MACHINE, "decide"): {SlotStatus.VOTING},
}
CASES = [
    (machine, action, state)
    for (machine, action), _ in ALLOWED.items()
    for state in (SessionStatus if machine is SESSION_MACHINE else SlotStatus).values
]


def test_the_tables_name_every_action():
    assert set(SESSION_MACHINE.table) == {"record_attendance", "reschedule", "cancel"}
    assert set(SLOT_MACHINE.table) == {"vote", "decide"}


@pytest.mark.parametrize(("machine", "action", "state"), CASES)
def test_every_action_from_every_state(machine, action, state):  # type: ignore[no-untyped-def]
    if state in ALLOWED[(machine, action)]:
        machine.check(state, action)
    else:
        with pytest.raises(TransitionError, match=f"Cannot .* this {machine.noun}: it is"):
            machine.check(state, action)


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["this", "following"])
def test_a_cancelled_session_cannot_be_moved_or_attended(scheduled_circle, scope):  # type: ignore[no-untyped-def]
    from peerly.circles import services

    session = scheduled_circle.sessions.order_by("number").first()
    member = scheduled_circle.memberships.first().user
    services.cancel_session(actor=member, session=session)
    session.refresh_from_db()
    before = session.starts_at
    with pytest.raises(TransitionError, match="it is cancelled"):
        services.reschedule_session(
            actor=member, session=session, starts_at=before + dt.timedelta(hours=1), scope=scope
        )
    with pytest.raises(TransitionError, match="it is cancelled"):
        services.record_attendance(
            actor=member, session=session, present_ids=[member.pk], now=session.starts_at
        )
    session.refresh_from_db()
    assert (session.status, session.starts_at) == (SessionStatus.CANCELLED, before)
