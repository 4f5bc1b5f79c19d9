"""Sessions: attendance and roles, the method form, action carry-over, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from peerly.circles import services
from peerly.circles import ticks
from peerly.circles.models import Attendance
from peerly.circles.models import Block
from peerly.circles.models import SessionStatus
from peerly.core.errors import ServiceError
from peerly.growth.models import ActionItem
from peerly.growth.models import ActionStatus
from tests.circles.conftest import member_users

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(session, minutes: int = 5):  # type: ignore[no-untyped-def]
    return session.starts_at + dt.timedelta(minutes=minutes)


def test_attendance_assigns_the_rotation_and_marks_the_session_held(scheduled_circle):
    a, b, c = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    services.record_attendance(
        actor=a, session=first, present_ids=[a.pk, b.pk, c.pk], now=at(first)
    )
    first.refresh_from_db()
    assert first.status == SessionStatus.HELD
    blocks = list(first.blocks.order_by("position"))
    assert [(x.coachee_id, x.coach_id, x.note_taker_id) for x in blocks] == [
        (a.pk, b.pk, c.pk),
        (b.pk, c.pk, a.pk),
        (c.pk, a.pk, b.pk),
    ]
    second = scheduled_circle.sessions.get(number=2)
    services.record_attendance(
        actor=a, session=second, present_ids=[a.pk, b.pk, c.pk], now=at(second)
    )
    assert second.blocks.order_by("position").first().coachee_id == b.pk  # order rotates


def test_absence_reassigns_roles_and_is_recorded(scheduled_circle):
    a, b, c = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    services.record_attendance(actor=b, session=first, present_ids=[b.pk, c.pk], now=at(first))
    blocks = list(first.blocks.order_by("position"))
    assert len(blocks) == 2
    assert {x.coachee_id for x in blocks} == {b.pk, c.pk}
    assert all(x.coach_id == x.note_taker_id != x.coachee_id for x in blocks)
    statuses = dict(Attendance.objects.filter(session=first).values_list("user_id", "status"))
    assert statuses == {a.pk: "absent", b.pk: "present", c.pk: "present"}


def test_attendance_rules(scheduled_circle):
    a, b, _ = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    with pytest.raises(ServiceError, match="hour before"):
        services.record_attendance(
            actor=a,
            session=first,
            present_ids=[a.pk, b.pk],
            now=first.starts_at - dt.timedelta(hours=3),
        )
    with pytest.raises(ServiceError, match="two people"):
        services.record_attendance(actor=a, session=first, present_ids=[a.pk], now=at(first))


def test_note_taker_fills_the_method_form_and_actions_carry_over(scheduled_circle, client):
    a, b, c = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    services.record_attendance(
        actor=a, session=first, present_ids=[a.pk, b.pk, c.pk], now=at(first)
    )
    block = first.blocks.get(position=1)  # coachee a, coach b, note-taker c
    client.force_login(c)
    prefix = f"b{block.pk}"
    response = client.post(
        f"/programs/circles/circles/blocks/{block.pk}/",
        {
            f"{prefix}-issue": "Reviews take weeks; e.g. PR 42 waited 20 days.",
            f"{prefix}-outcome": "Reviews within 3 days.",
            f"{prefix}-ideas": "Rotation of reviewers?",
            f"{prefix}-obstacles_self": "I do not ask for help.",
            f"{prefix}-obstacles_others": "Maintainers are busy.",
            f"{prefix}-obstacles_situation": "Release deadline.",
            f"{prefix}-brainstorm": "Ask in chat; pair review.",
            f"{prefix}-approach": "Ask for a named reviewer.",
            f"{prefix}-timing": "This week.",
            f"{prefix}-a0-text": "Ask Sam to review PR 42",
            f"{prefix}-a0-owner": str(a.pk),
            f"{prefix}-a0-due_on": "2030-01-14",
            f"{prefix}-a1-text": "",
            f"{prefix}-a1-owner": str(a.pk),
            f"{prefix}-a1-due_on": "",
        },
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.issue.startswith("Reviews take weeks")
    assert block.obstacles_situation == "Release deadline."
    action = ActionItem.objects.get()
    assert (action.owner, action.text, action.due_on) == (
        a,
        "Ask Sam to review PR 42",
        dt.date(2030, 1, 14),
    )
    # the coach can read but not write
    client.force_login(b)
    assert (
        client.post(
            f"/programs/circles/circles/blocks/{block.pk}/", {f"{prefix}-issue": "x"}
        ).status_code
        == 302
    )
    block.refresh_from_db()
    assert block.issue.startswith("Reviews take weeks")
    # the next session opens by reviewing it
    second = scheduled_circle.sessions.get(number=2)
    client.force_login(a)
    page = client.get(f"/programs/circles/circles/sessions/{second.pk}/").content.decode()
    review = page[page.index('id="review"') : page.index('id="attendance"')]
    assert "Ask Sam to review PR 42" in review
    client.post(
        f"/programs/circles/circles/actions/{action.pk}/", {"status": "done", "session": second.pk}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.reviewed_in == second
    page = client.get(f"/programs/circles/circles/sessions/{second.pk}/").content.decode()
    assert "Ask Sam to review PR 42" in page  # still listed as reviewed in this session
    third = scheduled_circle.sessions.get(number=3)
    page = client.get(f"/programs/circles/circles/sessions/{third.pk}/").content.decode()
    assert "Ask Sam to review PR 42" not in page  # done: not carried further


def test_coachee_can_edit_their_block_afterwards(scheduled_circle):
    a, b, c = member_users(scheduled_circle)
    first = scheduled_circle.sessions.get(number=1)
    services.record_attendance(
        actor=a, session=first, present_ids=[a.pk, b.pk, c.pk], now=at(first)
    )
    block = first.blocks.get(position=1)
    services.save_block(actor=c, block=block, notes={"issue": "typed by c"})
    services.save_block(
        actor=a,
        block=block,
        notes={"issue": "clarified by a"},
        new_actions=[{"text": "Write it down", "owner_id": None}],
    )
    block.refresh_from_db()
    assert block.issue == "clarified by a" and block.updated_by == a
    assert ActionItem.objects.get().owner == a
    with pytest.raises(ServiceError):
        services.save_block(actor=b, block=block, notes={"issue": "coach"})
    # roles are not re-shuffled once notes exist
    services.record_attendance(actor=a, session=first, present_ids=[a.pk, b.pk], now=at(first, 30))
    assert Block.objects.filter(session=first).count() == 3


def test_reminders_are_sent_once_per_session(scheduled_circle, django_capture_on_commit_callbacks):
    first = scheduled_circle.sessions.get(number=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert ticks.tick(now=first.starts_at - dt.timedelta(hours=30)) == {"reminders": 0}
        assert ticks.tick(now=first.starts_at - dt.timedelta(hours=20)) == {"reminders": 1}
        assert ticks.tick(now=first.starts_at - dt.timedelta(hours=19)) == {"reminders": 0}
    assert len(mail.outbox) == 3
    assert "Reminder" in mail.outbox[0].subject
    assert "(UTC)" in mail.outbox[0].body


def test_missed_and_cancelled_sessions_are_visible_to_the_circle(scheduled_circle, client):
    a, b, _ = member_users(scheduled_circle)
    second = scheduled_circle.sessions.get(number=2)
    services.cancel_session(actor=b, session=second, reason="Holiday")
    with time_machine.travel(dt.datetime(2030, 1, 8, tzinfo=UTC), tick=False):
        client.force_login(a)
        page = client.get(f"/programs/circles/circles/c/{scheduled_circle.pk}/").content.decode()
    assert "1 missed session" in page
    assert "cancelled" in page
